using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// Shared parts of WeNet's relative-position self-attentions: projections <c>linear_q</c>,
/// <c>linear_k</c>, <c>linear_v</c>, <c>linear_out</c>, <c>linear_pos</c> (no bias), learnable
/// biases <c>pos_bias_u</c> / <c>pos_bias_v</c> (xavier-uniform initialised) and the masked
/// softmax of WeNet's <c>forward_attention</c>.
/// Forward: (x (B, T, D), mask (B, 1, T) bool, posEmb (1, T, D)) → (B, T, D).
/// </summary>
public abstract class RelPositionAttentionBase : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>Query projection.</summary>
    protected readonly Linear linear_q;
    /// <summary>Key projection.</summary>
    protected readonly Linear linear_k;
    /// <summary>Value projection.</summary>
    protected readonly Linear linear_v;
    /// <summary>Output projection.</summary>
    protected readonly Linear linear_out;
    /// <summary>Position projection (no bias).</summary>
    protected readonly Linear linear_pos;
    /// <summary>Content bias u, (heads, bias width).</summary>
    protected readonly Parameter pos_bias_u;
    /// <summary>Position bias v, (heads, bias width).</summary>
    protected readonly Parameter pos_bias_v;
    /// <summary>Dropout on the attention probabilities.</summary>
    protected readonly nn.Module<Tensor, Tensor> dropout;

    /// <param name="name">Module name.</param>
    /// <param name="heads">Number of heads h.</param>
    /// <param name="dModel">Model dimension D (divisible by h).</param>
    /// <param name="dropoutRate">Attention-probability dropout in training.</param>
    /// <param name="biasWidth">Second dimension of pos_bias_u/v (d_k, or group_size * d_k).</param>
    protected RelPositionAttentionBase(string name, int heads, int dModel, double dropoutRate, int biasWidth) : base(name)
    {
        if (heads <= 0 || dModel % heads != 0)
            throw new ArgumentException($"model dimension {dModel} is not divisible by {heads} attention heads");
        Heads = heads;
        DModel = dModel;
        DK = dModel / heads;
        linear_q = nn.Linear(dModel, dModel);
        linear_k = nn.Linear(dModel, dModel);
        linear_v = nn.Linear(dModel, dModel);
        linear_out = nn.Linear(dModel, dModel);
        linear_pos = nn.Linear(dModel, dModel, hasBias: false);
        pos_bias_u = nn.Parameter(empty(heads, biasWidth));
        pos_bias_v = nn.Parameter(empty(heads, biasWidth));
        using (no_grad())
        {
            nn.init.xavier_uniform_(pos_bias_u);
            nn.init.xavier_uniform_(pos_bias_v);
        }
        dropout = nn.Dropout(dropoutRate);
        register_module("linear_q", linear_q);
        register_module("linear_k", linear_k);
        register_module("linear_v", linear_v);
        register_module("linear_out", linear_out);
        register_module("dropout", dropout);
        register_module("linear_pos", linear_pos);
        register_parameter("pos_bias_u", pos_bias_u);
        register_parameter("pos_bias_v", pos_bias_v);
    }

    /// <summary>Number of heads h.</summary>
    public int Heads { get; }

    /// <summary>Model dimension D.</summary>
    public int DModel { get; }

    /// <summary>Per-head dimension d_k = D / h.</summary>
    public int DK { get; }

    /// <summary>
    /// WeNet's <c>forward_attention</c> up to (not including) linear_out:
    /// value (B, h, T1, w), scores (B, h, T1, T2), mask (B, 1, T2) bool (true = valid key) →
    /// (B, T1 * w * h / D, D): masked_fill(-inf) → softmax → masked_fill(0) → dropout → @ value,
    /// heads concatenated back to rows of D.
    /// </summary>
    protected Tensor AttendAndMerge(Tensor value, Tensor scores, Tensor mask)
    {
        var invalid = mask.unsqueeze(1).eq(0);                     // (B, 1, 1, T2)
        var attn = scores.masked_fill(invalid, float.NegativeInfinity).softmax(-1).masked_fill(invalid, 0.0f);
        var x = matmul(dropout.call(attn), value);                 // (B, h, T1, w)
        return x.transpose(1, 2).contiguous().view(value.shape[0], -1, DModel);
    }
}
