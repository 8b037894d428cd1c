using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// Everything a <see cref="ConformerEncoder"/> forward produces: the front-end output, every
/// block's output (the tensor the next block receives) with its valid lengths, and the final
/// normalised output. Valid frames are a prefix of each row; padded frames hold whatever the
/// encoder computes there (not zeros). Dispose to free the tensors.
/// </summary>
public sealed class EncoderOutput : IDisposable
{
    /// <summary>Creates the output record (takes ownership of the tensors).</summary>
    public EncoderOutput(Tensor embed, Tensor embedLengths, IReadOnlyList<Tensor> blocks, IReadOnlyList<Tensor> blockLengths,
        Tensor output, Tensor outputLengths)
    {
        if (blocks.Count != blockLengths.Count)
            throw new ArgumentException($"{blocks.Count} block outputs but {blockLengths.Count} length tensors");
        Embed = embed;
        EmbedLengths = embedLengths;
        Blocks = blocks;
        BlockLengths = blockLengths;
        Output = output;
        OutputLengths = outputLengths;
    }

    /// <summary>Front-end (subsampling) output (B, T₀, D), already scaled by sqrt(D).</summary>
    public Tensor Embed { get; }

    /// <summary>Valid frames of <see cref="Embed"/> per utterance, int64 (B).</summary>
    public Tensor EmbedLengths { get; }

    /// <summary>Output of block i (B, Tᵢ, D), before the encoder's final layer norm.</summary>
    public IReadOnlyList<Tensor> Blocks { get; }

    /// <summary>Valid frames of block i's output per utterance, int64 (B).</summary>
    public IReadOnlyList<Tensor> BlockLengths { get; }

    /// <summary>Final encoder output after <c>after_norm</c> (B, T_L, D).</summary>
    public Tensor Output { get; }

    /// <summary>Valid frames of <see cref="Output"/> per utterance, int64 (B).</summary>
    public Tensor OutputLengths { get; }

    /// <summary>The mask (B, 1, T) of valid frames for the given lengths.</summary>
    public static Tensor MaskFromLengths(Tensor lengths, long frames) =>
        arange(frames, dtype: ScalarType.Int64, device: lengths.device).unsqueeze(0).lt(lengths.unsqueeze(1)).unsqueeze(1);

    /// <inheritdoc />
    public void Dispose()
    {
        Embed.Dispose();
        EmbedLengths.Dispose();
        foreach (var b in Blocks) b.Dispose();
        foreach (var l in BlockLengths) l.Dispose();
        Output.Dispose();
        OutputLengths.Dispose();
    }
}
