namespace Qieemo.ML.Evaluation;

/// <summary>How the development (validation) split is carved out of a fold's training sessions.</summary>
public enum DevSplitMode
{
    /// <summary>
    /// Random utterances, stratified by label: each label keeps its share, and the dev split has
    /// exactly round(DevFraction × training rows) rows. Needs no speaker column. Dev utterances share
    /// speakers with the training utterances, so dev scores are optimistic.
    /// </summary>
    StratifiedUtterances,

    /// <summary>
    /// Whole speakers (<see cref="SessionCrossValidationOptions.SpeakerColumnName"/>) of the training
    /// sessions, chosen at random until the dev split is as close as possible to DevFraction of the
    /// training rows; at least one speaker goes to dev and at least one stays in training. A
    /// speaker-independent dev split, closer to the held-out test condition.
    /// </summary>
    Speaker,
}

/// <summary>Options of <see cref="SessionCrossValidationExtensions.CrossValidateBySession(Microsoft.ML.MulticlassClassificationCatalog, Microsoft.ML.IDataView, Microsoft.ML.IEstimator{Microsoft.ML.ITransformer}, string, string, SessionCrossValidationOptions?)"/>.</summary>
public sealed class SessionCrossValidationOptions
{
    /// <summary>
    /// Fraction of each fold's training rows moved to a development split (for early stopping and
    /// model selection), in [0, 1). 0 = no dev split. Default 0.2.
    /// </summary>
    public double DevFraction { get; set; } = 0.2;

    /// <summary>Seed of the dev split (each fold derives its own generator from it). Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// How the dev split is chosen. Default <see cref="DevSplitMode.StratifiedUtterances"/>, because it
    /// works on any data set and keeps the class balance; use <see cref="DevSplitMode.Speaker"/> for a
    /// speaker-independent dev split when a speaker column exists (IEMOCAP: 2 speakers per session).
    /// </summary>
    public DevSplitMode DevSplitBy { get; set; } = DevSplitMode.StratifiedUtterances;

    /// <summary>Speaker column, used only with <see cref="DevSplitMode.Speaker"/>. Default "Speaker".</summary>
    public string SpeakerColumnName { get; set; } = "Speaker";

    /// <summary>Name of the predicted-label column the fitted model produces. Default "PredictedLabel".</summary>
    public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>Receives a report when each fold starts training, starts evaluating and completes.</summary>
    public IProgress<FoldProgress>? Progress { get; set; }
}
