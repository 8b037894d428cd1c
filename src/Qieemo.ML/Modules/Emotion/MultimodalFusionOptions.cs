namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// Options of the multimodal fusion (MMF) module, paper §II.B: weighted concatenation of encoder blocks as
/// image channels, Conv2D fusion, projection to the emotion features E = {e^1..e^n}.
/// </summary>
public sealed class MultimodalFusionOptions
{
    /// <summary>How stored block weights become the multipliers (default <see cref="BlockWeightMode.Softmax"/>).</summary>
    public BlockWeightMode BlockWeightMode { get; set; } = BlockWeightMode.Softmax;

    /// <summary>
    /// Initial block weights as they are applied (one per fused block), or null for equal weights
    /// (1 in <see cref="BlockWeightMode.Raw"/>, 1/N in <see cref="BlockWeightMode.Softmax"/>). In Softmax mode
    /// the values must be positive; they are normalized to sum to one (stored as logits log(w)).
    /// </summary>
    public float[]? InitialBlockWeights { get; set; }

    /// <summary>True (default): block weights are trained. False: they are a frozen buffer (saved, never updated).</summary>
    public bool LearnableBlockWeights { get; set; } = true;

    /// <summary>How blocks at a higher frame rate are brought to the lowest frame rate among the fused blocks.</summary>
    public FrameRateAlignment FrameRateAlignment { get; set; } = FrameRateAlignment.AveragePool;

    /// <summary>
    /// Conv2D layers (each followed by masked BatchNorm and ReLU) over the image [B, N, T, D]. Default: one
    /// layer with 32 channels, 3x3 kernel, time stride 2, so n = ceil(T / 2).
    /// </summary>
    public List<Conv2dLayerOptions> ConvLayers { get; set; } = new() { new Conv2dLayerOptions { Channels = 32, StrideTime = 2 } };

    /// <summary>Kernel (time and feature, odd) of the final Conv2D that maps the channels back to one image.</summary>
    public int OutputKernel { get; set; } = 3;

    /// <summary>Whether each Conv2D layer is followed by a (masked) BatchNorm before its ReLU.</summary>
    public bool BatchNorm { get; set; } = true;

    /// <summary>Size d_e of each emotion feature e^i (the output projection width).</summary>
    public int EmotionDim { get; set; } = 256;

    internal void Validate(int numFused)
    {
        if (InitialBlockWeights != null)
        {
            if (InitialBlockWeights.Length != numFused)
                throw new ArgumentException($"MultimodalFusionOptions.InitialBlockWeights has {InitialBlockWeights.Length} values but {numFused} blocks are fused");
            if (InitialBlockWeights.Any(w => !float.IsFinite(w)))
                throw new ArgumentException("MultimodalFusionOptions.InitialBlockWeights must be finite");
            if (BlockWeightMode == BlockWeightMode.Softmax && InitialBlockWeights.Any(w => w <= 0))
                throw new ArgumentException("MultimodalFusionOptions.InitialBlockWeights must be > 0 in Softmax mode (they are normalized to sum to one)");
        }
        if (ConvLayers == null) throw new ArgumentException("MultimodalFusionOptions.ConvLayers must not be null (use an empty list for no hidden layer)");
        for (int i = 0; i < ConvLayers.Count; i++) ConvLayers[i].Validate($"MultimodalFusionOptions.ConvLayers[{i}]");
        if (OutputKernel < 1 || OutputKernel % 2 == 0) throw new ArgumentException($"MultimodalFusionOptions.OutputKernel must be a positive odd number (got {OutputKernel})");
        if (EmotionDim < 1) throw new ArgumentException($"MultimodalFusionOptions.EmotionDim must be >= 1 (got {EmotionDim})");
    }
}
