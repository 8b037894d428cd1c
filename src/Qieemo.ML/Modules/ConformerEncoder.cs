using Qieemo.ML.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// WeNet's <c>ConformerEncoder</c> and <c>EfficientConformerEncoder</c> (full-context, non-causal):
/// optional <c>global_cmvn</c> → <c>embed</c> (conv subsampling, x·sqrt(D), position rows) →
/// <c>encoders</c> (conformer blocks; behind each stride block the masks and position rows are
/// sliced [::s], so later blocks use pe rows 0, s, 2s, …) → <c>after_norm</c>.
/// Parameter and buffer names equal WeNet's encoder state_dict keys (without the <c>encoder.</c>
/// prefix). Forward returns every block's output, see <see cref="EncoderOutput"/>.
/// </summary>
public sealed class ConformerEncoder : nn.Module<Tensor, Tensor, EncoderOutput>
{
    private readonly GlobalCmvnModule? global_cmvn;
    private readonly ConvSubsampling embed;
    private readonly LayerNorm after_norm;
    private readonly ModuleList<ConformerBlock> encoders;

    /// <summary>Builds the encoder described by <paramref name="config"/> (validated first).</summary>
    public ConformerEncoder(EncoderConfig config) : base(nameof(ConformerEncoder))
    {
        config.Validate();
        Config = config.Clone();
        var c = Config;

        if (c.UseGlobalCmvn)
        {
            global_cmvn = new GlobalCmvnModule(c.InputDim);
            register_module("global_cmvn", global_cmvn);
        }
        var posEnc = new RelPositionalEncoding(c.OutputSize, c.PositionalDropoutRate, c.PositionTableLength);
        embed = c.InputLayer switch
        {
            "conv2d" => new Conv2dSubsampling4(c.InputDim, c.OutputSize, posEnc),
            "conv2d2" => new Conv2dSubsampling2(c.InputDim, c.OutputSize, posEnc),
            _ => throw new ArgumentException($"unsupported input_layer '{c.InputLayer}'"),
        };
        register_module("embed", embed);
        after_norm = nn.LayerNorm(c.OutputSize, eps: 1e-5);
        register_module("after_norm", after_norm);

        var blocks = new List<ConformerBlock>();
        int[] kernels = c.ConvKernelPerBlock();
        for (int i = 0; i < c.NumBlocks; i++)
        {
            RelPositionAttentionBase attn = c.GroupLayerIdx.Contains(i)
                ? new GroupedRelPositionMultiHeadedAttention(c.AttentionHeads, c.OutputSize, c.AttentionDropoutRate, c.GroupSize)
                : new RelPositionMultiHeadedAttention(c.AttentionHeads, c.OutputSize, c.AttentionDropoutRate);
            var ff = new PositionwiseFeedForward(c.OutputSize, c.LinearUnits, c.DropoutRate, new Activation(c.ActivationType));
            var ffMacaron = c.MacaronStyle
                ? new PositionwiseFeedForward(c.OutputSize, c.LinearUnits, c.DropoutRate, new Activation(c.ActivationType))
                : null;
            int strideIdx = Array.IndexOf(c.StrideLayerIdx, i);
            if (strideIdx >= 0)
            {
                var conv = new ConvolutionModule(c.OutputSize, kernels[i], new Activation(c.ActivationType), c.CnnModuleNorm, c.Stride[strideIdx]);
                blocks.Add(new StrideConformerBlock(c.OutputSize, attn, ff, ffMacaron, conv, c.DropoutRate, c.NormalizeBefore));
            }
            else
            {
                var conv = c.UseCnnModule
                    ? new ConvolutionModule(c.OutputSize, kernels[i], new Activation(c.ActivationType), c.CnnModuleNorm)
                    : null;
                blocks.Add(new ConformerBlock(c.OutputSize, attn, ff, ffMacaron, conv, c.DropoutRate, c.NormalizeBefore));
            }
        }
        encoders = nn.ModuleList(blocks.ToArray());
        register_module("encoders", encoders);
    }

    /// <summary>The configuration this encoder was built from (a copy).</summary>
    public EncoderConfig Config { get; }

    /// <summary>Model dimension D of every block output.</summary>
    public int OutputSize => Config.OutputSize;

    /// <summary>Number of conformer blocks.</summary>
    public int NumBlocks => encoders.Count;

    /// <summary>The global CMVN module, or null when the encoder has none.</summary>
    public GlobalCmvnModule? GlobalCmvn => global_cmvn;

    /// <summary>The subsampling front end (<c>embed</c>).</summary>
    public ConvSubsampling Embed => embed;

    /// <summary>The conformer blocks (<c>encoders</c>).</summary>
    public IReadOnlyList<ConformerBlock> Blocks => encoders.ToList();

    /// <summary>Overall time subsampling from input frames to the final output.</summary>
    public int TotalSubsampling => embed.SubsamplingRate * Config.Stride.Aggregate(1, (a, s) => a * s);

    /// <summary>Number of trainable parameter elements (buffers excluded), as PyTorch's numel sum.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>
    /// feats: (B, T, F) padded features before CMVN, lengths: int64 (B) valid frames →
    /// <see cref="EncoderOutput"/> with the embed output (B, T₀, D), every block output
    /// (B, Tᵢ, D) and the final output (B, T_L, D), each with its valid lengths.
    /// </summary>
    public override EncoderOutput forward(Tensor feats, Tensor lengths)
    {
        if (feats.dim() != 3 || feats.shape[2] != Config.InputDim)
            throw new ArgumentException($"features must be (batch, frames, {Config.InputDim}), got [{string.Join(", ", feats.shape)}]");
        if (lengths.dim() != 1 || lengths.shape[0] != feats.shape[0])
            throw new ArgumentException($"lengths must be ({feats.shape[0]}), got [{string.Join(", ", lengths.shape)}]");
        if (feats.shape[1] < 7)
            throw new ArgumentException($"at least 7 input frames are needed for conv subsampling, got {feats.shape[1]}");

        using var scope = NewDisposeScope();
        var lens = lengths.to_type(ScalarType.Int64).to(feats.device);
        // An utterance without a single valid frame after subsampling would give all-masked (NaN) attention rows.
        long minValid = embed.SubsamplingRate == 4 ? 7 : 3;
        long shortest = lens.min().item<long>(), longest = lens.max().item<long>();
        if (shortest < minValid || longest > feats.shape[1])
            throw new ArgumentException($"every length must be in [{minValid}, {feats.shape[1]}] frames, got [{string.Join(", ", lens.data<long>().ToArray())}]");
        var masks = EncoderOutput.MaskFromLengths(lens, feats.shape[1]);    // (B, 1, T)
        var xs = global_cmvn is null ? feats : global_cmvn.call(feats);
        var (x, posEmb, subMask) = embed.call(xs, masks);
        masks = subMask;                                                   // (B, 1, T0)
        var embedOut = x;
        var embedLengths = masks.sum(new long[] { 1, 2 });
        var blockOuts = new List<Tensor>(encoders.Count);
        var blockLengths = new List<Tensor>(encoders.Count);

        // Without chunk masks the attention mask equals the padding mask (B, 1, T).
        var chunkMasks = masks;
        var maskPad = masks;
        for (int i = 0; i < encoders.Count; i++)
        {
            var layer = encoders[i];
            x = layer.call(x, chunkMasks, posEmb, maskPad);
            int s = layer.TimeStride;
            if (s > 1)
            {
                var step = TensorIndex.Slice(null, null, s);
                masks = masks[TensorIndex.Colon, TensorIndex.Colon, step];
                chunkMasks = chunkMasks[TensorIndex.Colon, step, step];
                maskPad = masks;
                posEmb = posEmb[TensorIndex.Colon, step, TensorIndex.Colon];
            }
            blockOuts.Add(x);
            blockLengths.Add(masks.sum(new long[] { 1, 2 }));
        }
        var output = Config.NormalizeBefore ? after_norm.call(x) : x.alias();   // own handle: block outputs are disposed separately
        var outputLengths = masks.sum(new long[] { 1, 2 });

        scope.MoveToOuter(new IDisposable[] { embedOut, embedLengths, output, outputLengths });
        scope.MoveToOuter(blockOuts);
        scope.MoveToOuter(blockLengths);
        return new EncoderOutput(embedOut, embedLengths, blockOuts, blockLengths, output, outputLengths);
    }
}
