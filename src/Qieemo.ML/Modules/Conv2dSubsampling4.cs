using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// WeNet's <c>Conv2dSubsampling4</c> (<c>input_layer: conv2d</c>): Conv2d(1, D, 3, stride 2) - ReLU -
/// Conv2d(D, D, 3, stride 2) - ReLU, channel-major flatten, Linear(D * F'', D) with
/// F'' = ((F - 1) / 2 - 1) / 2 (integer division; 19 for 80 mel bins), then x * sqrt(D).
/// Keys: <c>conv.0.*</c>, <c>conv.2.*</c>, <c>out.0.*</c>, <c>pos_enc.pe</c>.
/// </summary>
public sealed class Conv2dSubsampling4 : ConvSubsampling
{
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly nn.Module<Tensor, Tensor> @out;

    /// <param name="inputDim">Feature dimension F (mel bins).</param>
    /// <param name="outputDim">Model dimension D.</param>
    /// <param name="posEnc">Position encoding for the subsampled frames.</param>
    public Conv2dSubsampling4(int inputDim, int outputDim, RelPositionalEncoding posEnc) : base(nameof(Conv2dSubsampling4), posEnc)
    {
        if (inputDim < 7) throw new ArgumentException($"conv2d subsampling needs at least 7 features, got {inputDim}");
        FrequencyBins = ((inputDim - 1) / 2 - 1) / 2;
        conv = nn.Sequential(
            ("0", nn.Conv2d(1, outputDim, 3, stride: 2)),
            ("1", nn.ReLU(inplace: true)),
            ("2", nn.Conv2d(outputDim, outputDim, 3, stride: 2)),
            ("3", nn.ReLU(inplace: true)));
        @out = nn.Sequential(("0", nn.Linear(outputDim * FrequencyBins, outputDim)));
        register_module("conv", conv);
        register_module("out", @out);
        register_module("pos_enc", posEnc);
    }

    /// <summary>Frequency bins left after the two convolutions (19 for 80 input features).</summary>
    public int FrequencyBins { get; }

    /// <inheritdoc />
    public override int SubsamplingRate => 4;

    /// <inheritdoc />
    public override long OutputFrames(long inputFrames) => ((inputFrames - 1) / 2 - 1) / 2;

    /// <summary>
    /// x: (B, T, F), mask: (B, 1, T) bool → X: (B, T', D) with T' = ((T-1)/2-1)/2, PosEmb: (1, T', D),
    /// Mask: (B, 1, T') = mask[:, :, 2::2][:, :, 2::2] (frame j valid iff input frame 4j+6 is).
    /// </summary>
    public override (Tensor X, Tensor PosEmb, Tensor Mask) forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var h = conv.call(x.unsqueeze(1));                         // (B, D, T', F'')
        long b = h.shape[0], c = h.shape[1], t = h.shape[2], f = h.shape[3];
        h = @out.call(h.transpose(1, 2).contiguous().view(b, t, c * f));
        var (scaled, posEmb) = PosEnc.call(h);
        var sub = mask[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(2, null, 2)]
                  [TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(2, null, 2)];
        return scope.MoveToOuter(scaled, posEmb, sub);
    }
}
