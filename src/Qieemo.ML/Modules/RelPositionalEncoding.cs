using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// WeNet's <c>RelPositionalEncoding</c>: scales the input by sqrt(D) and returns the absolute
/// sinusoid rows <c>pe[:, 0:T]</c> that WeNet's relative-position attention consumes (no 2T-1
/// relative table). The table is the buffer <c>pe</c> [1, maxLen, D]: it is computed here with
/// the same float32 formula as WeNet, but a checkpoint's own table replaces it on load, because
/// WeNet's saved tables differ from a recomputation in the last float32 bits.
/// </summary>
public sealed class RelPositionalEncoding : nn.Module<Tensor, (Tensor X, Tensor PosEmb)>
{
    private readonly Tensor pe;
    private readonly nn.Module<Tensor, Tensor> dropout;
    private readonly double xscale;

    /// <param name="dModel">Model dimension D.</param>
    /// <param name="dropoutRate">Dropout applied to the scaled input and to the position rows in training.</param>
    /// <param name="maxLen">Rows of the table (WeNet: 5000).</param>
    public RelPositionalEncoding(int dModel, double dropoutRate, int maxLen = 5000) : base(nameof(RelPositionalEncoding))
    {
        DModel = dModel;
        MaxLen = maxLen;
        xscale = Math.Sqrt(dModel);
        pe = ComputeTable(dModel, maxLen);
        dropout = nn.Dropout(dropoutRate);
        register_buffer("pe", pe);
        register_module("dropout", dropout);
    }

    /// <summary>Model dimension D.</summary>
    public int DModel { get; }

    /// <summary>Rows of the position table.</summary>
    public int MaxLen { get; }

    /// <summary>The position table buffer [1, maxLen, D].</summary>
    public Tensor Table => pe;

    /// <summary>
    /// The sinusoid table [1, maxLen, D] computed as WeNet does, in float32:
    /// pe[p, 2i] = sin(p * exp(2i * -ln(10000)/D)), pe[p, 2i+1] = cos(same).
    /// </summary>
    public static Tensor ComputeTable(int dModel, int maxLen)
    {
        if (dModel % 2 != 0) throw new ArgumentException($"model dimension must be even, got {dModel}");
        using var scope = NewDisposeScope();
        var position = arange(0, maxLen, dtype: ScalarType.Float32).unsqueeze(1);
        var divTerm = exp(arange(0, dModel, 2, dtype: ScalarType.Float32) * (float)(-(Math.Log(10000.0) / dModel)));
        var angles = position * divTerm;                           // (maxLen, D/2)
        // Interleave sin (even columns) and cos (odd columns).
        var table = stack(new[] { sin(angles), cos(angles) }, dim: 2).reshape(maxLen, dModel);
        return scope.MoveToOuter(table.unsqueeze(0).contiguous());
    }

    /// <summary>
    /// x: (B, T, D) → X: (B, T, D) = dropout(x * sqrt(D)); PosEmb: (1, T, D) = dropout(pe[:, 0:T]).
    /// </summary>
    public override (Tensor X, Tensor PosEmb) forward(Tensor x)
    {
        long t = x.shape[1];
        if (t >= MaxLen)
            throw new ArgumentException($"sequence of {t} frames after subsampling exceeds the position table ({MaxLen} rows)");
        using var scope = NewDisposeScope();
        var scaled = dropout.call(x * xscale);
        var posEmb = dropout.call(pe.narrow(1, 0, t));
        return scope.MoveToOuter(scaled, posEmb);
    }
}
