using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Asr;

/// <summary>
/// Attention-decoder training objective: teacher forcing with &lt;sos&gt;/&lt;eos&gt; added to the targets,
/// the <see cref="LabelSmoothingLoss"/> on the decoder logits, and WeNet's th_accuracy.
/// </summary>
public static class AttentionDecoderLoss
{
    /// <summary>
    /// Runs the decoder teacher-forced and scores it. encoderOut [B, T, D], encoderLengths [B],
    /// targets [B, S] padded, targetLengths [B] -> (scalar loss, accuracy over the non-padded outputs).
    /// &lt;sos&gt; and &lt;eos&gt; are the last vocabulary id (WeNet convention).
    /// </summary>
    public static (Tensor Loss, double Accuracy) Compute(TransformerDecoder decoder, LabelSmoothingLoss criterion,
        Tensor encoderOut, Tensor encoderLengths, Tensor targets, Tensor targetLengths, int ignoreId = -1)
    {
        using var scope = NewDisposeScope();
        int sosEos = decoder.Options.VocabularySize - 1;
        using var batch = AttentionTargets.AddSosEos(targets, targetLengths, sosEos, sosEos, ignoreId);
        var logits = decoder.forward(encoderOut, encoderLengths, batch.Input, batch.Lengths);  // [B, S+1, V]
        var loss = criterion.forward(logits, batch.Output);
        double accuracy = Accuracy(logits, batch.Output, ignoreId);
        return (loss.MoveToOuterDisposeScope(), accuracy);
    }

    /// <summary>
    /// WeNet's th_accuracy: fraction of non-ignored positions where argmax(logits) equals the target.
    /// logits [B, L, V], targets [B, L]. Returns 0 when every position is ignored.
    /// </summary>
    public static double Accuracy(Tensor logits, Tensor targets, int ignoreId = -1)
    {
        using var scope = NewDisposeScope();
        var predicted = logits.detach().argmax(-1);          // [B, L]
        var keep = targets.ne(ignoreId);                      // [B, L]
        long total = keep.sum().item<long>();
        if (total == 0) return 0.0;
        long correct = predicted.eq(targets).logical_and(keep).sum().item<long>();
        return (double)correct / total;
    }
}
