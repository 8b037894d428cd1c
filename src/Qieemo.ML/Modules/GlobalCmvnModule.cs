using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// Global cepstral mean and variance normalisation, WeNet's <c>GlobalCMVN</c>:
/// <c>y = (x - mean) * istd</c> with per-feature <c>mean</c> and <c>istd</c> buffers
/// (state_dict keys <c>mean</c>, <c>istd</c>). Applied to every frame, padded ones included.
/// </summary>
public sealed class GlobalCmvnModule : nn.Module<Tensor, Tensor>
{
    private readonly Tensor mean;
    private readonly Tensor istd;

    /// <summary>Creates an identity normalisation (mean 0, istd 1) for <paramref name="dim"/> features.</summary>
    public GlobalCmvnModule(int dim) : this(new float[dim], Enumerable.Repeat(1f, dim).ToArray()) { }

    /// <summary>Creates the normalisation from per-feature means and inverse standard deviations.</summary>
    public GlobalCmvnModule(float[] mean, float[] istd) : base(nameof(GlobalCmvnModule))
    {
        if (mean.Length != istd.Length || mean.Length == 0)
            throw new ArgumentException($"CMVN mean ({mean.Length}) and istd ({istd.Length}) must have the same non-zero length");
        this.mean = tensor(mean);
        this.istd = tensor(istd);
        register_buffer("mean", this.mean);
        register_buffer("istd", this.istd);
    }

    /// <summary>Number of features normalised.</summary>
    public long Dim => mean.shape[0];

    /// <summary>Per-feature mean (a copy).</summary>
    public float[] Mean => mean.data<float>().ToArray();

    /// <summary>Per-feature inverse standard deviation (a copy).</summary>
    public float[] Istd => istd.data<float>().ToArray();

    /// <summary>Replaces the statistics in place (the buffers stay the same tensors).</summary>
    public void SetStatistics(float[] newMean, float[] newIstd)
    {
        if (newMean.Length != Dim || newIstd.Length != Dim)
            throw new ArgumentException($"CMVN statistics have {newMean.Length}/{newIstd.Length} features, the module has {Dim}");
        using var _ = no_grad();
        using var m = tensor(newMean);
        using var s = tensor(newIstd);
        mean.copy_(m);
        istd.copy_(s);
    }

    /// <summary>x: (B, T, F) features → (B, T, F) normalised features.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter((x - mean) * istd);
    }
}
