using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Qieemo.ML.Modules.Asr;

/// <summary>
/// Scaled dot-product multi-head attention with separate Q/K/V/output projections (WeNet's
/// MultiHeadedAttention: parameter names linear_q, linear_k, linear_v, linear_out).
/// Masked scores are filled before the softmax and the weights zeroed after it, so masked keys
/// contribute exactly nothing and fully masked rows give zeros.
/// </summary>
public sealed class MultiHeadAttention : Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly Linear linear_q, linear_k, linear_v, linear_out;
    private readonly Dropout dropout;
    private readonly int _heads, _headDim;

    /// <param name="name">Module name.</param>
    /// <param name="heads">Number of heads; must divide <paramref name="dim"/>.</param>
    /// <param name="dim">Model dimension D.</param>
    /// <param name="dropoutRate">Dropout on the attention weights.</param>
    public MultiHeadAttention(string name, int heads, int dim, double dropoutRate) : base(name)
    {
        if (heads <= 0 || dim % heads != 0) throw new ArgumentException($"dim {dim} must be a multiple of heads {heads}");
        _heads = heads;
        _headDim = dim / heads;
        linear_q = Linear(dim, dim);
        linear_k = Linear(dim, dim);
        linear_v = Linear(dim, dim);
        linear_out = Linear(dim, dim);
        dropout = Dropout(dropoutRate);
        RegisterComponents();
    }

    /// <summary>
    /// query [B, Lq, D], key/value [B, Lk, D], mask bool [B, Lq or 1, Lk] (true = attend) -> [B, Lq, D].
    /// </summary>
    public override Tensor forward(Tensor query, Tensor key, Tensor value, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = query.shape[0];
        var q = linear_q.forward(query).view(b, -1, _heads, _headDim).transpose(1, 2);   // [B, H, Lq, dk]
        var k = linear_k.forward(key).view(b, -1, _heads, _headDim).transpose(1, 2);     // [B, H, Lk, dk]
        var v = linear_v.forward(value).view(b, -1, _heads, _headDim).transpose(1, 2);   // [B, H, Lk, dk]
        var scores = matmul(q, k.transpose(-2, -1)).div(Math.Sqrt(_headDim));            // [B, H, Lq, Lk]
        var blocked = mask.unsqueeze(1).logical_not();                                   // [B, 1, Lq|1, Lk]
        // The most negative float, not -inf: a fully masked row then stays finite (uniform, zeroed below).
        var weights = scores.masked_fill(blocked, float.MinValue).softmax(-1).masked_fill(blocked, 0f);
        var context = matmul(dropout.forward(weights), v)                               // [B, H, Lq, dk]
            .transpose(1, 2).contiguous().view(b, -1, _heads * _headDim);               // [B, Lq, D]
        return linear_out.forward(context).MoveToOuterDisposeScope();
    }
}
