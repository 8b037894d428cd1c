using Microsoft.ML;

namespace Qieemo.ML.Evaluation;

/// <summary>The outcome of one leave-one-session-out fold.</summary>
public sealed class SessionFoldResult
{
    internal SessionFoldResult(SessionFold fold, IDataView test, long trainCount, long devCount, long testCount,
        ITransformer model, IDataView scoredTest, EmotionMetrics metrics, EmotionMetrics? devMetrics)
    {
        Index = fold.Index;
        TestSession = fold.TestSession;
        TrainSessions = fold.TrainSessions;
        TrainData = fold.Train;
        DevData = fold.Dev;
        TestData = test;
        TrainCount = trainCount;
        DevCount = devCount;
        TestCount = testCount;
        Model = model;
        ScoredTest = scoredTest;
        Metrics = metrics;
        DevMetrics = devMetrics;
    }

    /// <summary>0-based fold index.</summary>
    public int Index { get; }

    /// <summary>The held-out session.</summary>
    public string TestSession { get; }

    /// <summary>The sessions the model was trained on (and whose rows form the dev split).</summary>
    public IReadOnlyList<string> TrainSessions { get; }

    /// <summary>Rows the model was fitted on.</summary>
    public IDataView TrainData { get; }

    /// <summary>Dev split rows, or null without a dev split.</summary>
    public IDataView? DevData { get; }

    /// <summary>Rows of the held-out session, unscored.</summary>
    public IDataView TestData { get; }

    /// <summary>Number of rows the model was fitted on.</summary>
    public long TrainCount { get; }

    /// <summary>Number of dev rows (0 without a dev split).</summary>
    public long DevCount { get; }

    /// <summary>Number of rows of the held-out session.</summary>
    public long TestCount { get; }

    /// <summary>The model fitted on <see cref="TrainData"/>.</summary>
    public ITransformer Model { get; }

    /// <summary>The held-out session scored by <see cref="Model"/> (lazy: re-scored when read).</summary>
    public IDataView ScoredTest { get; }

    /// <summary>Metrics on the held-out session, over the cross-validation's class list.</summary>
    public EmotionMetrics Metrics { get; }

    /// <summary>Metrics on the dev split, or null without a dev split.</summary>
    public EmotionMetrics? DevMetrics { get; }
}
