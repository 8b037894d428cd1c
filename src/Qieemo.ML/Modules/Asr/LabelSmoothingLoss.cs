using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Qieemo.ML.Modules.Asr;

/// <summary>
/// Label-smoothing loss as in WeNet: KL(q || softmax(logits)) with q = 1 - smoothing on the target and
/// smoothing / (V - 1) on every other class, summed over the non-padded positions and divided by the
/// batch size (or by the number of tokens with <c>normalizeLength</c>).
/// </summary>
public sealed class LabelSmoothingLoss : Module<Tensor, Tensor, Tensor>
{
    private readonly int _size, _paddingId;
    private readonly double _smoothing;
    private readonly bool _normalizeLength;

    /// <param name="name">Module name.</param>
    /// <param name="size">Number of classes V.</param>
    /// <param name="paddingId">Target value of padded positions (WeNet: -1).</param>
    /// <param name="smoothing">Probability mass spread over the other classes (WeNet: 0.1).</param>
    /// <param name="normalizeLength">Divide by the token count instead of the batch size.</param>
    public LabelSmoothingLoss(string name, int size, int paddingId = -1, double smoothing = 0.1, bool normalizeLength = false) : base(name)
    {
        if (size < 2) throw new ArgumentException($"size must be at least 2, got {size}", nameof(size));
        if (smoothing < 0 || smoothing >= 1) throw new ArgumentException($"smoothing must lie in [0, 1), got {smoothing}", nameof(smoothing));
        _size = size;
        _paddingId = paddingId;
        _smoothing = smoothing;
        _normalizeLength = normalizeLength;
    }

    /// <summary>logits [B, L, V] (before softmax), targets [B, L] int64 with padding -> scalar loss.</summary>
    public override Tensor forward(Tensor logits, Tensor targets)
    {
        if (logits.dim() != 3 || logits.shape[2] != _size)
            throw new ArgumentException($"logits must be [B, L, {_size}], got [{string.Join(",", logits.shape)}]", nameof(logits));
        if (targets.dim() != 2 || targets.shape[0] != logits.shape[0] || targets.shape[1] != logits.shape[1])
            throw new ArgumentException($"targets must be [{logits.shape[0]}, {logits.shape[1]}], got [{string.Join(",", targets.shape)}]", nameof(targets));
        using var scope = NewDisposeScope();
        long batch = logits.shape[0];
        var x = logits.reshape(-1, _size);                                   // [B*L, V]
        var t = targets.reshape(-1).to(ScalarType.Int64);                   // [B*L]
        var ignore = t.eq(_paddingId);                                       // [B*L]
        long tokens = t.shape[0] - ignore.sum().item<long>();
        var index = t.masked_fill(ignore, 0).unsqueeze(1);                   // [B*L, 1]
        var trueDist = full_like(x, _smoothing / (_size - 1)).scatter(1, index, full_like(index, 1.0 - _smoothing, dtype: x.dtype));
        // kl_div handles q = 0 (smoothing 0) as 0 * log 0 = 0.
        var kl = functional.kl_div(x.log_softmax(1), trueDist, log_target: false, reduction: Reduction.None);  // [B*L, V]
        var total = kl.masked_fill(ignore.unsqueeze(1), 0).sum();
        double denominator = _normalizeLength ? Math.Max(tokens, 1) : batch;
        return total.div(denominator).MoveToOuterDisposeScope();
    }
}
