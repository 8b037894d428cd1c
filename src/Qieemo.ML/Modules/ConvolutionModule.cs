using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// WeNet's conformer <c>ConvolutionModule</c> (non-causal), optionally strided as in the efficient
/// conformer: masked_fill(pad, 0) → pointwise_conv1 (D → 2D) → GLU → depthwise_conv (kernel k,
/// stride s, padding (k-1)/2, groups D) → norm (BatchNorm1d, or LayerNorm over channels) →
/// activation → pointwise_conv2 → masked_fill(pad[:, :, ::s], 0).
/// Padded frames enter the depthwise convolution as GLU(bias), not 0, exactly as in WeNet.
/// Keys: <c>pointwise_conv1.*</c>, <c>depthwise_conv.*</c>, <c>norm.*</c>, <c>pointwise_conv2.*</c>.
/// </summary>
public sealed class ConvolutionModule : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Conv1d pointwise_conv1;
    private readonly Conv1d depthwise_conv;
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly Conv1d pointwise_conv2;
    private readonly nn.Module<Tensor, Tensor> activation;

    /// <param name="channels">Channels D.</param>
    /// <param name="kernelSize">Odd depthwise kernel size k.</param>
    /// <param name="activation">Activation after the norm (swish in conformers).</param>
    /// <param name="normType"><c>batch_norm</c> or <c>layer_norm</c> (WeNet's cnn_module_norm).</param>
    /// <param name="stride">Depthwise stride s (1, or the efficient conformer's stride).</param>
    public ConvolutionModule(int channels, int kernelSize, nn.Module<Tensor, Tensor> activation, string normType = "batch_norm", int stride = 1)
        : base(nameof(ConvolutionModule))
    {
        if (kernelSize < 1 || kernelSize % 2 == 0)
            throw new ArgumentException($"non-causal convolution module needs an odd kernel size, got {kernelSize}");
        if (stride < 1) throw new ArgumentException($"stride must be positive, got {stride}");
        KernelSize = kernelSize;
        Stride = stride;
        NormType = normType;
        pointwise_conv1 = nn.Conv1d(channels, 2 * channels, 1);
        depthwise_conv = nn.Conv1d(channels, channels, kernelSize, stride: stride, padding: (kernelSize - 1) / 2, groups: channels);
        norm = normType switch
        {
            "batch_norm" => nn.BatchNorm1d(channels),
            "layer_norm" => nn.LayerNorm(channels),
            _ => throw new ArgumentException($"unsupported cnn_module_norm '{normType}' (batch_norm or layer_norm)"),
        };
        pointwise_conv2 = nn.Conv1d(channels, channels, 1);
        this.activation = activation;
        register_module("pointwise_conv1", pointwise_conv1);
        register_module("depthwise_conv", depthwise_conv);
        register_module("norm", norm);
        register_module("pointwise_conv2", pointwise_conv2);
        register_module("activation", activation);
    }

    /// <summary>Depthwise kernel size.</summary>
    public int KernelSize { get; }

    /// <summary>Depthwise stride.</summary>
    public int Stride { get; }

    /// <summary><c>batch_norm</c> or <c>layer_norm</c>.</summary>
    public string NormType { get; }

    /// <summary>
    /// x: (B, T, D), maskPad: (B, 1, T) bool (true = valid) → (B, ceil(T/s), D).
    /// The pointwise convolutions (kernel 1) run as linear layers on (B, T, C) rows with the very
    /// Conv1d parameters viewed as (C_out, C_in): the same arithmetic as WeNet's conv1d, without the
    /// two transposed copies of the activations that the channel-major layout needs.
    /// </summary>
    public override Tensor forward(Tensor x, Tensor maskPad)
    {
        using var scope = NewDisposeScope();
        var invalid = maskPad.logical_not().transpose(1, 2);       // (B, T, 1)
        var h = Pointwise(pointwise_conv1, x.masked_fill(invalid, 0.0f)); // (B, T, 2D)
        h = nn.functional.glu(h, dim: -1);                         // (B, T, D)
        h = depthwise_conv.call(h.transpose(1, 2)).transpose(1, 2); // (B, T', D)
        if (NormType == "layer_norm")
            h = activation.call(norm.call(h));
        else
            h = activation.call(norm.call(h.transpose(1, 2)).transpose(1, 2));
        h = Pointwise(pointwise_conv2, h);                         // (B, T', D)
        if (invalid.shape[1] != h.shape[1])
            invalid = invalid[TensorIndex.Colon, TensorIndex.Slice(null, null, Stride)];
        return scope.MoveToOuter(h.masked_fill(invalid, 0.0f));
    }

    /// <summary>A kernel-1 Conv1d applied to (B, T, C_in) rows: (B, T, C_out).</summary>
    private static Tensor Pointwise(Conv1d conv, Tensor x)
    {
        var weight = conv.weight!;
        return nn.functional.linear(x, weight.view(weight.shape[0], weight.shape[1]), conv.bias);
    }
}
