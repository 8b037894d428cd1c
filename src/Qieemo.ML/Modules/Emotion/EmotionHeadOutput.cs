using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>Everything <see cref="EmotionHead.ForwardDetailed"/> computes for a batch; dispose when done.</summary>
public sealed class EmotionHeadOutput : IDisposable
{
    internal EmotionHeadOutput(Tensor logits, Tensor emotion, Tensor emotionLengths, Tensor pooled, Tensor? queryAttention, Tensor? outputAttention)
    {
        Logits = logits;
        EmotionFeatures = emotion;
        EmotionLengths = emotionLengths;
        Pooled = pooled;
        QueryAttention = queryAttention;
        OutputAttention = outputAttention;
    }

    /// <summary>Class scores [B, classes] (before softmax).</summary>
    public Tensor Logits { get; }

    /// <summary>E [B, n, d_e] (MMF output, or projected PPG when UseMmf is false); padded positions are 0.</summary>
    public Tensor EmotionFeatures { get; }

    /// <summary>Valid query positions n_b of E [B].</summary>
    public Tensor EmotionLengths { get; }

    /// <summary>The utterance vector fed to the classifier [B, d_att] (or [B, d_e] without CMA).</summary>
    public Tensor Pooled { get; }

    /// <summary>Attention of equation (7) [B, H, n, T_ppg]; null when UseCma is false.</summary>
    public Tensor? QueryAttention { get; }

    /// <summary>Attention of equation (8) [B, H, n, T_ppg]; null when UseCma is false.</summary>
    public Tensor? OutputAttention { get; }

    /// <summary>Disposes all tensors.</summary>
    public void Dispose()
    {
        Logits.Dispose();
        EmotionFeatures.Dispose();
        EmotionLengths.Dispose();
        Pooled.Dispose();
        QueryAttention?.Dispose();
        OutputAttention?.Dispose();
    }
}
