using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Qieemo.ML.Modules.Asr;

/// <summary>The parts of a hybrid CTC/attention loss. Dispose to release the tensors.</summary>
/// <param name="Loss">Scalar: CtcWeight * Ctc + (1 - CtcWeight) * Attention.</param>
/// <param name="Ctc">Scalar CTC loss (sum / B), or null when CtcWeight is 0.</param>
/// <param name="Attention">Scalar label-smoothing attention loss, or null when CtcWeight is 1.</param>
/// <param name="AttentionAccuracy">th_accuracy of the teacher-forced decoder, or null when CtcWeight is 1.</param>
public sealed record HybridLossResult(Tensor Loss, Tensor? Ctc, Tensor? Attention, double? AttentionAccuracy) : IDisposable
{
    /// <summary>Disposes the loss tensors.</summary>
    public void Dispose() { Loss.Dispose(); Ctc?.Dispose(); Attention?.Dispose(); }
}

/// <summary>
/// The ASR heads of WeNet's ASRModel on top of an encoder output: a <see cref="CtcHead"/> ("ctc") and a
/// <see cref="TransformerDecoder"/> ("decoder"), trained with
/// loss = ctc_weight * CTC + (1 - ctc_weight) * label-smoothed attention loss.
/// Parameter names match WeNet's checkpoints (ctc.ctc_lo.*, decoder.*).
/// </summary>
public sealed class HybridCtcAttentionLoss : Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly CtcHead ctc;
    private readonly TransformerDecoder decoder;
    private readonly LabelSmoothingLoss criterion_att;

    /// <summary>The options.</summary>
    public HybridCtcAttentionLossOptions Options { get; }
    /// <summary>The CTC head.</summary>
    public CtcHead Ctc => ctc;
    /// <summary>The attention decoder.</summary>
    public TransformerDecoder Decoder => decoder;

    /// <param name="name">Module name.</param>
    /// <param name="ctcHead">CTC head (its vocabulary must match the decoder's).</param>
    /// <param name="attentionDecoder">Attention decoder.</param>
    /// <param name="options">Weights and smoothing; null for WeNet's defaults.</param>
    public HybridCtcAttentionLoss(string name, CtcHead ctcHead, TransformerDecoder attentionDecoder, HybridCtcAttentionLossOptions? options = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(ctcHead);
        ArgumentNullException.ThrowIfNull(attentionDecoder);
        Options = options ?? new HybridCtcAttentionLossOptions();
        if (Options.CtcWeight < 0 || Options.CtcWeight > 1) throw new ArgumentException($"CtcWeight must lie in [0, 1], got {Options.CtcWeight}");
        if (ctcHead.Options.VocabularySize != attentionDecoder.Options.VocabularySize)
            throw new ArgumentException($"vocabulary sizes differ: CTC {ctcHead.Options.VocabularySize}, decoder {attentionDecoder.Options.VocabularySize}");
        if (ctcHead.Options.InputDim != attentionDecoder.Options.AttentionDim)
            throw new ArgumentException($"input dimensions differ: CTC {ctcHead.Options.InputDim}, decoder {attentionDecoder.Options.AttentionDim}");
        ctc = ctcHead;
        decoder = attentionDecoder;
        criterion_att = new LabelSmoothingLoss("criterion_att", attentionDecoder.Options.VocabularySize, Options.IgnoreId,
            Options.LabelSmoothing, Options.LengthNormalizedLoss);
        RegisterComponents();
    }

    /// <summary>
    /// encoderOut [B, T, D], encoderLengths [B] int64, targets [B, S] int64 padded (e.g. -1),
    /// targetLengths [B] int64 -> scalar total loss.
    /// </summary>
    public override Tensor forward(Tensor encoderOut, Tensor encoderLengths, Tensor targets, Tensor targetLengths)
    {
        var result = Compute(encoderOut, encoderLengths, targets, targetLengths);
        result.Ctc?.Dispose();
        result.Attention?.Dispose();
        return result.Loss;
    }

    /// <summary>As <see cref="forward"/>, returning each part and the attention accuracy too (shapes as there).</summary>
    public HybridLossResult Compute(Tensor encoderOut, Tensor encoderLengths, Tensor targets, Tensor targetLengths)
    {
        using var scope = NewDisposeScope();
        double w = Options.CtcWeight;
        Tensor? ctcLoss = null, attLoss = null;
        double? accuracy = null;
        if (w != 0.0) ctcLoss = ctc.Loss(encoderOut, encoderLengths, targets, targetLengths);
        if (w != 1.0)
        {
            var (loss, acc) = AttentionDecoderLoss.Compute(decoder, criterion_att, encoderOut, encoderLengths, targets, targetLengths, Options.IgnoreId);
            attLoss = loss;
            accuracy = acc;
        }
        Tensor total = ctcLoss is null ? attLoss!.mul(1.0) : attLoss is null ? ctcLoss.mul(1.0) : ctcLoss.mul(w).add(attLoss.mul(1.0 - w));
        return new HybridLossResult(total.MoveToOuterDisposeScope(), ctcLoss?.MoveToOuterDisposeScope(), attLoss?.MoveToOuterDisposeScope(), accuracy);
    }
}
