using static TorchSharp.torch;

namespace Qieemo.ML.Training;

/// <summary>
/// A padded mini-batch made by <see cref="BatchCollator"/>. Row b holds the utterance
/// <c>Indices[b]</c> of the source list; frames past <c>Lengths[b]</c> are zeros, token targets
/// past <c>TargetLengths[b]</c> are <see cref="BatchCollator.TargetPad"/> (-1, WeNet's ignore id).
/// Dispose to free the tensors.
/// </summary>
public sealed class FeatureBatch : IDisposable
{
    internal FeatureBatch(int[] indices, Tensor features, Tensor lengths, Tensor? labels, Tensor? targets, Tensor? targetLengths, long validFrames)
    {
        Indices = indices;
        Features = features;
        Lengths = lengths;
        Labels = labels;
        Targets = targets;
        TargetLengths = targetLengths;
        ValidFrames = validFrames;
    }

    /// <summary>Source index of every row (the sampler's batch, in row order).</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Number of utterances B.</summary>
    public int Count => Indices.Count;

    /// <summary>Features (B, Tmax, dim), float32, zero-padded.</summary>
    public Tensor Features { get; }

    /// <summary>Valid frames per utterance, int64 (B).</summary>
    public Tensor Lengths { get; }

    /// <summary>One class label per utterance, int64 (B); null unless collated with labels.</summary>
    public Tensor? Labels { get; }

    /// <summary>Token targets (B, Umax), int64, padded with -1; null unless collated with tokens.</summary>
    public Tensor? Targets { get; }

    /// <summary>Number of tokens per utterance, int64 (B); null unless collated with tokens.</summary>
    public Tensor? TargetLengths { get; }

    /// <summary>Sum of the valid frames (not counting padding).</summary>
    public long ValidFrames { get; }

    /// <summary>Frames in the padded feature tensor, B × Tmax.</summary>
    public long PaddedFrames => Features.shape[0] * Features.shape[1];

    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Lengths.Dispose();
        Labels?.Dispose();
        Targets?.Dispose();
        TargetLengths?.Dispose();
    }
}
