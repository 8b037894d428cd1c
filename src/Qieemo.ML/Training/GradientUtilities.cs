using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Training;

/// <summary>Gradient helpers: accumulation scaling, norms, clipping (as PyTorch's <c>clip_grad_norm_</c>).</summary>
public static class GradientUtilities
{
    /// <summary>
    /// loss / accumGrad: with a mean loss per micro-batch, accumulating the scaled gradients of
    /// accumGrad equal micro-batches gives the gradient of their union (WeNet's <c>accum_grad</c>).
    /// </summary>
    public static Tensor ScaleForAccumulation(Tensor loss, int accumGrad)
    {
        if (accumGrad < 1) throw new ArgumentOutOfRangeException(nameof(accumGrad), accumGrad, "accum_grad must be ≥ 1");
        return accumGrad == 1 ? loss.alias() : loss / accumGrad;
    }

    /// <summary>
    /// Total <paramref name="normType"/>-norm over all gradients (parameters without a gradient are
    /// skipped; 0 when none has one). NaN or ∞ when a gradient is non-finite.
    /// </summary>
    public static double GradNorm(IEnumerable<Parameter> parameters, double normType = 2.0)
    {
        if (!(normType > 0)) throw new ArgumentOutOfRangeException(nameof(normType), normType, "norm type must be positive");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var norms = parameters.Select(p => p.grad).Where(g => g is not null)
            .Select(g => g!.detach().to_type(ScalarType.Float64).norm((float)normType)).ToArray();
        if (norms.Length == 0) return 0;
        var stacked = stack(norms);
        return double.IsPositiveInfinity(normType) ? stacked.max().item<double>() : stacked.norm((float)normType).item<double>();
    }

    /// <summary>
    /// Scales all gradients so their total norm is at most <paramref name="maxNorm"/> (libtorch's
    /// <c>clip_grad_norm_</c>) and returns the total norm before clipping, which is NaN/∞ when a
    /// gradient is non-finite (the caller should then skip the update).
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max norm must be positive");
        using var scope = NewDisposeScope();   // each p.grad access makes a tensor handle
        var list = parameters.Where(p => p.grad is not null).ToArray();
        if (list.Length == 0) return 0;
        return nn.utils.clip_grad_norm_(list, maxNorm, normType);
    }

    /// <summary>Sets every existing gradient to zero.</summary>
    public static void ZeroGradients(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var p in parameters)
        {
            var g = p.grad;
            if (g is not null) g.zero_();
        }
    }
}
