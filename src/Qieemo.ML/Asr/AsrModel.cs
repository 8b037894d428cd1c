using Qieemo.ML.Modules;
using Qieemo.ML.Modules.Asr;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Asr;

/// <summary>
/// WeNet's ASRModel for stage-1 pretraining: <c>encoder</c> (<see cref="ConformerEncoder"/>), <c>ctc</c>
/// (<see cref="CtcHead"/>) and <c>decoder</c> (<see cref="TransformerDecoder"/>), trained with the hybrid
/// CTC/attention loss. Parameter names equal WeNet's checkpoint keys (<c>encoder.*</c>, <c>ctc.ctc_lo.*</c>,
/// <c>decoder.*</c>). An encoder-only model (no heads) is allowed: it can encode, not transcribe or train.
/// </summary>
public sealed class AsrModel : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly ConformerEncoder encoder;
    private readonly CtcHead? ctc;
    private readonly TransformerDecoder? decoder;
    // Not registered: its ctc/decoder are registered directly above, under WeNet's names.
    private readonly HybridCtcAttentionLoss? _loss;

    /// <summary>Builds a freshly initialised model from <paramref name="config"/>.</summary>
    public AsrModel(AsrModelConfig config) : this(config, new ConformerEncoder(config.Encoder)) { }

    /// <summary>Wraps an existing encoder (e.g. imported from WeNet) and builds fresh heads when the config has a decoder.</summary>
    public AsrModel(AsrModelConfig config, ConformerEncoder encoderModule) : base(nameof(AsrModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(encoderModule);
        Config = config.Clone();
        Config.Encoder = encoderModule.Config.Clone();
        encoder = encoderModule;
        register_module("encoder", encoder);
        if (Config.Decoder is { } d)
        {
            if (d.AttentionDim != encoder.OutputSize)
                throw new ArgumentException($"decoder attention dim {d.AttentionDim} differs from the encoder output size {encoder.OutputSize}");
            ctc = new CtcHead("ctc", new CtcHeadOptions { InputDim = encoder.OutputSize, VocabularySize = d.VocabularySize });
            decoder = new TransformerDecoder("decoder", d);
            register_module("ctc", ctc);
            register_module("decoder", decoder);
            _loss = new HybridCtcAttentionLoss("loss", ctc, decoder, new HybridCtcAttentionLossOptions
            {
                CtcWeight = Config.CtcWeight, LabelSmoothing = Config.LabelSmoothing, LengthNormalizedLoss = Config.LengthNormalizedLoss,
            });
        }
    }

    /// <summary>The configuration (a copy; its encoder part is the encoder's own).</summary>
    public AsrModelConfig Config { get; }

    /// <summary>The encoder.</summary>
    public ConformerEncoder Encoder => encoder;

    /// <summary>The CTC head, or null for an encoder-only model.</summary>
    public CtcHead? Ctc => ctc;

    /// <summary>The attention decoder, or null for an encoder-only model.</summary>
    public TransformerDecoder? Decoder => decoder;

    /// <summary>Whether the model has the ASR heads.</summary>
    public bool HasHeads => ctc is not null;

    /// <summary>Vocabulary size of the heads (0 without heads).</summary>
    public int VocabularySize => Config.Decoder?.VocabularySize ?? 0;

    /// <summary>
    /// feats (B, T, F) before CMVN, lengths (B) int64, targets (B, S) int64 padded with −1, targetLengths (B) → scalar hybrid loss.
    /// </summary>
    public override Tensor forward(Tensor feats, Tensor lengths, Tensor targets, Tensor targetLengths)
    {
        using var result = ComputeLoss(feats, lengths, targets, targetLengths);
        return result.Loss.alias();
    }

    /// <summary>As <see cref="forward"/>, with the CTC and attention parts (shapes as there).</summary>
    public HybridLossResult ComputeLoss(Tensor feats, Tensor lengths, Tensor targets, Tensor targetLengths)
    {
        var loss = RequireHeads();
        using var scope = NewDisposeScope();
        using var output = encoder.call(feats, lengths);
        var result = loss.Compute(output.Output, output.OutputLengths, targets, targetLengths);
        result.Loss.MoveToOuterDisposeScope();
        result.Ctc?.MoveToOuterDisposeScope();
        result.Attention?.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// Decodes a padded batch: feats (B, T, F) before CMVN, lengths (B) → token ids per utterance. Switches the
    /// model to eval mode for the call and restores the previous mode.
    /// </summary>
    public int[][] Decode(Tensor feats, Tensor lengths, AsrDecodingMode mode = AsrDecodingMode.CtcGreedy, int beamSize = 10, double rescoringCtcWeight = 0.5)
    {
        RequireHeads();
        bool wasTraining = training;
        eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var output = encoder.call(feats, lengths);
            return mode switch
            {
                AsrDecodingMode.CtcGreedy => ctc!.GreedyDecode(output.Output, output.OutputLengths),
                AsrDecodingMode.AttentionRescoring => AttentionRescoring.DecodeBest(ctc!, decoder!, output.Output, output.OutputLengths,
                    new AttentionRescoringOptions { BeamSize = beamSize, CtcWeight = rescoringCtcWeight }),
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown decoding mode"),
            };
        }
        finally
        {
            if (wasTraining) train();
        }
    }

    private HybridCtcAttentionLoss RequireHeads() => _loss ?? throw new InvalidOperationException(
        "this ASR model is encoder-only (no CTC/decoder heads, e.g. imported from WeNet without them): it can encode but not transcribe or train");
}

/// <summary>How an <see cref="AsrModel"/> turns encoder output into text.</summary>
public enum AsrDecodingMode
{
    /// <summary>Argmax per frame of the CTC head, repeats merged, blanks dropped (WeNet ctc_greedy_search).</summary>
    CtcGreedy,
    /// <summary>CTC prefix beam search n-best rescored by the attention decoder (WeNet attention_rescoring).</summary>
    AttentionRescoring,
}
