using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// WeNet's <c>RelPositionMultiHeadedAttention</c> (Transformer-XL style without rel_shift):
/// scores = ((q + u) kᵀ + (q + v) (linear_pos(posEmb))ᵀ) / sqrt(d_k), where posEmb holds the
/// absolute sinusoid rows of the frames; masked softmax; output projection.
/// pos_bias_u / pos_bias_v: (h, d_k).
/// </summary>
public sealed class RelPositionMultiHeadedAttention : RelPositionAttentionBase
{
    /// <param name="heads">Number of heads h.</param>
    /// <param name="dModel">Model dimension D.</param>
    /// <param name="dropoutRate">Attention-probability dropout in training.</param>
    public RelPositionMultiHeadedAttention(int heads, int dModel, double dropoutRate)
        : base(nameof(RelPositionMultiHeadedAttention), heads, dModel, dropoutRate, dModel / Math.Max(heads, 1)) { }

    /// <summary>
    /// x: (B, T, D), mask: (B, 1, T) bool (true = valid key), posEmb: (1, T, D) → (B, T, D).
    /// </summary>
    public override Tensor forward(Tensor x, Tensor mask, Tensor posEmb)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0];
        var q = linear_q.call(x).view(b, -1, Heads, DK);                                   // (B, T, h, d_k)
        var k = linear_k.call(x).view(b, -1, Heads, DK).transpose(1, 2);                   // (B, h, T, d_k)
        var v = linear_v.call(x).view(b, -1, Heads, DK).transpose(1, 2);                   // (B, h, T, d_k)
        var p = linear_pos.call(posEmb).view(posEmb.shape[0], -1, Heads, DK).transpose(1, 2); // (1, h, T, d_k)
        var qu = (q + pos_bias_u).transpose(1, 2);                                         // (B, h, T, d_k)
        var qv = (q + pos_bias_v).transpose(1, 2);
        var scores = (matmul(qu, k.transpose(-2, -1)) + matmul(qv, p.transpose(-2, -1))) / Math.Sqrt(DK);
        var merged = AttendAndMerge(v, scores, mask);                                      // (B, T, D)
        return scope.MoveToOuter(linear_out.call(merged));
    }
}
