using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>Padding masks and masked pooling for batches of variable-length sequences [B, T, ...] with lengths [B].</summary>
public static class SequenceMask
{
    /// <summary>Bool mask [B, T]: true where frame t &lt; length[b].</summary>
    public static Tensor Valid(Tensor lengths, long maxLength)
    {
        using var scope = NewDisposeScope();
        var t = arange(maxLength, dtype: ScalarType.Int64, device: lengths.device);
        return scope.MoveToOuter(t.unsqueeze(0).lt(lengths.to(ScalarType.Int64, copy: true).unsqueeze(1)));
    }

    /// <summary>
    /// Mean over the valid frames: x [B, T, C], lengths [B] → [B, C]. Padded frames get weight 0, whatever
    /// their values (they are selected away, so even NaN/Inf there cannot leak).
    /// </summary>
    public static Tensor MaskedMean(Tensor x, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        var valid = Valid(lengths, x.shape[1]).unsqueeze(-1);                 // [B, T, 1]
        var summed = where(valid, x, zeros_like(x)).sum(1);                  // [B, C]
        var count = lengths.to(x.dtype).clamp_min(1).unsqueeze(-1);          // [B, 1]
        return scope.MoveToOuter(summed / count);
    }

    /// <summary>x [B, T, ...] with every frame at or beyond length[b] set to 0.</summary>
    public static Tensor ZeroPadded(Tensor x, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        var valid = Valid(lengths, x.shape[1]);
        for (long d = 2; d < x.dim(); d++) valid = valid.unsqueeze(-1);
        return scope.MoveToOuter(where(valid, x, zeros_like(x)));
    }

    /// <summary>Checks a lengths tensor against a [B, T, ...] batch; throws <see cref="ArgumentException"/> naming <paramref name="what"/>.</summary>
    internal static void Check(Tensor x, Tensor lengths, string what)
    {
        if (x.dim() != 3) throw new ArgumentException($"{what}: expected [B, T, D], got [{string.Join(", ", x.shape)}]");
        if (lengths.dim() != 1 || lengths.shape[0] != x.shape[0])
            throw new ArgumentException($"{what}: lengths must be [B={x.shape[0]}], got [{string.Join(", ", lengths.shape)}]");
        if (lengths.dtype != ScalarType.Int64 && lengths.dtype != ScalarType.Int32)
            throw new ArgumentException($"{what}: lengths must be int64, got {lengths.dtype}");
        if (lengths.numel() == 0) return;
        using var scope = NewDisposeScope();
        long min = lengths.min().to(ScalarType.Int64).item<long>(), max = lengths.max().to(ScalarType.Int64).item<long>();
        if (min < 1 || max > x.shape[1])
            throw new ArgumentException($"{what}: lengths must be in 1..{x.shape[1]} (got min {min}, max {max})");
    }
}
