namespace Qieemo.ML.Models;

/// <summary>
/// Options of a WeNet conformer / efficient-conformer encoder: every field of WeNet's
/// <c>encoder_conf</c> (and its <c>efficient_conf</c>) that shapes the network, with WeNet's
/// names in the docs. Build with a preset (<see cref="Preset"/>), from a WeNet training yaml
/// (<see cref="FromWeNetYaml"/>), or by hand; <see cref="Validate"/> rejects what the encoder
/// does not implement (causal convolution, absolute positions, chunk-masked attention is ignored).
/// </summary>
public sealed class EncoderConfig
{
    /// <summary>WeNet <c>encoder</c>: <c>conformer</c> or <c>efficientConformer</c>.</summary>
    public string EncoderType { get; set; } = "conformer";
    /// <summary>WeNet <c>input_dim</c>: feature dimension (mel bins).</summary>
    public int InputDim { get; set; } = 80;
    /// <summary><c>output_size</c>: model dimension D.</summary>
    public int OutputSize { get; set; } = 256;
    /// <summary><c>attention_heads</c>.</summary>
    public int AttentionHeads { get; set; } = 4;
    /// <summary><c>linear_units</c>: feed-forward hidden width.</summary>
    public int LinearUnits { get; set; } = 2048;
    /// <summary><c>num_blocks</c>.</summary>
    public int NumBlocks { get; set; } = 12;
    /// <summary><c>dropout_rate</c>: residual and feed-forward dropout (training only).</summary>
    public double DropoutRate { get; set; } = 0.1;
    /// <summary><c>positional_dropout_rate</c>: dropout of the scaled embedding and position rows.</summary>
    public double PositionalDropoutRate { get; set; } = 0.1;
    /// <summary><c>attention_dropout_rate</c>: dropout of attention probabilities.</summary>
    public double AttentionDropoutRate { get; set; } = 0.0;
    /// <summary><c>input_layer</c>: <c>conv2d</c> (4x subsampling) or <c>conv2d2</c> (2x).</summary>
    public string InputLayer { get; set; } = "conv2d";
    /// <summary><c>pos_enc_layer_type</c>: only <c>rel_pos</c> is implemented.</summary>
    public string PosEncLayerType { get; set; } = "rel_pos";
    /// <summary><c>selfattention_layer_type</c>: only <c>rel_selfattn</c> is implemented.</summary>
    public string SelfAttentionLayerType { get; set; } = "rel_selfattn";
    /// <summary><c>normalize_before</c>: pre-norm blocks.</summary>
    public bool NormalizeBefore { get; set; } = true;
    /// <summary><c>macaron_style</c>: two half-step feed-forward modules.</summary>
    public bool MacaronStyle { get; set; } = true;
    /// <summary><c>activation_type</c>: swish (default), silu, relu or gelu.</summary>
    public string ActivationType { get; set; } = "swish";
    /// <summary><c>use_cnn_module</c>.</summary>
    public bool UseCnnModule { get; set; } = true;
    /// <summary><c>cnn_module_kernel</c>: odd depthwise kernel size.</summary>
    public int CnnModuleKernel { get; set; } = 15;
    /// <summary><c>cnn_module_norm</c>: <c>batch_norm</c> or <c>layer_norm</c>.</summary>
    public string CnnModuleNorm { get; set; } = "batch_norm";
    /// <summary><c>causal</c>: must be false (causal convolution is not implemented).</summary>
    public bool Causal { get; set; }
    /// <summary><c>static_chunk_size</c> (recorded; inference here always uses full context).</summary>
    public int StaticChunkSize { get; set; }
    /// <summary><c>use_dynamic_chunk</c> (recorded; full-context attention is always used).</summary>
    public bool UseDynamicChunk { get; set; }
    /// <summary><c>use_dynamic_left_chunk</c> (recorded).</summary>
    public bool UseDynamicLeftChunk { get; set; }
    /// <summary><c>efficient_conf.stride_layer_idx</c>: blocks with a strided convolution (increasing).</summary>
    public int[] StrideLayerIdx { get; set; } = Array.Empty<int>();
    /// <summary><c>efficient_conf.stride</c>: the stride of each stride block.</summary>
    public int[] Stride { get; set; } = Array.Empty<int>();
    /// <summary><c>efficient_conf.group_layer_idx</c>: blocks with grouped attention.</summary>
    public int[] GroupLayerIdx { get; set; } = Array.Empty<int>();
    /// <summary><c>efficient_conf.group_size</c>: frames per attention group.</summary>
    public int GroupSize { get; set; } = 3;
    /// <summary><c>efficient_conf.stride_kernel</c>: divide the conv kernel by each stride after it.</summary>
    public bool StrideKernel { get; set; } = true;
    /// <summary>WeNet <c>cmvn: global_cmvn</c>: the encoder starts with a GlobalCMVN module.</summary>
    public bool UseGlobalCmvn { get; set; } = true;
    /// <summary>WeNet <c>cmvn_conf.cmvn_file</c> as written in the yaml (informational).</summary>
    public string? CmvnFile { get; set; }
    /// <summary>Rows of the position table (WeNet's max_len, 5000).</summary>
    public int PositionTableLength { get; set; } = 5000;

    /// <summary>Whether this is an efficient conformer (<c>efficientConformer</c>).</summary>
    public bool IsEfficient => EncoderType == "efficientConformer";

    /// <summary>Names accepted by <see cref="Preset"/>.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = new[] { "efficient-v1", "efficient-v2", "conformer", "small", "tiny" };

    /// <summary>A deep copy.</summary>
    public EncoderConfig Clone()
    {
        var c = (EncoderConfig)MemberwiseClone();
        c.StrideLayerIdx = (int[])StrideLayerIdx.Clone();
        c.Stride = (int[])Stride.Clone();
        c.GroupLayerIdx = (int[])GroupLayerIdx.Clone();
        return c;
    }

    /// <summary>
    /// A named configuration:
    /// <c>efficient-v1</c> / <c>efficient-v2</c> / <c>conformer</c> are WeNet's LibriSpeech recipes
    /// (examples/librispeech/s0/conf/train_u2++_efficonformer_v1.yaml, _v2.yaml, train_conformer.yaml);
    /// <c>small</c> (D=144, 8 blocks) and <c>tiny</c> (D=64, 6 blocks) are efficient conformers that train on a CPU.
    /// </summary>
    public static EncoderConfig Preset(string name) => name switch
    {
        "efficient-v1" => new EncoderConfig
        {
            EncoderType = "efficientConformer", OutputSize = 256, AttentionHeads = 8, LinearUnits = 2048, NumBlocks = 12,
            DropoutRate = 0.1, PositionalDropoutRate = 0.1, AttentionDropoutRate = 0.1, InputLayer = "conv2d",
            CnnModuleKernel = 15, CnnModuleNorm = "layer_norm", UseDynamicChunk = true,
            StrideLayerIdx = new[] { 3 }, Stride = new[] { 2 }, GroupLayerIdx = new[] { 0, 1, 2, 3 }, GroupSize = 3, StrideKernel = true,
        },
        "efficient-v2" => new EncoderConfig
        {
            EncoderType = "efficientConformer", OutputSize = 256, AttentionHeads = 8, LinearUnits = 2048, NumBlocks = 12,
            DropoutRate = 0.1, PositionalDropoutRate = 0.1, AttentionDropoutRate = 0.1, InputLayer = "conv2d2",
            CnnModuleKernel = 15, CnnModuleNorm = "layer_norm", UseDynamicChunk = true,
            StrideLayerIdx = new[] { 3, 7 }, Stride = new[] { 2, 2 }, GroupLayerIdx = new[] { 3, 7 }, GroupSize = 3, StrideKernel = false,
        },
        "conformer" => new EncoderConfig
        {
            EncoderType = "conformer", OutputSize = 256, AttentionHeads = 4, LinearUnits = 2048, NumBlocks = 12,
            DropoutRate = 0.1, PositionalDropoutRate = 0.1, AttentionDropoutRate = 0.0, InputLayer = "conv2d",
            CnnModuleKernel = 15, CnnModuleNorm = "batch_norm",
        },
        "small" => new EncoderConfig
        {
            EncoderType = "efficientConformer", OutputSize = 144, AttentionHeads = 4, LinearUnits = 576, NumBlocks = 8,
            DropoutRate = 0.1, PositionalDropoutRate = 0.1, AttentionDropoutRate = 0.1, InputLayer = "conv2d",
            CnnModuleKernel = 15, CnnModuleNorm = "layer_norm",
            StrideLayerIdx = new[] { 3 }, Stride = new[] { 2 }, GroupLayerIdx = new[] { 0, 1, 2, 3 }, GroupSize = 3, StrideKernel = true,
        },
        "tiny" => new EncoderConfig
        {
            EncoderType = "efficientConformer", OutputSize = 64, AttentionHeads = 4, LinearUnits = 256, NumBlocks = 6,
            DropoutRate = 0.1, PositionalDropoutRate = 0.1, AttentionDropoutRate = 0.1, InputLayer = "conv2d",
            CnnModuleKernel = 15, CnnModuleNorm = "layer_norm",
            StrideLayerIdx = new[] { 2 }, Stride = new[] { 2 }, GroupLayerIdx = new[] { 0, 1, 2 }, GroupSize = 3, StrideKernel = true,
        },
        _ => throw new ArgumentException($"unknown encoder preset '{name}' (known: {string.Join(", ", PresetNames)})", nameof(name)),
    };

    /// <summary>Reads the encoder section of a WeNet training yaml (see <see cref="WeNetYamlReader"/>).</summary>
    public static EncoderConfig FromWeNetYaml(string path) => WeNetYamlReader.Read(path);

    /// <summary>
    /// The depthwise kernel of each block, as WeNet computes it: the kernel starts at
    /// <see cref="CnnModuleKernel"/> and, with <see cref="StrideKernel"/>, is integer-divided by each
    /// stride for the blocks after that stride block (the stride block itself keeps the old kernel).
    /// </summary>
    public int[] ConvKernelPerBlock()
    {
        var result = new int[NumBlocks];
        int kernel = CnnModuleKernel;
        for (int i = 0; i < NumBlocks; i++)
        {
            result[i] = kernel;
            int s = Array.IndexOf(StrideLayerIdx, i);
            if (s >= 0 && StrideKernel) kernel /= Stride[s];
        }
        return result;
    }

    /// <summary>Throws <see cref="ArgumentException"/> (or <see cref="NotSupportedException"/>) for an invalid or unsupported configuration.</summary>
    public void Validate()
    {
        if (EncoderType != "conformer" && EncoderType != "efficientConformer")
            throw new NotSupportedException($"encoder '{EncoderType}' is not supported (conformer or efficientConformer)");
        if (Causal) throw new NotSupportedException("causal: true is not supported: only full-context (non-causal) conformers are implemented");
        if (PosEncLayerType != "rel_pos")
            throw new NotSupportedException($"pos_enc_layer_type '{PosEncLayerType}' is not supported (rel_pos)");
        if (SelfAttentionLayerType != "rel_selfattn")
            throw new NotSupportedException($"selfattention_layer_type '{SelfAttentionLayerType}' is not supported (rel_selfattn)");
        if (InputLayer != "conv2d" && InputLayer != "conv2d2")
            throw new NotSupportedException($"input_layer '{InputLayer}' is not supported (conv2d or conv2d2)");
        if (CnnModuleNorm != "batch_norm" && CnnModuleNorm != "layer_norm")
            throw new ArgumentException($"cnn_module_norm must be batch_norm or layer_norm, got '{CnnModuleNorm}'");
        if (ActivationType is not ("swish" or "silu" or "relu" or "gelu"))
            throw new NotSupportedException($"activation_type '{ActivationType}' is not supported (swish, silu, relu, gelu)");
        if (InputDim < (InputLayer == "conv2d" ? 7 : 3)) throw new ArgumentException($"input_dim {InputDim} is too small for {InputLayer}");
        if (OutputSize <= 0 || OutputSize % 2 != 0) throw new ArgumentException($"output_size must be positive and even, got {OutputSize}");
        if (AttentionHeads <= 0 || OutputSize % AttentionHeads != 0)
            throw new ArgumentException($"output_size {OutputSize} is not divisible by attention_heads {AttentionHeads}");
        if (LinearUnits <= 0) throw new ArgumentException($"linear_units must be positive, got {LinearUnits}");
        if (NumBlocks <= 0) throw new ArgumentException($"num_blocks must be positive, got {NumBlocks}");
        foreach (var (n, v) in new[] { ("dropout_rate", DropoutRate), ("positional_dropout_rate", PositionalDropoutRate), ("attention_dropout_rate", AttentionDropoutRate) })
            if (v < 0 || v >= 1) throw new ArgumentException($"{n} must be in [0, 1), got {v}");
        if (PositionTableLength <= 0) throw new ArgumentException($"position table length must be positive, got {PositionTableLength}");
        if (StrideLayerIdx.Length != Stride.Length)
            throw new ArgumentException($"stride_layer_idx has {StrideLayerIdx.Length} entries but stride has {Stride.Length}");
        if (!IsEfficient && (StrideLayerIdx.Length > 0 || GroupLayerIdx.Length > 0))
            throw new ArgumentException("stride/group layers need encoder: efficientConformer");
        for (int i = 0; i < StrideLayerIdx.Length; i++)
        {
            if (StrideLayerIdx[i] < 0 || StrideLayerIdx[i] >= NumBlocks)
                throw new ArgumentException($"stride_layer_idx {StrideLayerIdx[i]} is outside 0..{NumBlocks - 1}");
            if (i > 0 && StrideLayerIdx[i] <= StrideLayerIdx[i - 1])
                throw new ArgumentException($"stride_layer_idx must be strictly increasing, got [{string.Join(", ", StrideLayerIdx)}]");
            if (Stride[i] < 1) throw new ArgumentException($"stride must be positive, got {Stride[i]}");
        }
        if (StrideLayerIdx.Length > 0 && !UseCnnModule)
            throw new ArgumentException("stride layers need use_cnn_module: true (the stride is in the convolution module)");
        foreach (int g in GroupLayerIdx)
            if (g < 0 || g >= NumBlocks) throw new ArgumentException($"group_layer_idx {g} is outside 0..{NumBlocks - 1}");
        if (GroupSize < 1) throw new ArgumentException($"group_size must be positive, got {GroupSize}");
        if (UseCnnModule)
            foreach (int k in ConvKernelPerBlock())
                if (k < 1 || k % 2 == 0)
                    throw new ArgumentException($"convolution kernels per block [{string.Join(", ", ConvKernelPerBlock())}] must all be odd (cnn_module_kernel {CnnModuleKernel}, stride_kernel {StrideKernel})");
    }
}
