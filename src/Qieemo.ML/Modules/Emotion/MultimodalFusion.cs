using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// The multimodal fusion (MMF) module of Qieemo (§II.B, Fig. 1): each fused block output is multiplied by a
/// scalar block weight, the N weighted blocks are stacked as the channels of an image [B, N, T, D]
/// ("weighted concatenation"), Conv2D layers fuse them, and a projection gives the emotion features
/// E = {e^1..e^n} [B, n, d_e] with n = T after the convolutions' time strides (n = ceil(T/2) by default).
/// Padded frames are zeroed before every convolution and their lengths follow the strides, so an
/// utterance's features do not depend on what it is batched with.
/// </summary>
public sealed class MultimodalFusion : nn.Module<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>, (Tensor Features, Tensor Lengths)>
{
    private readonly MultimodalFusionOptions _options;
    private readonly int _numBlocks;
    private readonly int _inputDim;
    // A Parameter when the weights are learnable, a plain tensor (registered as a buffer, so saved but
    // never handed to an optimizer) when they are frozen. Raw weights or softmax logits, see BlockWeightMode.
    private readonly Tensor block_weights;
    private readonly ModuleList<Conv2d> convs;
    private readonly ModuleList<MaskedBatchNorm2d> norms;
    private readonly Conv2d output_conv;
    private readonly Linear projection;

    /// <summary>Creates MMF for <paramref name="numBlocks"/> fused blocks of width <paramref name="inputDim"/>.</summary>
    public MultimodalFusion(int numBlocks, int inputDim, MultimodalFusionOptions options, string name = "MultimodalFusion") : base(name)
    {
        if (numBlocks < 1) throw new ArgumentException($"MultimodalFusion needs at least one block (got {numBlocks})");
        if (inputDim < 1) throw new ArgumentException($"MultimodalFusion input width must be >= 1 (got {inputDim})");
        options.Validate(numBlocks);
        _options = options;
        _numBlocks = numBlocks;
        _inputDim = inputDim;

        float[] init = options.InitialBlockWeights?.ToArray()
            ?? Enumerable.Repeat(options.BlockWeightMode == BlockWeightMode.Raw ? 1f : 1f / numBlocks, numBlocks).ToArray();
        if (options.BlockWeightMode == BlockWeightMode.Softmax) init = init.Select(w => MathF.Log(w)).ToArray();
        var w0 = tensor(init);
        block_weights = options.LearnableBlockWeights ? new Parameter(w0) : w0;

        convs = new ModuleList<Conv2d>();
        norms = new ModuleList<MaskedBatchNorm2d>();
        long channels = numBlocks, width = inputDim;
        foreach (var layer in options.ConvLayers)
        {
            convs.Add(nn.Conv2d(channels, layer.Channels, (layer.KernelTime, layer.KernelFeature),
                stride: (layer.StrideTime, layer.StrideFeature), padding: (layer.KernelTime / 2, layer.KernelFeature / 2),
                bias: !options.BatchNorm));
            if (options.BatchNorm) norms.Add(new MaskedBatchNorm2d(layer.Channels));
            channels = layer.Channels;
            width = layer.OutputFeature(width);
        }
        int k = options.OutputKernel;
        output_conv = nn.Conv2d(channels, 1, (k, k), stride: (1, 1), padding: (k / 2, k / 2));
        projection = nn.Linear(width, options.EmotionDim);
        FeatureWidth = width;
        RegisterComponents();
    }

    /// <summary>Number of fused blocks N (image channels).</summary>
    public int NumBlocks => _numBlocks;

    /// <summary>d_e, the width of each emotion feature.</summary>
    public int EmotionDim => _options.EmotionDim;

    /// <summary>Width of the fused image along the feature axis after the feature strides (input of the projection).</summary>
    public long FeatureWidth { get; }

    /// <summary>Whether the block weights are trained (a parameter) or frozen (a buffer).</summary>
    public bool BlockWeightsLearnable => block_weights is Parameter;

    /// <summary>The multipliers currently applied to the N blocks (after softmax in Softmax mode), for reports and plots.</summary>
    public float[] BlockWeights
    {
        get
        {
            using var _ = no_grad();
            using var w = EffectiveBlockWeights();
            return w.data<float>().ToArray();
        }
    }

    /// <summary>The block multipliers as a tensor [N] in the autograd graph.</summary>
    public Tensor EffectiveBlockWeights() =>
        _options.BlockWeightMode == BlockWeightMode.Softmax ? block_weights.softmax(0) : block_weights.alias();

    /// <summary>
    /// Output time length n for input lengths (any integer tensor): follows every time stride.
    /// </summary>
    public Tensor OutputLengths(Tensor lengths)
    {
        using var scope = NewDisposeScope();
        var l = lengths.to(ScalarType.Int64, copy: true);
        foreach (var layer in _options.ConvLayers)
            l = (l + (2 * (layer.KernelTime / 2) - layer.KernelTime)).div(layer.StrideTime, rounding_mode: RoundingMode.floor) + 1;
        return scope.MoveToOuter(l);
    }

    /// <summary>
    /// blocks: N tensors [B, T_k, D] (the fused blocks, channel order), lengths: N tensors [B] →
    /// (E [B, n, d_e] with padded positions 0, lengths of E [B]).
    /// </summary>
    public override (Tensor Features, Tensor Lengths) forward(IReadOnlyList<Tensor> blocks, IReadOnlyList<Tensor> lengths)
    {
        if (blocks.Count != _numBlocks || lengths.Count != _numBlocks)
            throw new ArgumentException($"MultimodalFusion expects {_numBlocks} blocks and lengths, got {blocks.Count} and {lengths.Count}");
        for (int i = 0; i < blocks.Count; i++)
        {
            SequenceMask.Check(blocks[i], lengths[i], $"MultimodalFusion block {i}");
            if (blocks[i].shape[2] != _inputDim) throw new ArgumentException($"MultimodalFusion block {i}: width {blocks[i].shape[2]}, expected {_inputDim}");
            if (blocks[i].shape[0] != blocks[0].shape[0]) throw new ArgumentException($"MultimodalFusion block {i}: batch {blocks[i].shape[0]}, block 0 has {blocks[0].shape[0]}");
        }

        using var scope = NewDisposeScope();
        // 1. Align every block to the lowest frame rate among them; a frame is valid only if valid in all blocks.
        long frames = blocks.Min(b => b.shape[1]);
        var aligned = new Tensor[_numBlocks];
        Tensor? len = null;
        for (int i = 0; i < _numBlocks; i++)
        {
            var (values, l) = FrameRateAligner.Align(blocks[i], lengths[i], frames, _options.FrameRateAlignment);
            aligned[i] = values;
            len = len is null ? l : minimum(len, l);
        }

        // 2. Weighted concatenation as image channels: [B, N, T, D].
        var image = stack(aligned, 1) * EffectiveBlockWeights().view(1, _numBlocks, 1, 1);
        var x = ZeroPaddedImage(image, len!);

        // 3. Conv2D fusion; after each layer the lengths follow the stride and padded frames are re-zeroed.
        for (int i = 0; i < convs.Count; i++)
        {
            var layer = _options.ConvLayers[i];
            x = convs[i].forward(x);                                                                     // [B, C, T', D']
            len = (len! + (2 * (layer.KernelTime / 2) - layer.KernelTime)).div(layer.StrideTime, rounding_mode: RoundingMode.floor) + 1;
            if (_options.BatchNorm) x = norms[i].forward(x, len);
            x = ZeroPaddedImage(nn.functional.relu(x), len);
        }
        x = ZeroPaddedImage(output_conv.forward(x), len!);                                                 // [B, 1, n, D']

        // 4. Projection of each fused frame to an emotion feature e^i.
        var e = projection.forward(x.squeeze(1));                                                            // [B, n, d_e]
        e = SequenceMask.ZeroPadded(e, len!);
        return scope.MoveToOuter(e, len!);
    }

    private static Tensor ZeroPaddedImage(Tensor x, Tensor lengths)
    {
        var valid = SequenceMask.Valid(lengths, x.shape[2]).view(x.shape[0], 1, x.shape[2], 1);
        return where(valid, x, zeros_like(x));
    }
}
