using Microsoft.ML;

namespace Qieemo.ML.Evaluation;

/// <summary>
/// What an estimator factory sees of a fold: the training sessions, split into the rows to fit on
/// and an optional dev split (for early stopping / model selection). The held-out test session is
/// deliberately not exposed here.
/// </summary>
public sealed class SessionFold
{
    internal SessionFold(int index, int count, string testSession, IReadOnlyList<string> trainSessions, IDataView train, IDataView? dev)
    {
        Index = index;
        Count = count;
        TestSession = testSession;
        TrainSessions = trainSessions;
        Train = train;
        Dev = dev;
    }

    /// <summary>0-based fold index (folds are ordered by session name, ordinal).</summary>
    public int Index { get; }

    /// <summary>Number of folds.</summary>
    public int Count { get; }

    /// <summary>Name of the session held out for testing in this fold.</summary>
    public string TestSession { get; }

    /// <summary>The other sessions, whose rows make up <see cref="Train"/> and <see cref="Dev"/>.</summary>
    public IReadOnlyList<string> TrainSessions { get; }

    /// <summary>The rows the estimator is fitted on (training sessions minus the dev split).</summary>
    public IDataView Train { get; }

    /// <summary>The dev split carved from the training sessions, or null when DevFraction is 0.</summary>
    public IDataView? Dev { get; }
}
