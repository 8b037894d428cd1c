using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// BatchNorm2d over [B, C, T, F] whose batch statistics use only valid time frames, so the amount of
/// padding in a batch does not shift the normalization of real frames. Same parameters, buffers, momentum
/// and unbiased running variance as torch.nn.BatchNorm2d (with no padding it computes exactly that).
/// </summary>
public sealed class MaskedBatchNorm2d : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly Tensor num_batches_tracked;
    private readonly double _eps;
    private readonly double _momentum;

    /// <summary>Creates the layer for <paramref name="channels"/> channels.</summary>
    public MaskedBatchNorm2d(long channels, double eps = 1e-5, double momentum = 0.1, string name = "MaskedBatchNorm2d") : base(name)
    {
        _eps = eps;
        _momentum = momentum;
        weight = new Parameter(ones(channels));
        bias = new Parameter(zeros(channels));
        running_mean = zeros(channels);
        running_var = ones(channels);
        num_batches_tracked = zeros(1, dtype: ScalarType.Int64).squeeze();
        RegisterComponents();
    }

    /// <summary>x [B, C, T, F], lengths [B] (valid frames along T) → normalized x [B, C, T, F].</summary>
    public override Tensor forward(Tensor x, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        long c = x.shape[1];
        Tensor mean, variance;
        if (training)
        {
            var valid = SequenceMask.Valid(lengths, x.shape[2]).to(x.dtype).view(x.shape[0], 1, x.shape[2], 1); // [B,1,T,1]
            var count = valid.sum() * x.shape[3];
            mean = (x * valid).sum(new long[] { 0, 2, 3 }) / count;                                           // [C]
            var centered = (x - mean.view(1, c, 1, 1)) * valid;
            variance = centered.square().sum(new long[] { 0, 2, 3 }) / count;                                 // biased, for normalizing
            using (no_grad())
            {
                var n = count.item<float>();
                var unbiased = variance.detach() * (n / Math.Max(n - 1, 1));
                running_mean.mul_(1 - _momentum).add_(mean.detach() * _momentum);
                running_var.mul_(1 - _momentum).add_(unbiased * _momentum);
                num_batches_tracked.add_(1);
            }
        }
        else
        {
            mean = running_mean;
            variance = running_var;
        }
        var scale = weight / (variance + _eps).sqrt();                                                          // [C]
        var y = (x - mean.view(1, c, 1, 1)) * scale.view(1, c, 1, 1) + bias.view(1, c, 1, 1);
        return scope.MoveToOuter(y);
    }
}
