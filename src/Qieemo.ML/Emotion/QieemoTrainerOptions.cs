using System.Text.Json.Serialization;
using Qieemo.ML.Features;
using Qieemo.ML.Modules.Emotion;
using Qieemo.ML.Training;

namespace Qieemo.ML.Emotion;

/// <summary>The paper's ablations (§III.C), as one switch of the same trainer.</summary>
public enum QieemoAblation
{
    /// <summary>The full model: pretrained encoder + MMF + CMA.</summary>
    None,

    /// <summary>No CMA: the MMF features E are pooled and classified directly.</summary>
    NoCma,

    /// <summary>No MMF: only the PPG (last block) feeds CMA and the classifier.</summary>
    NoMmf,

    /// <summary>No pretraining: the same network from a randomly initialized encoder.</summary>
    NoPretrain,
}

/// <summary>Options of the Qieemo fine-tuning trainer (stage 2, §II.D), in the style of ML.NET's trainer options.</summary>
public sealed class QieemoTrainerOptions
{
    /// <summary>Frame-matrix column of fbank features before CMVN ([frames, dim] flattened, e.g. FilterbankFeatures' output).</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Label column: key-typed (after MapValueToKey) or text.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Output column of per-class probabilities.</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>Output key column of the predicted class.</summary>
    public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>Values per frame when the feature column carries no QieemoFrameDim annotation.</summary>
    public int FrameDim { get; set; } = 80;

    /// <summary>
    /// A pretrained encoder: an ASR model zip written by `qieemo pretrain` or `qieemo import-wenet`
    /// (stage 1). Null: a randomly initialized encoder of <see cref="EncoderPreset"/> (the no-pretraining ablation).
    /// </summary>
    public string? EncoderModelPath { get; set; }

    /// <summary>Preset of the random encoder when no pretrained one is given (tiny, small, efficient-v1, efficient-v2, conformer).</summary>
    public string EncoderPreset { get; set; } = "tiny";

    /// <summary>Which ablation to train (default: the full model).</summary>
    public QieemoAblation Ablation { get; set; } = QieemoAblation.None;

    /// <summary>MMF, CMA and classifier options; block count, width and classes are set from the encoder and data.</summary>
    public EmotionHeadOptions Head { get; set; } = new();

    /// <summary>Epochs over the training data (the best dev epoch is kept).</summary>
    public int Epochs { get; set; } = 12;

    /// <summary>Batches are filled up to this many padded frames (before subsampling).</summary>
    public int MaxFramesPerBatch { get; set; } = 6000;

    /// <summary>At most this many utterances per batch.</summary>
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>Peak learning rate of the head (Adam).</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>The encoder's learning rate is the head's times this (a pretrained encoder wants smaller steps).</summary>
    public double EncoderLearningRateMultiplier { get; set; } = 0.3;

    /// <summary>Linear warmup steps, then cosine decay to 5% over the run.</summary>
    public int WarmupSteps { get; set; } = 50;

    /// <summary>The encoder is frozen (learning rate 0) for this many optimizer steps, so the new head settles first.</summary>
    public int FreezeEncoderSteps { get; set; }

    /// <summary>Gradient-norm clipping.</summary>
    public double GradientClip { get; set; } = 5.0;

    /// <summary>Weight decay (AdamW when positive).</summary>
    public double WeightDecay { get; set; } = 1e-2;

    /// <summary>Weigh the loss of each class by inverse frequency (for unbalanced data).</summary>
    public bool BalanceClasses { get; set; }

    /// <summary>
    /// Share of the training rows held out (stratified, seeded) as the dev split for model selection
    /// and early stopping when Fit is given no validation data; 0 trains the last epoch's model.
    /// </summary>
    public double ValidationFraction { get; set; } = 0.15;

    /// <summary>Stop after this many epochs without a better dev UA (0 = never).</summary>
    public int Patience { get; set; } = 4;

    /// <summary>SpecAugment on training batches (null = off).</summary>
    public SpecAugmentOptions? SpecAugment { get; set; } = new() { NumTimeMasks = 2, MaxTimeMaskFrames = 20, NumFreqMasks = 2, MaxFreqMaskBins = 10 };

    /// <summary>Seed of initialization, batching, dropout and augmentation: the same seed gives the same model on CPU.</summary>
    public int Seed { get; set; }

    /// <summary>"cpu", "cuda", "cuda:N" or "auto".</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>TorchSharp intra-op threads (null = QIEEMO_THREADS or all cores).</summary>
    public int? Threads { get; set; }

    /// <summary>Folder for per-epoch checkpoints; a rerun with the same folder resumes after the last complete epoch.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Training progress (not saved).</summary>
    [JsonIgnore]
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>A copy (the progress sink is shared).</summary>
    public QieemoTrainerOptions Clone()
    {
        var copy = (QieemoTrainerOptions)MemberwiseClone();
        copy.Head = EmotionHeadOptions.FromJson(Head.ToJson(), "head options");
        copy.SpecAugment = SpecAugment?.Clone();
        return copy;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"QieemoTrainerOptions.Epochs must be at least 1 (got {Epochs})");
        if (MaxFramesPerBatch < 1 || MaxBatchSize < 1) throw new ArgumentException("QieemoTrainerOptions.MaxFramesPerBatch and MaxBatchSize must be positive");
        if (!(LearningRate > 0)) throw new ArgumentException($"QieemoTrainerOptions.LearningRate must be positive (got {LearningRate})");
        if (EncoderLearningRateMultiplier < 0) throw new ArgumentException("QieemoTrainerOptions.EncoderLearningRateMultiplier must be ≥ 0");
        if (ValidationFraction < 0 || ValidationFraction >= 1) throw new ArgumentException($"QieemoTrainerOptions.ValidationFraction must be in [0, 1) (got {ValidationFraction})");
        if (FrameDim < 1) throw new ArgumentException("QieemoTrainerOptions.FrameDim must be positive");
        if (EncoderModelPath != null && !File.Exists(EncoderModelPath))
            throw new FileNotFoundException($"{EncoderModelPath}: encoder model not found", EncoderModelPath);
    }
}
