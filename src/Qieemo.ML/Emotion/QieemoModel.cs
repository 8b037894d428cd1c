using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using Qieemo.ML.Modules.Emotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Emotion;

/// <summary>
/// The whole Qieemo network of Fig. 1: the (pretrained) conformer ASR encoder, whose every block
/// output feeds the emotion head (MMF over the selected blocks → CMA with the last block's output,
/// the PPG, as keys and values → pooling → classifier).
/// </summary>
public sealed class QieemoModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ConformerEncoder encoder;
    private readonly EmotionHead head;

    /// <summary>Builds the network; the encoder is used as given (its weights are not copied).</summary>
    public QieemoModel(ConformerEncoder encoder, EmotionHeadOptions headOptions) : base(nameof(QieemoModel))
    {
        this.encoder = encoder;
        head = new EmotionHead(headOptions);
        RegisterComponents();
    }

    /// <summary>The ASR encoder (parameters named encoder.*).</summary>
    public ConformerEncoder Encoder => encoder;

    /// <summary>MMF + CMA + classifier (parameters named head.*).</summary>
    public EmotionHead Head => head;

    /// <summary>
    /// feats: [B, T, F] fbank before CMVN (CMVN is inside the encoder), zero-padded;
    /// lengths: [B] int64 valid frames. Returns logits [B, classes].
    /// </summary>
    public override Tensor forward(Tensor feats, Tensor lengths)
    {
        using var output = encoder.call(feats, lengths);
        return head.call(output.Blocks, output.BlockLengths);
    }

    /// <summary>Encoder parameters (for their own learning rate, or freezing).</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> EncoderParameters() => encoder.parameters();

    /// <summary>Head parameters (MMF, CMA, classifier).</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> HeadParameters() => head.parameters();

    /// <summary>Head options sized for an encoder: all its blocks, its width, the number of classes.</summary>
    public static EmotionHeadOptions HeadOptionsFor(EncoderConfig encoder, EmotionHeadOptions template, int numClasses)
    {
        var options = EmotionHeadOptions.FromJson(template.ToJson(), "head options");
        options.NumBlocks = encoder.NumBlocks;
        options.InputDim = encoder.OutputSize;
        options.NumClasses = numClasses;
        options.Validate();
        return options;
    }
}
