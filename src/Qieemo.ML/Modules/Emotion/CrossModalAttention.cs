using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>Output of <see cref="CrossModalAttention.ForwardWithAttention"/>.</summary>
/// <param name="Output">O_att [B, n, d_att] (equation 8; plus Q when QueryResidual is set).</param>
/// <param name="QueryAttention">Softmax(Q Kᵀ/√d) of equation (7), [B, H, n, T]; padded keys have weight 0.</param>
/// <param name="OutputAttention">Softmax(Q_att Kᵀ/√d) of equation (8), [B, H, n, T].</param>
public sealed record CrossModalAttentionResult(Tensor Output, Tensor QueryAttention, Tensor OutputAttention) : IDisposable
{
    /// <summary>Disposes the three tensors.</summary>
    public void Dispose()
    {
        Output.Dispose();
        QueryAttention.Dispose();
        OutputAttention.Dispose();
    }
}

/// <summary>
/// The cross-modal attention (CMA) module of Qieemo (§II.C), equations (6)-(8): the emotion features E are
/// the queries, the PPG h^l (last block output) gives keys and values.
/// <code>
/// Q = W_Q E,  K = W_K h^l,  V = W_V h^l                                   (6)
/// Q_att = ReLU(Softmax(Q Kᵀ / √d_att) V)                                  (7)
/// O_att = ReLU(Softmax(Q_att Kᵀ / √d_att) V)                              (8)
/// </code>
/// The second attention uses Q_att as queries against the same K and V. Padded PPG frames are set to -inf
/// before each softmax, so they get exactly zero weight. <see cref="CrossModalAttentionOptions.QueryResidual"/>
/// optionally adds Q to the output (not in the paper; off by default).
/// </summary>
public sealed class CrossModalAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Linear w_q;
    private readonly Linear w_k;
    private readonly Linear w_v;
    private readonly int _dim;
    private readonly int _heads;
    private readonly bool _residual;

    /// <summary>Creates CMA with queries of width <paramref name="queryDim"/> (d_e) and PPG of width <paramref name="keyDim"/> (D).</summary>
    public CrossModalAttention(int queryDim, int keyDim, CrossModalAttentionOptions options, string name = "CrossModalAttention") : base(name)
    {
        if (queryDim < 1 || keyDim < 1) throw new ArgumentException($"CrossModalAttention widths must be >= 1 (got query {queryDim}, key {keyDim})");
        options.Validate();
        _dim = options.AttentionDim;
        _heads = options.Heads;
        _residual = options.QueryResidual;
        w_q = nn.Linear(queryDim, _dim, hasBias: options.ProjectionBias);
        w_k = nn.Linear(keyDim, _dim, hasBias: options.ProjectionBias);
        w_v = nn.Linear(keyDim, _dim, hasBias: options.ProjectionBias);
        RegisterComponents();
    }

    /// <summary>d_att.</summary>
    public int AttentionDim => _dim;

    /// <summary>Number of heads (1 = exactly the paper's equations).</summary>
    public int Heads => _heads;

    /// <summary>W_Q [d_att, d_e] (torch Linear layout: Q = E W_Qᵀ).</summary>
    public Tensor QueryWeight => w_q.weight!;

    /// <summary>W_K [d_att, D].</summary>
    public Tensor KeyWeight => w_k.weight!;

    /// <summary>W_V [d_att, D].</summary>
    public Tensor ValueWeight => w_v.weight!;

    /// <summary>E [B, n, d_e], PPG h^l [B, T, D], PPG lengths [B] → O_att [B, n, d_att].</summary>
    public override Tensor forward(Tensor emotion, Tensor ppg, Tensor ppgLengths)
    {
        using var r = ForwardWithAttention(emotion, ppg, ppgLengths);
        return r.Output.alias();
    }

    /// <summary>Same as <see cref="forward"/>, also returning both attention maps.</summary>
    public CrossModalAttentionResult ForwardWithAttention(Tensor emotion, Tensor ppg, Tensor ppgLengths)
    {
        if (emotion.dim() != 3) throw new ArgumentException($"CrossModalAttention: E must be [B, n, d_e], got [{string.Join(", ", emotion.shape)}]");
        SequenceMask.Check(ppg, ppgLengths, "CrossModalAttention PPG");
        if (emotion.shape[0] != ppg.shape[0]) throw new ArgumentException($"CrossModalAttention: batch of E ({emotion.shape[0]}) differs from PPG ({ppg.shape[0]})");

        using var scope = NewDisposeScope();
        long b = emotion.shape[0], n = emotion.shape[1], t = ppg.shape[1], dh = _dim / _heads;
        double scale = 1.0 / Math.Sqrt(dh);

        // (6) projections, split into heads: Q [B, H, n, dh], K and V [B, H, T, dh].
        var q = SplitHeads(w_q.forward(emotion), b, n, dh);
        var k = SplitHeads(w_k.forward(ppg), b, t, dh);
        var v = SplitHeads(w_v.forward(ppg), b, t, dh);
        var padded = SequenceMask.Valid(ppgLengths, t).logical_not().view(b, 1, 1, t);        // [B, 1, 1, T]
        var kT = k.transpose(-2, -1);

        // (7) Q_att = ReLU(Softmax(Q Kᵀ / √d) V)
        var a1 = (q.matmul(kT) * scale).masked_fill(padded, double.NegativeInfinity).softmax(-1);     // [B, H, n, T]
        var qAtt = nn.functional.relu(a1.matmul(v));                                                  // [B, H, n, dh]

        // (8) O_att = ReLU(Softmax(Q_att Kᵀ / √d) V), same K and V
        var a2 = (qAtt.matmul(kT) * scale).masked_fill(padded, double.NegativeInfinity).softmax(-1);  // [B, H, n, T]
        var o = nn.functional.relu(a2.matmul(v));                                                     // [B, H, n, dh]

        var output = o.transpose(1, 2).reshape(b, n, _dim);                                           // [B, n, d_att]
        if (_residual) output = output + q.transpose(1, 2).reshape(b, n, _dim);                       // optional skip (not in the paper)
        var (output1, a1o, a2o) = scope.MoveToOuter(output, a1, a2);
        return new CrossModalAttentionResult(output1, a1o, a2o);
    }

    private Tensor SplitHeads(Tensor x, long b, long len, long dh) => x.view(b, len, _heads, dh).transpose(1, 2);
}
