using Microsoft.ML;
using Microsoft.ML.Data;

namespace Qieemo.ML.Evaluation;

/// <summary>
/// Leave-one-session-out cross-validation (the standard IEMOCAP protocol) for ML.NET multiclass
/// pipelines: one fold per distinct session, each holding out exactly that session for testing.
/// </summary>
/// <remarks>
/// ML.NET's own <c>MulticlassClassificationCatalog.CrossValidate(..., samplingKeyColumnName)</c> cannot
/// do this: it hashes the sampling key into <c>numberOfFolds</c> buckets, so with 5 sessions and 5 folds
/// some folds receive two or three sessions and others none (uneven or empty test folds), and which
/// session lands where is an accident of the hash (with Microsoft.ML 5.0.1 and IEMOCAP-style session
/// names, seeds 0 to 4 all leave at least one fold empty; see the tests). Here fold i holds out the i-th session in ordinal order, every
/// session is held out exactly once, and the optional dev split is carved from the training sessions only.
/// </remarks>
public static class SessionCrossValidationExtensions
{
    /// <summary>Leave-one-session-out cross-validation of one estimator (fitted afresh in every fold).</summary>
    /// <param name="catalog">The multiclass catalog (<c>mlContext.MulticlassClassification</c>).</param>
    /// <param name="data">All utterances; must contain the session and label columns.</param>
    /// <param name="estimator">The pipeline to fit per fold; it must produce the label column (key-typed or text)
    /// and <see cref="SessionCrossValidationOptions.PredictedLabelColumnName"/>.</param>
    /// <param name="sessionColumnName">Scalar column naming each row's session (text, number or key).</param>
    /// <param name="labelColumnName">The label column (text, number or key), as in the data and in the scored output.</param>
    /// <param name="options">Dev split, seed and progress; defaults when null.</param>
    /// <exception cref="ArgumentException">A column is missing or unsupported, there are fewer than 2 sessions, or options are invalid.</exception>
    /// <exception cref="InvalidDataException">A row has no session, a session (key value) has no rows, or the labels are all missing.</exception>
    public static SessionCrossValidationResult CrossValidateBySession(this MulticlassClassificationCatalog catalog, IDataView data,
        IEstimator<ITransformer> estimator, string sessionColumnName = "Session", string labelColumnName = "Label",
        SessionCrossValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return catalog.CrossValidateBySession(data, _ => estimator, sessionColumnName, labelColumnName, options);
    }

    /// <summary>
    /// Leave-one-session-out cross-validation with a per-fold estimator factory, which receives the
    /// fold's train and dev views so that trainers with early stopping or model selection can use the dev split.
    /// </summary>
    /// <param name="catalog">The multiclass catalog (<c>mlContext.MulticlassClassification</c>).</param>
    /// <param name="data">All utterances; must contain the session and label columns.</param>
    /// <param name="estimatorFactory">Builds the estimator of a fold; it is then fitted on <see cref="SessionFold.Train"/>.
    /// The fitted model must produce the label column (key-typed or text) and
    /// <see cref="SessionCrossValidationOptions.PredictedLabelColumnName"/>.</param>
    /// <param name="sessionColumnName">Scalar column naming each row's session (text, number or key).</param>
    /// <param name="labelColumnName">The label column (text, number or key), as in the data and in the scored output.</param>
    /// <param name="options">Dev split, seed and progress; defaults when null.</param>
    /// <exception cref="ArgumentException">A column is missing or unsupported, there are fewer than 2 sessions, or options are invalid.</exception>
    /// <exception cref="InvalidDataException">A row has no session, a session (key value) has no rows, the labels are all
    /// missing, or a scored fold has a label or prediction outside the data's classes.</exception>
    public static SessionCrossValidationResult CrossValidateBySession(this MulticlassClassificationCatalog catalog, IDataView data,
        Func<SessionFold, IEstimator<ITransformer>> estimatorFactory, string sessionColumnName = "Session", string labelColumnName = "Label",
        SessionCrossValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(estimatorFactory);
        ArgumentException.ThrowIfNullOrEmpty(sessionColumnName);
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        options ??= new SessionCrossValidationOptions();
        if (!(options.DevFraction >= 0 && options.DevFraction < 1))
            throw new ArgumentException($"DevFraction must be in [0, 1); got {options.DevFraction}.", nameof(options));
        bool bySpeaker = options.DevFraction > 0 && options.DevSplitBy == DevSplitMode.Speaker;

        foreach (string name in bySpeaker ? new[] { sessionColumnName, labelColumnName, options.SpeakerColumnName } : new[] { sessionColumnName, labelColumnName })
            if (data.Schema.GetColumnOrNull(name) == null)
                throw new ArgumentException(
                    $"The data has no column '{name}' (columns: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).",
                    nameof(data));

        var columns = LabelColumnReader.Read(data,
            bySpeaker ? new[] { sessionColumnName, labelColumnName, options.SpeakerColumnName } : new[] { sessionColumnName, labelColumnName });
        LabelColumn sessionColumn = columns[0], labelColumn = columns[1];
        string?[]? speakers = bySpeaker ? columns[2].Values : null;

        var sessionOfRow = sessionColumn.Values;
        for (int r = 0; r < sessionOfRow.Length; r++)
            if (sessionOfRow[r] == null)
                throw new InvalidDataException($"Row {r} has a missing value in session column '{sessionColumnName}'.");
        var rowsBySession = new SortedDictionary<string, List<long>>(StringComparer.Ordinal);
        for (int r = 0; r < sessionOfRow.Length; r++)
        {
            if (!rowsBySession.TryGetValue(sessionOfRow[r]!, out var list)) rowsBySession[sessionOfRow[r]!] = list = new List<long>();
            list.Add(r);
        }
        if (sessionColumn.KeyValueNames != null)
            foreach (string s in sessionColumn.KeyValueNames)
                if (!rowsBySession.ContainsKey(s))
                    throw new InvalidDataException($"Session '{s}' (a key value of column '{sessionColumnName}') has no rows.");
        if (rowsBySession.Count < 2)
            throw new ArgumentException(
                $"Leave-one-session-out needs at least 2 sessions; column '{sessionColumnName}' has {rowsBySession.Count}" +
                (rowsBySession.Count == 1 ? $" ('{rowsBySession.Keys.First()}')." : "."), nameof(data));

        var classNames = labelColumn.Classes();
        if (classNames.Count == 0)
            throw new InvalidDataException($"Label column '{labelColumnName}' has no non-missing values.");

        var sessions = rowsBySession.Keys.ToArray();
        var folds = new List<SessionFoldResult>(sessions.Length);
        for (int i = 0; i < sessions.Length; i++)
        {
            string testSession = sessions[i];
            var trainSessions = sessions.Where(s => s != testSession).ToArray();
            var testRows = rowsBySession[testSession];
            var trainingSessionRows = trainSessions.SelectMany(s => rowsBySession[s]).Order().ToArray();
            var devRows = DevSplitter.Split(trainingSessionRows, labelColumn.Values, speakers, options, i, testSession);
            var fitRows = trainingSessionRows.Where(r => !devRows.Contains(r)).ToArray();

            var train = new RowSubsetDataView(data, fitRows);
            var dev = devRows.Count > 0 ? new RowSubsetDataView(data, devRows.Order()) : null;
            var test = new RowSubsetDataView(data, testRows);
            var fold = new SessionFold(i, sessions.Length, testSession, trainSessions, train, dev);

            options.Progress?.Report(new FoldProgress(i, sessions.Length, testSession, FoldStage.Training));
            var fitted = estimatorFactory(fold)
                ?? throw new InvalidOperationException($"The estimator factory returned null for the fold holding out '{testSession}'.");
            ITransformer model = fitted.Fit(train);

            options.Progress?.Report(new FoldProgress(i, sessions.Length, testSession, FoldStage.Evaluating));
            IDataView scored = model.Transform(test);
            var metrics = Evaluate(scored, labelColumnName, options.PredictedLabelColumnName, classNames, testSession, "test");
            var devMetrics = dev == null ? null
                : Evaluate(model.Transform(dev), labelColumnName, options.PredictedLabelColumnName, classNames, testSession, "dev");

            folds.Add(new SessionFoldResult(fold, test, fitRows.Length, devRows.Count, testRows.Count, model, scored, metrics, devMetrics));
            options.Progress?.Report(new FoldProgress(i, sessions.Length, testSession, FoldStage.Completed, metrics));
        }
        return new SessionCrossValidationResult(classNames, folds);
    }

    private static EmotionMetrics Evaluate(IDataView scored, string label, string predicted, IReadOnlyList<string> classNames,
        string testSession, string split)
    {
        try
        {
            return EmotionMetrics.FromScoredData(scored, label, predicted, classNames);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"Fold holding out '{testSession}', {split} split: {e.Message}", e);
        }
    }
}
