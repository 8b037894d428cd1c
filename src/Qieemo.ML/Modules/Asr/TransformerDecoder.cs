using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Qieemo.ML.Modules.Asr;

/// <summary>
/// WeNet's transformer attention decoder: token embedding with absolute sinusoidal positions
/// (x * sqrt(D) + pe), N pre-LayerNorm <see cref="DecoderLayer"/>s (causal + padding self-attention,
/// source attention over the encoder output masked by its lengths, ReLU feed-forward), a final LayerNorm
/// and a Linear to the vocabulary. Parameter names follow WeNet (embed.0, decoders.i.*, after_norm,
/// output_layer), so a WeNet checkpoint's "decoder." entries load into it.
/// </summary>
public sealed class TransformerDecoder : Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly Sequential embed;
    private readonly ModuleList<DecoderLayer> decoders;
    private readonly LayerNorm after_norm;
    private readonly Linear output_layer;

    /// <summary>The options the decoder was built with.</summary>
    public TransformerDecoderOptions Options { get; }

    /// <param name="name">Module name.</param>
    /// <param name="options">Sizes and dropouts; <see cref="TransformerDecoderOptions.VocabularySize"/> is required.</param>
    public TransformerDecoder(string name, TransformerDecoderOptions options) : base(name)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        int d = options.AttentionDim;
        embed = Sequential(
            ("0", Embedding(options.VocabularySize, d)),
            ("1", new SinusoidalPositionalEncoding("pos_enc", d, options.PositionalDropoutRate, options.MaxLength)));
        decoders = new ModuleList<DecoderLayer>(Enumerable.Range(0, options.NumBlocks)
            .Select(i => new DecoderLayer($"decoders.{i}", options)).ToArray());
        after_norm = LayerNorm(d, options.LayerNormEpsilon);
        output_layer = Linear(d, options.VocabularySize);
        RegisterComponents();
    }

    /// <summary>
    /// Teacher-forced decoding.
    /// memory [B, T, D] float (encoder output), memoryLengths [B] int64,
    /// targetsIn [B, L] int64 (&lt;sos&gt; + tokens, padded with any valid id, e.g. &lt;eos&gt;),
    /// targetInLengths [B] int64 -> logits [B, L, V] (before log-softmax).
    /// Position l depends only on targetsIn[:, :l+1] and on the first memoryLengths[b] frames.
    /// </summary>
    public override Tensor forward(Tensor memory, Tensor memoryLengths, Tensor targetsIn, Tensor targetInLengths)
    {
        if (memory.dim() != 3 || memory.shape[2] != Options.AttentionDim)
            throw new ArgumentException($"memory must be [B, T, {Options.AttentionDim}], got [{string.Join(",", memory.shape)}]", nameof(memory));
        if (targetsIn.dim() != 2 || targetsIn.shape[0] != memory.shape[0])
            throw new ArgumentException($"targetsIn must be [B={memory.shape[0]}, L], got [{string.Join(",", targetsIn.shape)}]", nameof(targetsIn));
        AsrMasks.CheckLengths(memoryLengths, memory.shape[0], memory.shape[1], nameof(memoryLengths));
        AsrMasks.CheckLengths(targetInLengths, memory.shape[0], targetsIn.shape[1], nameof(targetInLengths));

        using var scope = NewDisposeScope();
        long l = targetsIn.shape[1];
        var targetMask = AsrMasks.TargetMask(targetInLengths, l);                             // [B, L, L]
        var memoryMask = AsrMasks.LengthMask(memoryLengths, memory.shape[1]).unsqueeze(1);    // [B, 1, T]
        var x = embed.forward(targetsIn.to(ScalarType.Int64));                               // [B, L, D]
        foreach (var layer in decoders) x = layer.forward(x, targetMask, memory, memoryMask);
        return output_layer.forward(after_norm.forward(x)).MoveToOuterDisposeScope();        // [B, L, V]
    }
}
