using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// Brings one block output to a lower frame count: with r = round(T_k / T_target) (at least 1), frame i of
/// the result summarizes input frames [i*r, i*r + r). Valid lengths become ceil(L / r), capped at the target.
/// The result is padded with zeros or cut to exactly T_target frames.
/// </summary>
public static class FrameRateAligner
{
    /// <summary>The integer rate ratio between a block with <paramref name="frames"/> frames and the target.</summary>
    public static long Ratio(long frames, long targetFrames) =>
        Math.Max(1, (long)Math.Round((double)frames / targetFrames, MidpointRounding.AwayFromZero));

    /// <summary>x [B, T_k, D], lengths [B] → ([B, T_target, D], lengths [B]); padded frames of the result are 0.</summary>
    public static (Tensor Values, Tensor Lengths) Align(Tensor x, Tensor lengths, long targetFrames, FrameRateAlignment mode)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], d = x.shape[2];
        long r = Ratio(t, targetFrames);
        var lens = lengths.to(ScalarType.Int64, copy: true);
        Tensor y;
        if (r == 1)
        {
            y = SequenceMask.ZeroPadded(x, lens);
        }
        else
        {
            long groups = (t + r - 1) / r;
            var valid = SequenceMask.Valid(lens, t);                                    // [B, T_k]
            var xz = where(valid.unsqueeze(-1), x, zeros_like(x));
            if (mode == FrameRateAlignment.StridedPick)
            {
                y = xz.index(TensorIndex.Colon, TensorIndex.Slice(0, null, r));          // [B, groups, D]
            }
            else
            {
                long pad = groups * r - t;
                var xp = nn.functional.pad(xz, new long[] { 0, 0, 0, pad });            // [B, groups*r, D]
                var vp = nn.functional.pad(valid.to(x.dtype), new long[] { 0, pad });   // [B, groups*r]
                var sums = xp.view(b, groups, r, d).sum(2);                              // [B, groups, D]
                var counts = vp.view(b, groups, r).sum(2).clamp_min(1).unsqueeze(-1);    // [B, groups, 1]
                y = sums / counts;
            }
            lens = (lens + (r - 1)).div(r, rounding_mode: RoundingMode.floor);
        }
        long have = y.shape[1];
        if (have < targetFrames) y = nn.functional.pad(y, new long[] { 0, 0, 0, targetFrames - have });
        else if (have > targetFrames) y = y.narrow(1, 0, targetFrames);
        lens = lens.clamp_max(targetFrames);
        y = SequenceMask.ZeroPadded(y.contiguous(), lens);
        return scope.MoveToOuter(y, lens);
    }
}
