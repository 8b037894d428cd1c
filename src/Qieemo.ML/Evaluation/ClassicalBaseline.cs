using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Features;

namespace Qieemo.ML.Evaluation;

/// <summary>Options of the classical baseline (fbank → mean+std pooling → multinomial logistic regression).</summary>
public sealed class ClassicalBaselineOptions
{
    /// <summary>Filterbank options (default: WeNet's 80-bin setting, the same features Qieemo's encoder sees).</summary>
    public KaldiFbankOptions Fbank { get; set; } = KaldiFbankOptions.WeNet();

    /// <summary>Audio is resampled to this rate first (Hz).</summary>
    public int SampleRate { get; set; } = 16000;

    /// <summary>L2 regularization of the logistic regression.</summary>
    public float L2Regularization { get; set; } = 1f;

    /// <summary>Columns of the utterance data.</summary>
    public string PathColumnName { get; set; } = "Path";

    /// <inheritdoc cref="PathColumnName"/>
    public string LabelColumnName { get; set; } = "Label";

    /// <inheritdoc cref="PathColumnName"/>
    public string SessionColumnName { get; set; } = "Session";

    /// <summary>Seed of the cross-validation (the baseline itself is deterministic).</summary>
    public int Seed { get; set; }

    /// <summary>Per-fold progress.</summary>
    public IProgress<FoldProgress>? Progress { get; set; }
}

/// <summary>
/// The reference every Qieemo report shows beside its own numbers: Kaldi fbank → utterance mean and
/// standard deviation per mel bin → z-normalization → ML.NET's LbfgsMaximumEntropy, evaluated by
/// leave-one-session-out cross-validation.
/// </summary>
public static class ClassicalBaseline
{
    /// <summary>Name of the pooled feature column.</summary>
    public const string PooledColumnName = "Pooled";

    /// <summary>
    /// The stateless front end: LoadAudio → FilterbankFeatures → PoolFrames (a fixed-size vector of
    /// 2 × mel bins). Fitting it learns nothing, so it can run once for all folds.
    /// </summary>
    public static IEstimator<ITransformer> Featurizer(MLContext ml, ClassicalBaselineOptions? options = null)
    {
        options ??= new ClassicalBaselineOptions();
        var fbank = options.Fbank.Clone();
        fbank.SampleFrequency = options.SampleRate;
        return ml.Transforms.LoadAudio("Audio", options.PathColumnName, options.SampleRate)
            .Append(ml.Transforms.FilterbankFeatures("Fbank", "Audio", fbank))
            .Append(ml.Transforms.PoolFrames(PooledColumnName, "Fbank"));
    }

    /// <summary>The trainable part: label to key → z-normalization → LbfgsMaximumEntropy → key back to label.</summary>
    public static IEstimator<ITransformer> Trainer(MLContext ml, ClassicalBaselineOptions? options = null)
    {
        options ??= new ClassicalBaselineOptions();
        return ml.Transforms.Conversion.MapValueToKey(options.LabelColumnName)
            .Append(ml.Transforms.NormalizeMeanVariance(PooledColumnName))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = options.LabelColumnName,
                FeatureColumnName = PooledColumnName,
                L2Regularization = options.L2Regularization,
                NumberOfThreads = 1,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    }

    /// <summary>
    /// Featurizes every utterance once (in memory) and cross-validates the trainer by session.
    /// </summary>
    /// <param name="ml">The ML.NET context.</param>
    /// <param name="utterances">Rows with path, label and session columns (e.g. mlContext.Data.LoadIemocap).</param>
    /// <param name="options">Options; defaults when null.</param>
    public static SessionCrossValidationResult CrossValidate(MLContext ml, IDataView utterances, ClassicalBaselineOptions? options = null)
    {
        options ??= new ClassicalBaselineOptions();
        var pooled = Featurizer(ml, options).Fit(utterances).Transform(utterances);
        var cached = ml.Data.Cache(pooled, PooledColumnName, options.LabelColumnName, options.SessionColumnName);
        return ml.MulticlassClassification.CrossValidateBySession(cached, Trainer(ml, options), options.SessionColumnName,
            options.LabelColumnName, new SessionCrossValidationOptions { DevFraction = 0, Seed = options.Seed, Progress = options.Progress });
    }
}
