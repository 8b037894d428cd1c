using Microsoft.ML;
using Qieemo.ML.Features;
using Qieemo.ML.Models;
using Qieemo.ML.Training;

namespace Qieemo.ML.Asr;

/// <summary>
/// Options of <see cref="AsrEncoderTrainer"/> (stage-1 ASR pretraining, paper §II.A/§II.D), in the style of ML.NET
/// trainer options. Defaults follow WeNet's LibriSpeech recipes where they fit a CPU (ctc_weight 0.3,
/// lsm_weight 0.1, Adam, warmup LR, grad_clip 5, SpecAugment 2×50 frames / 2×10 bins, dither 0.1).
/// </summary>
public sealed class AsrPretrainingOptions
{
    /// <summary>Input column with audio file paths (text). Also the input column of the fitted transformer.</summary>
    public string PathColumnName { get; set; } = "Path";

    /// <summary>Column with the reference transcripts (text).</summary>
    public string TextColumnName { get; set; } = "Text";

    /// <summary>Output column of the fitted transformer (text).</summary>
    public string TranscriptColumnName { get; set; } = "Transcript";

    /// <summary>Encoder preset (<see cref="EncoderConfig.PresetNames"/>) used when <see cref="EncoderConfig"/> is null.</summary>
    public string Preset { get; set; } = "small";

    /// <summary>An explicit encoder configuration (overrides <see cref="Preset"/>).</summary>
    public EncoderConfig? EncoderConfig { get; set; }

    /// <summary>
    /// Overrides the preset's front end: <c>conv2d</c> (4× subsampling) or <c>conv2d2</c> (2×); null keeps the preset's.
    /// </summary>
    public string? InputLayer { get; set; }

    /// <summary>
    /// Whether to drop the efficient conformer's stride layers (grouped attention stays), so that the output frame rate is
    /// the front end's (40 ms with conv2d). English characters come at ~15–17 per second, which CTC cannot align at the
    /// 80 ms frames of the small/tiny presets (conv2d 4× and one stride-2 layer). null (default) = automatic: keep them
    /// unless more than <see cref="MaxCtcInfeasibleFraction"/> of the training utterances cannot be aligned, then drop them
    /// (reported through <see cref="Progress"/>); true = always drop; false = keep (the trainer then refuses unalignable data).
    /// </summary>
    public bool? RemoveStrideLayers { get; set; }

    /// <summary>Largest fraction of training utterances allowed to be too long for CTC at the encoder's frame rate (they add no CTC loss).</summary>
    public double MaxCtcInfeasibleFraction { get; set; } = 0.05;

    /// <summary>Decoder blocks (WeNet decoder_conf.num_blocks).</summary>
    public int DecoderBlocks { get; set; } = 2;

    /// <summary>Decoder feed-forward width; 0 = the encoder's linear_units.</summary>
    public int DecoderLinearUnits { get; set; }

    /// <summary>Decoder attention heads; 0 = the encoder's.</summary>
    public int DecoderHeads { get; set; }

    /// <summary>Decoder dropout (WeNet dropout_rate).</summary>
    public double DecoderDropout { get; set; } = 0.1;

    /// <summary>WeNet ctc_weight.</summary>
    public double CtcWeight { get; set; } = 0.3;

    /// <summary>WeNet lsm_weight.</summary>
    public double LabelSmoothing { get; set; } = 0.1;

    /// <summary>Maximum number of epochs.</summary>
    public int Epochs { get; set; } = 20;

    /// <summary>Stop after the epoch during which this much training time (this run, since start or resume) has passed; null = no budget.</summary>
    public TimeSpan? MaxTrainingTime { get; set; }

    /// <summary>Most padded input frames per batch (WeNet batch_type: dynamic, max_frames_in_batch).</summary>
    public int MaxFramesPerBatch { get; set; } = 12000;

    /// <summary>Most utterances per batch.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Peak learning rate of Adam (reached after <see cref="WarmupSteps"/>).</summary>
    public double LearningRate { get; set; } = 2e-3;

    /// <summary>Warmup updates of WeNet's WarmupLR (lr·min(step/warmup, sqrt(warmup/step))).</summary>
    public int WarmupSteps { get; set; } = 200;

    /// <summary>Gradient norm clip (WeNet grad_clip).</summary>
    public double GradClip { get; set; } = 5.0;

    /// <summary>Micro-batches per update (WeNet accum_grad).</summary>
    public int AccumGrad { get; set; } = 1;

    /// <summary>Whether SpecAugment is applied to training features.</summary>
    public bool UseSpecAugment { get; set; } = true;

    /// <summary>SpecAugment settings (its seed is ignored: masks are drawn from (Seed, epoch)).</summary>
    public SpecAugmentOptions SpecAugment { get; set; } = new();

    /// <summary>Dither added to training waveforms before fbank (in 16-bit sample units, WeNet 0.1); never at inference.</summary>
    public double Dither { get; set; } = 0.1;

    /// <summary>Seed of every random choice (initialisation, batch order, SpecAugment, dither, dropout).</summary>
    public int Seed { get; set; } = 777;

    /// <summary>"cpu", "cuda" or "auto".</summary>
    public string Device { get; set; } = "auto";

    /// <summary>TorchSharp intra-op threads; 0 = leave as is.</summary>
    public int Threads { get; set; }

    /// <summary>Folder for per-epoch checkpoints; when it already holds checkpoints of this run, training resumes after the newest. Null: no checkpoints.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Average the weights of the last N epoch checkpoints at the end (WeNet average_num); 1 = the last epoch as is. Needs checkpoints when above 1.</summary>
    public int AverageLastN { get; set; } = 3;

    /// <summary>Held-out data (Path + Text) scored after every epoch: loss and CER/WER by CTC greedy decoding.</summary>
    public IDataView? ValidationData { get; set; }

    /// <summary>Receives progress reports (stage, epoch, step, running loss, learning rate, ETA, messages such as "resuming from epoch 2").</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Receives one line per finished epoch (also written in the checkpoint manifest).</summary>
    public IProgress<AsrEpochReport>? EpochProgress { get; set; }

    /// <summary>Decoding of the fitted transformer.</summary>
    public AsrDecodingMode Decoding { get; set; } = AsrDecodingMode.CtcGreedy;

    /// <summary>Beam of attention rescoring.</summary>
    public int BeamSize { get; set; } = 10;

    /// <summary>Upper-case the transcripts before tokenisation (LibriSpeech is upper-case already).</summary>
    public bool UpperCaseText { get; set; } = true;

    internal void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, got {Epochs}");
        if (MaxFramesPerBatch < 1 || BatchSize < 1) throw new ArgumentException("MaxFramesPerBatch and BatchSize must be positive");
        if (!(LearningRate > 0)) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}");
        if (WarmupSteps < 1) throw new ArgumentException($"WarmupSteps must be at least 1, got {WarmupSteps}");
        if (AccumGrad < 1) throw new ArgumentException($"AccumGrad must be at least 1, got {AccumGrad}");
        if (GradClip < 0) throw new ArgumentException($"GradClip must not be negative, got {GradClip}");
        if (AverageLastN < 1) throw new ArgumentException($"AverageLastN must be at least 1, got {AverageLastN}");
        if (AverageLastN > 1 && CheckpointDirectory is null) throw new ArgumentException("AverageLastN > 1 needs a CheckpointDirectory");
        if (CtcWeight < 0 || CtcWeight > 1) throw new ArgumentException($"CtcWeight must lie in [0, 1], got {CtcWeight}");
        if (Dither < 0) throw new ArgumentException($"Dither must not be negative, got {Dither}");
        if (Threads < 0) throw new ArgumentException($"Threads must not be negative, got {Threads}");
        if (DecoderBlocks < 0) throw new ArgumentException($"DecoderBlocks must not be negative, got {DecoderBlocks}");
        if (MaxTrainingTime is { } t && t <= TimeSpan.Zero) throw new ArgumentException("MaxTrainingTime must be positive");
    }

    /// <summary>The encoder configuration these options select.</summary>
    public EncoderConfig ResolveEncoderConfig()
    {
        var c = (EncoderConfig ?? Models.EncoderConfig.Preset(Preset)).Clone();
        if (InputLayer is not null) c.InputLayer = InputLayer;
        if (RemoveStrideLayers == true)
        {
            c.StrideLayerIdx = Array.Empty<int>();
            c.Stride = Array.Empty<int>();
        }
        c.Validate();
        return c;
    }
}

/// <summary>Metrics of one finished epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean hybrid loss over the epoch's training batches (per utterance-weighted batch mean).</param>
/// <param name="DevLoss">Hybrid loss on the validation data (NaN without).</param>
/// <param name="DevCer">Character error rate (fraction) by CTC greedy decoding (NaN without validation data).</param>
/// <param name="DevWer">Word error rate (fraction).</param>
/// <param name="Seconds">Wall time of the epoch (training and validation).</param>
/// <param name="ElapsedSeconds">Wall time since this run started.</param>
public sealed record AsrEpochReport(int Epoch, double TrainLoss, double DevLoss, double DevCer, double DevWer, double Seconds, double ElapsedSeconds);
