using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// WeNet's efficient-conformer <c>StrideConformerEncoderLayer</c>: a <see cref="ConformerBlock"/>
/// whose convolution module has depthwise stride s and whose convolution residual is
/// AvgPool1d(s, s, ceil_mode=true, count_include_pad=false) of the block's pre-norm input, so the
/// block reduces T to ceil(T/s) (the macaron FFN and MHSA still run at the input rate).
/// <c>concat_linear</c> (Linear(2D, D)) exists in WeNet checkpoints but is never used; it is kept
/// for key and parameter-count parity.
/// </summary>
public sealed class StrideConformerBlock : ConformerBlock
{
    private readonly Linear concat_linear;
    private readonly int stride;

    /// <param name="size">Model dimension D.</param>
    /// <param name="selfAttn">Self-attention (plain or grouped relative-position).</param>
    /// <param name="feedForward">Second feed-forward module.</param>
    /// <param name="feedForwardMacaron">First, half-step feed-forward; null disables macaron style.</param>
    /// <param name="convModule">Strided convolution module (its stride is the block's stride).</param>
    /// <param name="dropoutRate">Residual-branch dropout in training.</param>
    /// <param name="normalizeBefore">Pre-norm (WeNet default true) or post-norm.</param>
    public StrideConformerBlock(int size, RelPositionAttentionBase selfAttn, PositionwiseFeedForward feedForward,
        PositionwiseFeedForward? feedForwardMacaron, ConvolutionModule convModule, double dropoutRate, bool normalizeBefore = true)
        : base(nameof(StrideConformerBlock), size, selfAttn, feedForward, feedForwardMacaron,
               convModule ?? throw new ArgumentNullException(nameof(convModule)), dropoutRate, normalizeBefore)
    {
        stride = convModule.Stride;
        concat_linear = nn.Linear(2 * size, size);
        register_module("concat_linear", concat_linear);
    }

    /// <inheritdoc />
    public override int TimeStride => stride;

    /// <summary>residual: (B, T, D) → (B, ceil(T/s), D) by average pooling over time (WeNet's pointwise_conv_layer).</summary>
    protected override Tensor ConvResidual(Tensor residual) =>
        nn.functional.avg_pool1d(residual.transpose(1, 2), stride, stride, padding: 0, ceil_mode: true, count_include_pad: false)
            .transpose(1, 2);
}
