using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// Table I block probe: block k's output [B, T, D] → mean over valid frames → Linear(D → 256) → ReLU →
/// Linear(256 → classes). <see cref="forward"/> takes one block; <see cref="ForwardBlocks"/> picks block k
/// from all encoder blocks.
/// </summary>
public sealed class BlockProbeHead : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BlockProbeOptions _options;
    private readonly EmotionClassifier classifier;

    /// <summary>Creates the probe.</summary>
    public BlockProbeHead(BlockProbeOptions options, string name = "BlockProbeHead") : base(name)
    {
        options.Validate();
        _options = options;
        classifier = new EmotionClassifier(options.InputDim, options.Hidden, options.NumClasses, options.Dropout);
        RegisterComponents();
    }

    /// <summary>The probed block index.</summary>
    public int Block => _options.Block;

    /// <summary>h [B, T, D], lengths [B] → logits [B, classes].</summary>
    public override Tensor forward(Tensor block, Tensor lengths)
    {
        SequenceMask.Check(block, lengths, $"BlockProbeHead block {_options.Block}");
        if (block.shape[2] != _options.InputDim) throw new ArgumentException($"BlockProbeHead block {_options.Block}: width {block.shape[2]}, expected {_options.InputDim}");
        using var scope = NewDisposeScope();
        var pooled = SequenceMask.MaskedMean(block, lengths);                                       // [B, D]
        return scope.MoveToOuter(classifier.forward(pooled));
    }

    /// <summary>All encoder blocks and lengths → logits of the probed block [B, classes].</summary>
    public Tensor ForwardBlocks(IReadOnlyList<Tensor> blocks, IReadOnlyList<Tensor> lengths)
    {
        if (_options.Block >= blocks.Count || _options.Block >= lengths.Count)
            throw new ArgumentException($"BlockProbeHead probes block {_options.Block} but only {blocks.Count} blocks were given");
        return forward(blocks[_options.Block], lengths[_options.Block]);
    }
}
