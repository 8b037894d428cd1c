using static Qieemo.ML.Reporting.ReportFormat;

namespace Qieemo.ML.Reporting;

/// <summary>
/// Lays a report out as sections of tables and charts, once, so that the Markdown and HTML renderings
/// say the same thing. Sections whose data is missing are left out.
/// </summary>
internal static class ReportSections
{
    public static List<ReportSection> Build(EvaluationReport r, IReadOnlyList<ReportChart> charts)
    {
        ReportChart? Chart(string file) => charts.FirstOrDefault(c => c.FileName == file);
        List<ReportChart> ChartList(params string[] files) => files.Select(Chart).Where(c => c != null).Select(c => c!).ToList();
        var sections = new List<ReportSection>
        {
            new("summary", "Summary", null, new List<ReportTable> { Summary(r) }, new()),
        };

        if (r.Dataset is { } d) sections.Add(Dataset(d));

        sections.Add(new ReportSection("folds", "Cross-validation per fold",
            $"Leave-one-session-out: {r.Folds.Count} folds, each holding out one session. Metrics in percent; " +
            "std is the sample standard deviation over folds" +
            (r.PopulationStd is { } ps ? $" (population std: WA {Pct(ps.Wa)}, UA {Pct(ps.Ua)}, WF1 {Pct(ps.Wf1)})." : "."),
            new List<ReportTable> { Folds(r) }, ChartList(ReportCharts.FoldMetricsFile)));

        if (r.Pooled is { } pooled)
            sections.Add(new ReportSection("per-class", "Per class (all folds pooled)",
                $"All {Count(pooled.Count)} test predictions scored together: WA {Pct(pooled.Wa)}, UA {Pct(pooled.Ua)}, " +
                $"WF1 {Pct(pooled.Wf1)}, macro F1 {Pct(pooled.MacroF1)}.",
                new List<ReportTable> { PerClass(pooled.PerClass) }, new()));

        if (r.ConfusionMatrix.Length > 0)
            sections.Add(new ReportSection("confusion", "Confusion matrix (all folds)",
                "Rows are true classes, columns predicted classes; counts summed over the folds' test sessions.",
                new List<ReportTable> { Confusion(r.ClassNames, r.ConfusionMatrix) }, ChartList(ReportCharts.ConfusionMatrixFile)));

        if (r.Baseline is { } b) sections.Add(Baseline(r, b));

        if (r.LearningCurves.Count > 0)
            sections.Add(new ReportSection("learning-curves", "Learning curves", null,
                new List<ReportTable> { Curves(r.LearningCurves) }, ChartList(ReportCharts.LossCurveFile, ReportCharts.DevUaCurveFile)));

        if (r.BlockWeights.Length > 0)
            sections.Add(new ReportSection("block-weights", "MMF block weights",
                "Weight the multimodal fusion gives each encoder block, per fold.",
                new List<ReportTable> { BlockWeights(r) }, ChartList(ReportCharts.BlockWeightsFile)));

        if (r.Ablations.Count > 0)
            sections.Add(new ReportSection("ablations", "Ablations", "Mean ± sample std over folds, in percent.",
                new List<ReportTable> { Ablations(r) }, new()));

        if (r.BlockProbes.Count > 0)
            sections.Add(new ReportSection("block-probe", "Block probe",
                "A classifier on each single encoder block's features, cross-validated the same way (mean ± sample std, percent).",
                new List<ReportTable> { BlockProbe(r.BlockProbes) }, ChartList(ReportCharts.BlockProbeFile)));

        if (r.Configuration.Count > 0)
            sections.Add(new ReportSection("configuration", "Configuration", null, new List<ReportTable>
            {
                new(new[] { "Setting", "Value" }, r.Configuration.Select(kv => new[] { kv.Key, Value(kv.Value) }).ToList(), NumericFrom: 2),
            }, new()));

        if (r.Timings.Count > 0)
            sections.Add(new ReportSection("timings", "Timings", null, new List<ReportTable>
            {
                new(new[] { "Step", "Time", "Seconds" },
                    r.Timings.Select(kv => new[] { kv.Key, Duration(kv.Value), Decimal(kv.Value, 2) }).ToList()),
            }, new()));

        if (r.Environment is { } env) sections.Add(Environment(env));
        return sections;
    }

    /// <summary>Headline: the model's mean ± std beside the baseline's mean and the difference.</summary>
    private static ReportTable Summary(EvaluationReport r)
    {
        var rows = new List<string[]> { new[] { $"{r.ModelName} (mean ± std)", PctPm(r.Mean.Wa, r.Std.Wa), PctPm(r.Mean.Ua, r.Std.Ua), PctPm(r.Mean.Wf1, r.Std.Wf1) } };
        if (r.Baseline is { } b)
        {
            rows.Add(new[] { $"Baseline: {b.Name}", PctPm(b.Mean.Wa, b.Std?.Wa), PctPm(b.Mean.Ua, b.Std?.Ua), PctPm(b.Mean.Wf1, b.Std?.Wf1) });
            rows.Add(new[] { "Model − baseline (points)", Delta(r.Mean.Wa - b.Mean.Wa), Delta(r.Mean.Ua - b.Mean.Ua), Delta(r.Mean.Wf1 - b.Mean.Wf1) });
        }
        if (r.Pooled is { } p) rows.Add(new[] { $"{r.ModelName}, pooled over folds", Pct(p.Wa), Pct(p.Ua), Pct(p.Wf1) });
        return new ReportTable(new[] { "", "WA (%)", "UA (%)", "WF1 (%)" }, rows, BoldRows: new HashSet<int> { 0 });
    }

    private static ReportSection Dataset(DatasetSummary d)
    {
        var overview = new List<string[]>();
        if (!string.IsNullOrEmpty(d.Name)) overview.Add(new[] { "Corpus", d.Name });
        if (!string.IsNullOrEmpty(d.Path)) overview.Add(new[] { "Path", d.Path });
        overview.Add(new[] { "Utterances", Count(d.Utterances) });
        overview.Add(new[] { "Sessions", d.Sessions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (d.Speakers is { } s) overview.Add(new[] { "Speakers", s.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var tables = new List<ReportTable> { new(new[] { "Property", "Value" }, overview, NumericFrom: 2) };
        if (d.Sessions.Count > 0)
            tables.Add(new ReportTable(new[] { "Session", "Utterances", "Share (%)" },
                d.Sessions.Select(kv => new[] { kv.Key, Count(kv.Value), Share(kv.Value, d.Utterances) }).ToList()));
        if (d.Labels.Count > 0)
            tables.Add(new ReportTable(new[] { "Label", "Utterances", "Share (%)" },
                d.Labels.Select(kv => new[] { kv.Key, Count(kv.Value), Share(kv.Value, d.Utterances) }).ToList()));
        return new ReportSection("dataset", "Dataset", null, tables, new());
    }

    private static string Share(long n, long total) => total == 0 ? "—" : Pct((double)n / total);

    private static ReportTable Folds(EvaluationReport r)
    {
        bool dev = r.Folds.Any(f => f.Dev != null);
        var header = new List<string> { "Test session", "Train", "Dev", "Test", "WA", "UA", "WF1" };
        if (dev) header.AddRange(new[] { "Dev WA", "Dev UA" });
        var rows = r.Folds.Select(f =>
        {
            var row = new List<string> { f.TestSession, Count(f.TrainCount), Count(f.DevCount), Count(f.TestCount), Pct(f.Wa), Pct(f.Ua), Pct(f.Wf1) };
            if (dev) row.AddRange(new[] { f.Dev == null ? "—" : Pct(f.Dev.Wa), f.Dev == null ? "—" : Pct(f.Dev.Ua) });
            return row.ToArray();
        }).ToList();
        var mean = new List<string> { "Mean ± std", "", "", Count(r.Folds.Sum(f => f.TestCount)), PctPm(r.Mean.Wa, r.Std.Wa), PctPm(r.Mean.Ua, r.Std.Ua), PctPm(r.Mean.Wf1, r.Std.Wf1) };
        if (dev) mean.AddRange(new[] { "", "" });
        rows.Add(mean.ToArray());
        return new ReportTable(header.ToArray(), rows, BoldRows: new HashSet<int> { rows.Count - 1 });
    }

    private static ReportTable PerClass(IReadOnlyList<ClassReport> perClass) => new(
        new[] { "Class", "Precision (%)", "Recall (%)", "F1 (%)", "Support", "Predicted" },
        perClass.Select(c => new[] { c.Name, Pct(c.Precision), Pct(c.Recall), Pct(c.F1), Count(c.Support), Count(c.Predicted) }).ToList());

    private static ReportTable Confusion(IReadOnlyList<string> names, long[][] m) => new(
        new[] { "True \\ predicted" }.Concat(names).Append("Recall (%)").ToArray(),
        names.Select((n, t) =>
        {
            long total = m[t].Sum();
            return new[] { n }.Concat(m[t].Select(Count)).Append(total == 0 ? "—" : Pct((double)m[t][t] / total)).ToArray();
        }).ToList());

    private static ReportSection Baseline(EvaluationReport r, BaselineReport b)
    {
        var tables = new List<ReportTable>
        {
            new(new[] { "", "WA (%)", "UA (%)", "WF1 (%)" }, new List<string[]>
            {
                new[] { r.ModelName, PctPm(r.Mean.Wa, r.Std.Wa), PctPm(r.Mean.Ua, r.Std.Ua), PctPm(r.Mean.Wf1, r.Std.Wf1) },
                new[] { b.Name, PctPm(b.Mean.Wa, b.Std?.Wa), PctPm(b.Mean.Ua, b.Std?.Ua), PctPm(b.Mean.Wf1, b.Std?.Wf1) },
                new[] { "Difference (points)", Delta(r.Mean.Wa - b.Mean.Wa), Delta(r.Mean.Ua - b.Mean.Ua), Delta(r.Mean.Wf1 - b.Mean.Wf1) },
            }, BoldRows: new HashSet<int> { 0 }),
        };
        if (b.Folds.Count > 0)
        {
            var rows = new List<string[]>();
            foreach (var f in r.Folds)
            {
                var bf = b.Folds.FirstOrDefault(x => x.TestSession == f.TestSession);
                rows.Add(bf == null
                    ? new[] { f.TestSession, Pct(f.Wa), "—", Pct(f.Ua), "—", Pct(f.Wf1), "—" }
                    : new[] { f.TestSession, Pct(f.Wa), Pct(bf.Wa), Pct(f.Ua), Pct(bf.Ua), Pct(f.Wf1), Pct(bf.Wf1) });
            }
            tables.Add(new ReportTable(new[] { "Test session", "Model WA", "Baseline WA", "Model UA", "Baseline UA", "Model WF1", "Baseline WF1" }, rows));
        }
        return new ReportSection("baseline", "Baseline vs model", $"Baseline: {b.Name}, same folds and metrics (percent).", tables, new());
    }

    private static ReportTable Curves(IReadOnlyList<FoldLearningCurve> curves) => new(
        new[] { "Fold", "Epochs", "First train loss", "Last train loss", "Last dev loss", "Best dev UA (%)", "At epoch" },
        curves.Select(c =>
        {
            var first = c.Points[0];
            var last = c.Points[^1];
            var best = c.Points.Where(p => p.DevUa.HasValue).OrderByDescending(p => p.DevUa).ThenBy(p => p.Epoch).FirstOrDefault();
            return new[]
            {
                c.TestSession, c.Points.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Decimal(first.TrainLoss),
                Decimal(last.TrainLoss), last.DevLoss is { } dl ? Decimal(dl) : "—",
                best == null ? "—" : Pct(best.DevUa!.Value), best == null ? "—" : best.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }).ToList());

    private static ReportTable BlockWeights(EvaluationReport r)
    {
        var rows = r.BlockWeights.Select((w, f) => new[] { r.Folds[f].TestSession }.Concat(w.Select(v => Decimal(v))).ToArray()).ToList();
        rows.Add(new[] { "Mean" }.Concat(Enumerable.Range(0, r.BlockIndices.Length).Select(b => Decimal(r.BlockWeights.Average(w => w[b])))).ToArray());
        return new ReportTable(new[] { "Fold" }.Concat(r.BlockIndices.Select(i => $"Block {i}")).ToArray(), rows,
            BoldRows: new HashSet<int> { rows.Count - 1 });
    }

    private static ReportTable Ablations(EvaluationReport r)
    {
        var rows = new List<string[]> { new[] { $"{r.ModelName} (full)", PctPm(r.Mean.Wa, r.Std.Wa), PctPm(r.Mean.Ua, r.Std.Ua), PctPm(r.Mean.Wf1, r.Std.Wf1), "" } };
        rows.AddRange(r.Ablations.Select(a => new[]
            { a.Name, PctPm(a.Mean.Wa, a.Std?.Wa), PctPm(a.Mean.Ua, a.Std?.Ua), PctPm(a.Mean.Wf1, a.Std?.Wf1), Delta(a.Mean.Ua - r.Mean.Ua) }));
        return new ReportTable(new[] { "Variant", "WA (%)", "UA (%)", "WF1 (%)", "ΔUA (points)" }, rows, BoldRows: new HashSet<int> { 0 });
    }

    private static ReportTable BlockProbe(IReadOnlyList<BlockProbeRow> rows)
    {
        double bestUa = rows.Max(p => p.Mean.Ua);
        return new ReportTable(new[] { "Block", "WA (%)", "UA (%)", "WF1 (%)" },
            rows.Select(p => new[]
            {
                p.Block.ToString(System.Globalization.CultureInfo.InvariantCulture),
                PctPm(p.Mean.Wa, p.Std.Wa), PctPm(p.Mean.Ua, p.Std.Ua), PctPm(p.Mean.Wf1, p.Std.Wf1),
            }).ToList(),
            BoldRows: rows.Select((p, i) => (p, i)).Where(x => x.p.Mean.Ua == bestUa).Select(x => x.i).ToHashSet());
    }

    private static ReportSection Environment(EnvironmentInfo e)
    {
        var rows = new List<string[]>
        {
            new[] { "Machine", e.Machine }, new[] { "OS", e.OperatingSystem }, new[] { "Architecture", e.Architecture },
            new[] { "Logical processors", e.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (e.Threads is { } t) rows.Add(new[] { "Threads used", t.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        rows.Add(new[] { "Device", e.Device });
        rows.AddRange(e.Versions.Select(kv => new[] { kv.Key, kv.Value }));
        return new ReportSection("environment", "Environment", null,
            new List<ReportTable> { new(new[] { "Property", "Value" }, rows.Where(x => !string.IsNullOrEmpty(x[1])).ToList(), NumericFrom: 2) }, new());
    }
}
