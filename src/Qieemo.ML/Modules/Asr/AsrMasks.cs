using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Asr;

/// <summary>Boolean masks (true = attend / valid) built from lengths, as WeNet's make_pad_mask / subsequent_mask.</summary>
public static class AsrMasks
{
    /// <summary>Valid-frame mask: [B, maxLength], true where t &lt; lengths[b].</summary>
    /// <param name="lengths">int64 [B].</param>
    /// <param name="maxLength">Padded length of the sequences.</param>
    public static Tensor LengthMask(Tensor lengths, long maxLength)
    {
        if (lengths.dim() != 1) throw new ArgumentException($"lengths must be 1-D [B], got [{string.Join(",", lengths.shape)}]", nameof(lengths));
        using var scope = NewDisposeScope();
        var steps = arange(maxLength, dtype: ScalarType.Int64, device: lengths.device).unsqueeze(0); // [1, T]
        return steps.lt(lengths.to(ScalarType.Int64).unsqueeze(1)).MoveToOuterDisposeScope();           // [B, T]
    }

    /// <summary>Causal mask [L, L]: position i may attend to j &lt;= i.</summary>
    public static Tensor CausalMask(long length, Device? device = null) =>
        ones(length, length, dtype: ScalarType.Bool, device: device).tril();

    /// <summary>Decoder self-attention mask [B, L, L]: causal and the key inside the target length.</summary>
    /// <param name="targetLengths">int64 [B].</param>
    /// <param name="maxLength">L.</param>
    public static Tensor TargetMask(Tensor targetLengths, long maxLength)
    {
        using var scope = NewDisposeScope();
        var keys = LengthMask(targetLengths, maxLength).unsqueeze(1);            // [B, 1, L]
        var causal = CausalMask(maxLength, targetLengths.device).unsqueeze(0);  // [1, L, L]
        return keys.logical_and(causal).MoveToOuterDisposeScope();             // [B, L, L]
    }

    /// <summary>Checks that lengths is int64 [B] with 1 &lt;= lengths[b] &lt;= maxLength.</summary>
    internal static void CheckLengths(Tensor lengths, long batch, long maxLength, string name)
    {
        if (lengths.dim() != 1 || lengths.shape[0] != batch)
            throw new ArgumentException($"{name} must be [B={batch}], got [{string.Join(",", lengths.shape)}]", name);
        if (lengths.dtype != ScalarType.Int64 && lengths.dtype != ScalarType.Int32)
            throw new ArgumentException($"{name} must hold integers, got {lengths.dtype}", name);
        if (batch == 0) return;
        long min = lengths.min().item<long>(), max = lengths.max().item<long>();
        if (min < 0 || max > maxLength)
            throw new ArgumentException($"{name} must lie in [0, {maxLength}], got [{min}, {max}]", name);
    }
}
