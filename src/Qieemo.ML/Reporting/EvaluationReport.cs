using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Reporting;

/// <summary>
/// Everything an evaluation run reports, as one JSON-serializable object: the dataset, the model's
/// leave-one-session-out cross-validation (per fold, mean ± std, pooled, confusion matrix), learning
/// curves, MMF block weights, the classical baseline, ablations, the block-probe table, configuration,
/// timings and environment. <see cref="ReportWriter"/> renders it as JSON, Markdown and HTML with charts.
/// </summary>
/// <remarks>
/// <para>JSON contract (other tools read it; the names and meanings are fixed): the top level of
/// <see cref="ToJson"/> always has <c>folds</c> (<c>[{"test_session", "wa", "ua", "wf1", ...}]</c>),
/// <c>mean</c> and <c>std</c> (<c>{"wa", "ua", "wf1"}</c>, std = sample std, ddof = 1),
/// <c>baseline</c> (<c>{"mean": {"wa", "ua", "wf1"}, ...}</c>, or <c>null</c> when no baseline was set)
/// and <c>block_weights</c> (one array per fold, in fold order; <c>[]</c> when not set). All metrics are
/// fractions in [0, 1]. Other fields sit beside these.</para>
/// <para>Build it with <see cref="FromCrossValidation"/>, then add the optional parts with the
/// <c>Set…</c>/<c>Add…</c> methods, which validate their arguments; parts left empty are omitted from
/// the Markdown and HTML renderings.</para>
/// </remarks>
public sealed class EvaluationReport
{
    /// <summary>Report title.</summary>
    [JsonPropertyName("title")] public string Title { get; set; } = "Speech emotion recognition";

    /// <summary>Name of the evaluated model, e.g. "Qieemo MMF + CMA".</summary>
    [JsonPropertyName("model_name")] public string ModelName { get; set; } = "Model";

    /// <summary>When the report was made (UTC), or null.</summary>
    [JsonPropertyName("generated_at")] public DateTimeOffset? GeneratedAt { get; set; }

    /// <summary>The model's per-fold results, in fold order (contract field).</summary>
    [JsonPropertyName("folds")] public List<FoldReport> Folds { get; init; } = new();

    /// <summary>Mean over folds of WA/UA/WF1 (contract field).</summary>
    [JsonPropertyName("mean")] public MetricValues Mean { get; set; } = new(0, 0, 0);

    /// <summary>Sample standard deviation (ddof = 1) over folds of WA/UA/WF1 (contract field).</summary>
    [JsonPropertyName("std")] public MetricValues Std { get; set; } = new(0, 0, 0);

    /// <summary>The classical baseline, or null (contract field: written as null when absent).</summary>
    [JsonPropertyName("baseline")] public BaselineReport? Baseline { get; set; }

    /// <summary>MMF block weights, one row per fold in <see cref="Folds"/> order, one column per
    /// <see cref="BlockIndices"/> entry; empty when not set (contract field).</summary>
    [JsonPropertyName("block_weights")] public double[][] BlockWeights { get; set; } = Array.Empty<double[]>();

    /// <summary>Encoder block index of each column of <see cref="BlockWeights"/>.</summary>
    [JsonPropertyName("block_indices")] public int[] BlockIndices { get; set; } = Array.Empty<int>();

    /// <summary>Population standard deviation (ddof = 0) over folds of WA/UA/WF1.</summary>
    [JsonPropertyName("population_std")] public MetricValues? PopulationStd { get; set; }

    /// <summary>Class names, in the order of every confusion matrix and per-class list.</summary>
    [JsonPropertyName("class_names")] public List<string> ClassNames { get; init; } = new();

    /// <summary>Confusion matrices of all folds summed, [true class][predicted class].</summary>
    [JsonPropertyName("confusion_matrix")] public long[][] ConfusionMatrix { get; set; } = Array.Empty<long[]>();

    /// <summary>Metrics of all folds' predictions pooled, or null.</summary>
    [JsonPropertyName("pooled")] public PooledReport? Pooled { get; set; }

    /// <summary>The evaluated data, or null.</summary>
    [JsonPropertyName("dataset")] public DatasetSummary? Dataset { get; set; }

    /// <summary>Learning curve of each fold's training run (those that were recorded).</summary>
    [JsonPropertyName("learning_curves")] public List<FoldLearningCurve> LearningCurves { get; init; } = new();

    /// <summary>Ablation rows, in the order added.</summary>
    [JsonPropertyName("ablations")] public List<AblationRow> Ablations { get; init; } = new();

    /// <summary>Block-probe rows (the paper's Table I), in block order.</summary>
    [JsonPropertyName("block_probes")] public List<BlockProbeRow> BlockProbes { get; init; } = new();

    /// <summary>Free-form configuration (hyper-parameters, paths, seeds): name → value.</summary>
    [JsonPropertyName("configuration")] public Dictionary<string, object?> Configuration { get; init; } = new();

    /// <summary>Wall-clock timings in seconds: name → seconds.</summary>
    [JsonPropertyName("timings")] public Dictionary<string, double> Timings { get; init; } = new();

    /// <summary>Where it ran, or null.</summary>
    [JsonPropertyName("environment")] public EnvironmentInfo? Environment { get; set; }

    /// <summary>
    /// A report holding the metrics of a leave-one-session-out cross-validation: folds, mean, std
    /// (sample and population), pooled metrics, the summed confusion matrix and the class names.
    /// </summary>
    /// <param name="result">The model's cross-validation.</param>
    /// <param name="title">Report title.</param>
    /// <param name="modelName">Name of the model.</param>
    /// <param name="dataset">Dataset summary; when null one is derived from the folds (utterances, per-session and per-label counts).</param>
    public static EvaluationReport FromCrossValidation(SessionCrossValidationResult result, string title = "Speech emotion recognition",
        string modelName = "Model", DatasetSummary? dataset = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(modelName);
        var pooled = result.Pooled;
        return new EvaluationReport
        {
            Title = title,
            ModelName = modelName,
            GeneratedAt = DateTimeOffset.UtcNow,
            Folds = result.Folds.Select(FoldReport.From).ToList(),
            Mean = MetricValues.From(result.Mean),
            Std = MetricValues.From(result.Std),
            PopulationStd = MetricValues.From(result.PopulationStd),
            ClassNames = result.ClassNames.ToList(),
            ConfusionMatrix = ReportMatrix.ToJagged(result.ConfusionMatrix),
            Pooled = PooledReport.From(pooled),
            Dataset = dataset ?? new DatasetSummary
            {
                Utterances = pooled.Count,
                Sessions = result.Folds.ToDictionary(f => f.TestSession, f => f.TestCount),
                Labels = pooled.PerClass.ToDictionary(c => c.Name, c => c.Support),
            },
        };
    }

    /// <summary>Sets the classical baseline from its own cross-validation (same protocol as the model's).</summary>
    public EvaluationReport SetBaseline(string name, SessionCrossValidationResult baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        return SetBaseline(name, MetricValues.From(baseline.Mean), MetricValues.From(baseline.Std),
            baseline.Folds.Select(f => new BaselineFold(f.TestSession, f.Metrics.WeightedAccuracy, f.Metrics.UnweightedAccuracy, f.Metrics.WeightedF1)));
    }

    /// <summary>Sets the classical baseline from its numbers.</summary>
    /// <param name="name">Short description of the baseline.</param>
    /// <param name="mean">Mean over folds.</param>
    /// <param name="std">Sample std over folds, or null.</param>
    /// <param name="folds">Per-fold values, or null.</param>
    /// <exception cref="ArgumentException">A per-fold value is not finite.</exception>
    public EvaluationReport SetBaseline(string name, MetricValues mean, MetricValues? std = null, IEnumerable<BaselineFold>? folds = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(mean);
        var list = folds?.ToList() ?? new List<BaselineFold>();
        foreach (var f in list)
            _ = new MetricValues(f.Wa, f.Ua, f.Wf1); // finite check, with the metric's name in the message
        Baseline = new BaselineReport { Name = name, Mean = mean, Std = std, Folds = list };
        return this;
    }

    /// <summary>Records the learning curve of the fold that held out <paramref name="testSession"/> (replacing an earlier one).</summary>
    /// <exception cref="ArgumentException">The session is not one of the folds, there are no points, or epochs do not increase.</exception>
    public EvaluationReport AddLearningCurve(string testSession, IEnumerable<LearningCurvePoint> points)
    {
        ArgumentNullException.ThrowIfNull(testSession);
        ArgumentNullException.ThrowIfNull(points);
        if (Folds.Count > 0 && Folds.All(f => f.TestSession != testSession))
            throw new ArgumentException(
                $"No fold holds out session '{testSession}' (folds: {string.Join(", ", Folds.Select(f => f.TestSession))}).", nameof(testSession));
        var list = points.ToList();
        if (list.Count == 0) throw new ArgumentException($"The learning curve of '{testSession}' has no points.", nameof(points));
        for (int i = 1; i < list.Count; i++)
            if (list[i].Epoch <= list[i - 1].Epoch)
                throw new ArgumentException(
                    $"The learning curve of '{testSession}': epoch {list[i].Epoch} (point {i}) does not follow epoch {list[i - 1].Epoch}.", nameof(points));
        LearningCurves.RemoveAll(c => c.TestSession == testSession);
        LearningCurves.Add(new FoldLearningCurve { TestSession = testSession, Points = list });
        // Keep fold order so charts and tables list folds consistently.
        LearningCurves.Sort((a, b) => FoldOrder(a.TestSession).CompareTo(FoldOrder(b.TestSession)));
        return this;
    }

    /// <summary>Sets the MMF block weights of every fold.</summary>
    /// <param name="weightsPerFold">One row per fold, in <see cref="Folds"/> order; every row as long as <paramref name="blockIndices"/>.</param>
    /// <param name="blockIndices">Encoder block index of each column; null = 0, 1, 2, ….</param>
    /// <exception cref="ArgumentException">The number of rows differs from the number of folds, rows differ in length,
    /// a value is not finite, or block indices repeat.</exception>
    public EvaluationReport SetBlockWeights(IReadOnlyList<IReadOnlyList<double>> weightsPerFold, IReadOnlyList<int>? blockIndices = null)
    {
        ArgumentNullException.ThrowIfNull(weightsPerFold);
        if (weightsPerFold.Count == 0) throw new ArgumentException("There are no block-weight rows.", nameof(weightsPerFold));
        if (Folds.Count > 0 && weightsPerFold.Count != Folds.Count)
            throw new ArgumentException($"There are {weightsPerFold.Count} block-weight rows but {Folds.Count} folds.", nameof(weightsPerFold));
        int width = blockIndices?.Count ?? weightsPerFold[0].Count;
        if (width == 0) throw new ArgumentException("Block-weight rows are empty.", nameof(weightsPerFold));
        var indices = blockIndices?.ToArray() ?? Enumerable.Range(0, width).ToArray();
        if (indices.Distinct().Count() != indices.Length)
            throw new ArgumentException($"Block indices repeat: [{string.Join(", ", indices)}].", nameof(blockIndices));
        var rows = new double[weightsPerFold.Count][];
        for (int f = 0; f < rows.Length; f++)
        {
            var row = weightsPerFold[f] ?? throw new ArgumentException($"Block-weight row {f} is null.", nameof(weightsPerFold));
            if (row.Count != width)
                throw new ArgumentException($"Block-weight row {f} has {row.Count} values but there are {width} blocks.", nameof(weightsPerFold));
            rows[f] = new double[width];
            for (int b = 0; b < width; b++)
                rows[f][b] = ReportValidation.Finite(row[b], $"block weight [{f}][{b}]");
        }
        BlockWeights = rows;
        BlockIndices = indices;
        return this;
    }

    /// <summary>Adds an ablation row.</summary>
    public EvaluationReport AddAblation(string name, MetricValues mean, MetricValues? std = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(mean);
        Ablations.Add(new AblationRow(name, mean, std));
        return this;
    }

    /// <summary>Adds an ablation row from the variant's cross-validation.</summary>
    public EvaluationReport AddAblation(string name, SessionCrossValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return AddAblation(name, MetricValues.From(result.Mean), MetricValues.From(result.Std));
    }

    /// <summary>Adds (or replaces) the probe row of one encoder block; rows are kept in block order.</summary>
    /// <exception cref="ArgumentException">The block index is negative.</exception>
    public EvaluationReport AddBlockProbe(int block, MetricValues mean, MetricValues std)
    {
        if (block < 0) throw new ArgumentException($"Block index must be >= 0; got {block}.", nameof(block));
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        BlockProbes.RemoveAll(r => r.Block == block);
        BlockProbes.Add(new BlockProbeRow(block, mean, std));
        BlockProbes.Sort((a, b) => a.Block.CompareTo(b.Block));
        return this;
    }

    /// <summary>Adds the probe row of one encoder block from the probe's cross-validation.</summary>
    public EvaluationReport AddBlockProbe(int block, SessionCrossValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return AddBlockProbe(block, MetricValues.From(result.Mean), MetricValues.From(result.Std));
    }

    /// <summary>Sets one configuration entry (any JSON-serializable value).</summary>
    public EvaluationReport SetConfiguration(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Configuration[name] = value;
        return this;
    }

    /// <summary>Records a timing in seconds.</summary>
    /// <exception cref="ArgumentException">The time is negative or not finite.</exception>
    public EvaluationReport AddTiming(string name, double seconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!(ReportValidation.Finite(seconds, nameof(seconds)) >= 0))
            throw new ArgumentException($"Timing '{name}' is negative: {seconds.ToString(CultureInfo.InvariantCulture)} s.", nameof(seconds));
        Timings[name] = seconds;
        return this;
    }

    /// <summary>Records a timing.</summary>
    public EvaluationReport AddTiming(string name, TimeSpan elapsed) => AddTiming(name, elapsed.TotalSeconds);

    /// <summary>The report as JSON (snake_case names; see the class remarks for the fixed contract fields).</summary>
    /// <exception cref="InvalidOperationException">The report is inconsistent (see <see cref="Validate"/>).</exception>
    public string ToJson(bool indented = true)
    {
        Validate();
        return JsonSerializer.Serialize(this, indented ? ReportJson.Indented : ReportJson.Compact);
    }

    /// <summary>Reads a report written by <see cref="ToJson"/>. Configuration values come back as <see cref="JsonElement"/>s.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid report.</exception>
    public static EvaluationReport FromJson(string json, string source = "report JSON")
    {
        ArgumentNullException.ThrowIfNull(json);
        EvaluationReport? report;
        try
        {
            report = JsonSerializer.Deserialize<EvaluationReport>(json, ReportJson.Compact);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid evaluation report (line {e.LineNumber + 1}): {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: not a valid evaluation report: {e.Message}", e);
        }
        if (report == null) throw new InvalidDataException($"{source}: the JSON is 'null', not an evaluation report.");
        try
        {
            report.Validate();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        return report;
    }

    /// <summary>Checks that the parts agree: block-weight rows match the folds and the block indices,
    /// confusion matrices are square over <see cref="ClassNames"/>, learning curves name existing folds.</summary>
    /// <exception cref="InvalidOperationException">They do not.</exception>
    public void Validate()
    {
        if (Folds.Count == 0) throw new InvalidOperationException("The report has no folds.");
        if (BlockWeights.Length > 0)
        {
            if (BlockWeights.Length != Folds.Count)
                throw new InvalidOperationException($"block_weights has {BlockWeights.Length} rows but there are {Folds.Count} folds.");
            for (int f = 0; f < BlockWeights.Length; f++)
                if (BlockWeights[f] == null || BlockWeights[f].Length != BlockIndices.Length)
                    throw new InvalidOperationException(
                        $"block_weights row {f} has {BlockWeights[f]?.Length ?? 0} values but block_indices has {BlockIndices.Length}.");
        }
        int k = ClassNames.Count;
        CheckSquare(ConfusionMatrix, k, "confusion_matrix");
        foreach (var fold in Folds) CheckSquare(fold.ConfusionMatrix, k, $"confusion_matrix of fold '{fold.TestSession}'");
        foreach (var curve in LearningCurves)
            if (Folds.All(f => f.TestSession != curve.TestSession))
                throw new InvalidOperationException($"A learning curve names session '{curve.TestSession}', which no fold holds out.");
    }

    private static void CheckSquare(long[][] m, int k, string what)
    {
        if (m.Length == 0) return; // not recorded
        if (m.Length != k || m.Any(r => r == null || r.Length != k))
            throw new InvalidOperationException($"{what} is not {k}x{k} (one row and column per class).");
    }

    private int FoldOrder(string session)
    {
        int i = Folds.FindIndex(f => f.TestSession == session);
        return i < 0 ? int.MaxValue : i;
    }
}
