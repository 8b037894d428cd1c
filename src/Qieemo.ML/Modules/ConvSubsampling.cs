using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// Base of WeNet's convolutional front ends (<c>embed</c>): features (B, T, F) and their padding
/// mask (B, 1, T) in; subsampled, scaled features (B, T', D), position rows (1, T', D) and the
/// subsampled mask (B, 1, T') out. Submodules use WeNet's names: <c>conv</c>, <c>out</c>, <c>pos_enc</c>.
/// </summary>
public abstract class ConvSubsampling : nn.Module<Tensor, Tensor, (Tensor X, Tensor PosEmb, Tensor Mask)>
{
    /// <summary>Creates the base with the position encoding registered as <c>pos_enc</c>.</summary>
    protected ConvSubsampling(string name, RelPositionalEncoding posEnc) : base(name)
    {
        pos_enc = posEnc;
    }

    // Field named as the WeNet submodule: TorchSharp registers module-typed fields by their names.
    private readonly RelPositionalEncoding pos_enc;

    /// <summary>The position encoding (<c>pos_enc</c>).</summary>
    public RelPositionalEncoding PosEnc => pos_enc;

    /// <summary>Time subsampling factor (4 for conv2d, 2 for conv2d2).</summary>
    public abstract int SubsamplingRate { get; }

    /// <summary>Number of output frames for <paramref name="inputFrames"/> padded input frames.</summary>
    public abstract long OutputFrames(long inputFrames);
}
