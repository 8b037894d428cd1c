using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// WeNet's efficient-conformer <c>GroupedRelPositionMultiHeadedAttention</c>: after the
/// projections, q/k/v and linear_pos(posEmb) are zero-padded in time to a multiple of
/// <c>group_size</c> g and reshaped (B, T, D) → (B, T/g, g·D) → (B, h, T/g, g·d_k): a head sees a
/// contiguous g·d_k slice of [frame 0 | frame 1 | …] (not a per-head concatenation).
/// pos_bias_u / pos_bias_v: (h, g·d_k); scale 1/sqrt(g·d_k); key mask mask[:, :, ::g] (a group is
/// valid iff its first frame is); the padded query rows are cut before linear_out.
/// </summary>
public sealed class GroupedRelPositionMultiHeadedAttention : RelPositionAttentionBase
{
    /// <param name="heads">Number of heads h.</param>
    /// <param name="dModel">Model dimension D.</param>
    /// <param name="dropoutRate">Attention-probability dropout in training.</param>
    /// <param name="groupSize">Frames per group g.</param>
    public GroupedRelPositionMultiHeadedAttention(int heads, int dModel, double dropoutRate, int groupSize)
        : base(nameof(GroupedRelPositionMultiHeadedAttention), heads, dModel, dropoutRate, dModel / Math.Max(heads, 1) * groupSize)
    {
        if (groupSize < 1) throw new ArgumentException($"group size must be positive, got {groupSize}");
        GroupSize = groupSize;
    }

    /// <summary>Frames per group g.</summary>
    public int GroupSize { get; }

    /// <summary>
    /// x: (B, T, D), mask: (B, 1, T) bool (true = valid key), posEmb: (1, T, D) → (B, T, D).
    /// </summary>
    public override Tensor forward(Tensor x, Tensor mask, Tensor posEmb)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        int g = GroupSize, w = g * DK;
        long pad = (g - t % g) % g;
        var q = Group(linear_q.call(x), pad, w);                   // (B, h, T/g, w)
        var k = Group(linear_k.call(x), pad, w);
        var v = Group(linear_v.call(x), pad, w);
        var p = Group(linear_pos.call(posEmb), (g - posEmb.shape[1] % g) % g, w); // (1, h, T/g, w)
        var groupMask = mask[TensorIndex.Colon, TensorIndex.Slice(null, null, g), TensorIndex.Slice(null, null, g)]; // (B, 1, T/g)

        var qt = q.transpose(1, 2);                                // (B, T/g, h, w)
        var qu = (qt + pos_bias_u).transpose(1, 2);
        var qv = (qt + pos_bias_v).transpose(1, 2);
        var scores = (matmul(qu, k.transpose(-2, -1)) + matmul(qv, p.transpose(-2, -1))) / Math.Sqrt(w);
        var merged = AttendAndMerge(v, scores, groupMask);         // (B, T + pad, D)
        if (pad > 0) merged = merged.narrow(1, 0, t);
        return scope.MoveToOuter(linear_out.call(merged));
    }

    /// <summary>(N, T, D) → zero-pad T by <paramref name="pad"/> → (N, h, (T + pad)/g, w).</summary>
    private Tensor Group(Tensor y, long pad, int w)
    {
        if (pad > 0) y = nn.functional.pad(y, new long[] { 0, 0, 0, pad });
        return y.contiguous().view(y.shape[0], -1, Heads, w).transpose(1, 2);
    }
}
