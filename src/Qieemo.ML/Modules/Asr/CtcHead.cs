using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Qieemo.ML.Modules.Asr;

/// <summary>
/// CTC output head (WeNet's CTC module): Linear(D, V) ("ctc_lo") + log_softmax, the CTC loss
/// (summed over the batch, divided by the batch size, zero_infinity) and greedy decoding.
/// </summary>
public sealed class CtcHead : Module<Tensor, Tensor>
{
    private readonly Linear ctc_lo;
    private readonly Dropout dropout;

    /// <summary>The options the head was built with.</summary>
    public CtcHeadOptions Options { get; }

    /// <param name="name">Module name.</param>
    /// <param name="options">Input dimension, vocabulary size, blank id, dropout.</param>
    public CtcHead(string name, CtcHeadOptions options) : base(name)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.InputDim <= 0) throw new ArgumentException($"InputDim must be positive, got {options.InputDim}");
        if (options.VocabularySize < 2) throw new ArgumentException($"VocabularySize must be at least 2, got {options.VocabularySize}");
        if ((uint)options.BlankId >= (uint)options.VocabularySize) throw new ArgumentException($"BlankId {options.BlankId} is outside [0, {options.VocabularySize})");
        Options = options;
        ctc_lo = Linear(options.InputDim, options.VocabularySize);
        dropout = Dropout(options.DropoutRate);
        RegisterComponents();
    }

    /// <summary>encoderOut [B, T, D] -> log-probabilities [B, T, V].</summary>
    public override Tensor forward(Tensor encoderOut)
    {
        if (encoderOut.dim() != 3 || encoderOut.shape[2] != Options.InputDim)
            throw new ArgumentException($"encoderOut must be [B, T, {Options.InputDim}], got [{string.Join(",", encoderOut.shape)}]", nameof(encoderOut));
        using var scope = NewDisposeScope();
        return ctc_lo.forward(dropout.forward(encoderOut)).log_softmax(-1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// CTC loss of the head's output: sum over the batch of -log p(target | x), divided by B (WeNet).
    /// encoderOut [B, T, D], encoderLengths [B] int64, targets [B, S] int64 padded (any value, e.g. -1,
    /// beyond targetLengths), targetLengths [B] int64 -> scalar. Infeasible utterances count 0.
    /// </summary>
    public Tensor Loss(Tensor encoderOut, Tensor encoderLengths, Tensor targets, Tensor targetLengths)
    {
        using var scope = NewDisposeScope();
        var logProbs = forward(encoderOut);
        return LossFromLogProbs(logProbs, encoderLengths, targets, targetLengths, Options.BlankId).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// CTC loss from log-probabilities: logProbs [B, T, V], lengths [B], targets [B, S] padded,
    /// targetLengths [B] -> scalar (sum over the batch / B, zero_infinity). With
    /// <paramref name="reduction"/> = None: per-utterance losses [B] instead.
    /// </summary>
    public static Tensor LossFromLogProbs(Tensor logProbs, Tensor lengths, Tensor targets, Tensor targetLengths, int blankId = 0,
        Reduction reduction = Reduction.Sum)
    {
        if (logProbs.dim() != 3) throw new ArgumentException($"logProbs must be [B, T, V], got [{string.Join(",", logProbs.shape)}]", nameof(logProbs));
        long b = logProbs.shape[0];
        if (targets.dim() != 2 || targets.shape[0] != b)
            throw new ArgumentException($"targets must be [B={b}, S], got [{string.Join(",", targets.shape)}]", nameof(targets));
        AsrMasks.CheckLengths(lengths, b, logProbs.shape[1], nameof(lengths));
        AsrMasks.CheckLengths(targetLengths, b, targets.shape[1], nameof(targetLengths));
        using var scope = NewDisposeScope();
        // Padding (e.g. -1) is never read by ctc_loss, but keep the values valid ids anyway.
        var valid = AsrMasks.LengthMask(targetLengths, targets.shape[1]);
        var cleanTargets = targets.to(ScalarType.Int64).masked_fill(valid.logical_not(), blankId == 0 ? 1 : 0);
        var tbv = logProbs.transpose(0, 1);                                                       // [T, B, V]
        var loss = functional.ctc_loss(tbv, cleanTargets, lengths.to(ScalarType.Int64), targetLengths.to(ScalarType.Int64),
            blankId, zero_infinity: true, reduction: reduction == Reduction.None ? Reduction.None : Reduction.Sum);
        if (reduction == Reduction.Sum) loss = loss.div(b);
        else if (reduction == Reduction.Mean) throw new ArgumentException("use Sum (WeNet's sum / batch) or None", nameof(reduction));
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Greedy CTC decoding of encoder outputs [B, T, D] with lengths [B]: per utterance, the token ids.</summary>
    public int[][] GreedyDecode(Tensor encoderOut, Tensor encoderLengths)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return GreedyDecodeLogProbs(forward(encoderOut), encoderLengths, Options.BlankId);
    }

    /// <summary>
    /// Greedy CTC decoding of log-probabilities [B, T, V] (or any per-frame scores): argmax per frame within
    /// lengths[b], merge repeats, drop blanks.
    /// </summary>
    public static int[][] GreedyDecodeLogProbs(Tensor logProbs, Tensor lengths, int blankId = 0)
    {
        if (logProbs.dim() != 3) throw new ArgumentException($"logProbs must be [B, T, V], got [{string.Join(",", logProbs.shape)}]", nameof(logProbs));
        long b = logProbs.shape[0], t = logProbs.shape[1];
        AsrMasks.CheckLengths(lengths, b, t, nameof(lengths));
        using var scope = NewDisposeScope();
        long[] best = logProbs.detach().argmax(-1).cpu().data<long>().ToArray();  // [B * T]
        long[] lens = lengths.cpu().to(ScalarType.Int64).data<long>().ToArray();
        var result = new int[b][];
        for (int i = 0; i < b; i++)
        {
            var tokens = new List<int>();
            long previous = -1;
            for (long f = 0; f < lens[i]; f++)
            {
                long id = best[i * t + f];
                if (id != previous && id != blankId) tokens.Add((int)id);
                previous = id;
            }
            result[i] = tokens.ToArray();
        }
        return result;
    }
}
