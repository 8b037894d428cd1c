using System.Globalization;
using ScottPlot;

namespace Qieemo.ML.Reporting;

/// <summary>
/// The report's charts, rendered headless with ScottPlot 5 to PNG: confusion matrix, per-fold
/// WA/UA/WF1 with the baseline, learning curves, MMF block weights and the block probe.
/// </summary>
/// <remarks>Every chart is drawn from the report's numbers only (no state), so the same report always
/// gives the same images. Metrics are shown in percent.</remarks>
public static class ReportCharts
{
    /// <summary>File names of the charts, as written by <see cref="ReportWriter"/>.</summary>
    public const string ConfusionMatrixFile = "confusion_matrix.png",
        FoldMetricsFile = "fold_metrics.png",
        LossCurveFile = "learning_curves_loss.png",
        DevUaCurveFile = "learning_curves_dev_ua.png",
        BlockWeightsFile = "block_weights.png",
        BlockProbeFile = "block_probe.png";

    /// <summary>Every chart file name <see cref="RenderAll"/> can produce.</summary>
    public static IReadOnlyList<string> AllFiles { get; } =
        new[] { FoldMetricsFile, ConfusionMatrixFile, LossCurveFile, DevUaCurveFile, BlockWeightsFile, BlockProbeFile };

    // Seaborn "deep": calm, distinguishable, prints well.
    private static readonly Color[] Palette = Color.FromHex(new[]
        { "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD" });
    internal static readonly Color WaColor = Color.FromHex("#4C72B0"), UaColor = Color.FromHex("#55A868"), Wf1Color = Color.FromHex("#DD8452");
    private static readonly Color Ink = Color.FromHex("#1F2937"), Muted = Color.FromHex("#6B7280"), GridColor = Color.FromHex("#E5E7EB");
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>All charts the report has data for, in display order; parts that are missing give no chart.</summary>
    public static IReadOnlyList<ReportChart> RenderAll(EvaluationReport report, ReportChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        options ??= new ReportChartOptions();
        options.Validate();
        report.Validate();
        var charts = new List<ReportChart>();
        charts.Add(new ReportChart(FoldMetricsFile, "WA / UA / WF1 per fold",
            report.Baseline == null
                ? "Per-fold scores of the model on each held-out session; the last group is the mean over folds with ± 1 sample std."
                : "Per-fold scores of the model on each held-out session; the last group is the mean with ± 1 sample std; dashed lines are the baseline's means.",
            FoldMetrics(report, options)));
        if (report.ConfusionMatrix.Length > 0)
            charts.Add(new ReportChart(ConfusionMatrixFile, "Confusion matrix (all folds)",
                "Test predictions of all folds; each cell shows the count and the share of its true class (row-normalized), which also sets the colour.",
                ConfusionMatrix(report.ClassNames, report.ConfusionMatrix, options)));
        if (report.LearningCurves.Count > 0)
        {
            charts.Add(new ReportChart(LossCurveFile, "Learning curves: loss",
                "Training loss (solid) and dev loss (dashed) per epoch, one colour per fold.", LossCurves(report.LearningCurves, options)));
            if (report.LearningCurves.Any(c => c.Points.Any(p => p.DevUa.HasValue)))
                charts.Add(new ReportChart(DevUaCurveFile, "Learning curves: dev UA",
                    "Unweighted accuracy on each fold's dev split after every epoch.", DevUaCurves(report.LearningCurves, options)));
        }
        if (report.BlockWeights.Length > 0)
            charts.Add(new ReportChart(BlockWeightsFile, "MMF block weights",
                "Fusion weight of each encoder block learned in every fold; dashed black lines are the means over folds.",
                BlockWeights(report.BlockWeights, report.BlockIndices, report.Folds.Select(f => f.TestSession).ToList(), options)));
        if (report.BlockProbes.Count > 0)
            charts.Add(new ReportChart(BlockProbeFile, "Block probe",
                "Cross-validated WA and UA of a classifier on each single encoder block's features (mean ± 1 sample std over folds).",
                BlockProbe(report.BlockProbes, options)));
        return charts;
    }

    /// <summary>Confusion-matrix heatmap: rows = true class (first class on top), columns = predicted class;
    /// each cell shows its count and row-normalized percentage, and is coloured by the latter.</summary>
    public static byte[] ConfusionMatrix(IReadOnlyList<string> classNames, long[][] matrix, ReportChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(matrix);
        options ??= new ReportChartOptions();
        int k = classNames.Count;
        if (k == 0 || matrix.Length != k || matrix.Any(r => r == null || r.Length != k))
            throw new ArgumentException($"The confusion matrix must be {k}x{k} (one row and column per class).", nameof(matrix));

        using var plot = NewPlot(options);
        float cellFont = k <= 6 ? 15 : k <= 10 ? 12 : 9;
        for (int t = 0; t < k; t++)
        {
            long rowSum = matrix[t].Sum();
            for (int p = 0; p < k; p++)
            {
                double share = rowSum == 0 ? 0 : (double)matrix[t][p] / rowSum;
                double top = k - t; // first class on top
                var cell = plot.Add.Rectangle(p, p + 1, top - 1, top);
                cell.FillColor = Blues(share);
                cell.LineColor = Colors.White;
                cell.LineWidth = 2;
                var label = plot.Add.Text($"{matrix[t][p].ToString(Ci)}\n{(100 * share).ToString("F1", Ci)}%", p + 0.5, top - 0.5);
                label.Alignment = Alignment.MiddleCenter;
                label.LabelFontSize = cellFont;
                label.LabelBold = t == p;
                label.LabelFontColor = share > 0.5 ? Colors.White : Ink;
            }
        }
        double[] centres = Enumerable.Range(0, k).Select(i => i + 0.5).ToArray();
        plot.Axes.Bottom.SetTicks(centres, classNames.ToArray());
        plot.Axes.Left.SetTicks(centres, classNames.Reverse().ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Axes.SetLimits(0, k, 0, k);
        plot.HideGrid();
        plot.Axes.Frame(false);
        plot.XLabel("Predicted class");
        plot.YLabel("True class");
        plot.Title("Confusion matrix (all folds)");
        int side = Math.Clamp(110 + 95 * k, 420, 1100);
        return Png(plot, side + 40, side, options);
    }

    /// <summary>Grouped bars of WA, UA and WF1 per fold plus a mean ± std group; the baseline's means as dashed lines.</summary>
    public static byte[] FoldMetrics(EvaluationReport report, ReportChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        options ??= new ReportChartOptions();
        using var plot = NewPlot(options);
        var groups = report.Folds.Select(f => (Label: f.TestSession, V: new MetricValues(f.Wa, f.Ua, f.Wf1), Std: (MetricValues?)null)).ToList();
        groups.Add(("Mean", report.Mean, report.Std));
        var series = new[] { ("WA", WaColor, (Func<MetricValues, double>)(m => m.Wa)), ("UA", UaColor, m => m.Ua), ("WF1", Wf1Color, m => m.Wf1) };
        const double width = 0.26;
        for (int s = 0; s < series.Length; s++)
        {
            var (name, color, get) = series[s];
            var bars = groups.Select((g, i) => new Bar
            {
                Position = i + (s - 1) * width,
                Value = 100 * get(g.V),
                Size = width * 0.92,
                FillColor = i == groups.Count - 1 ? color : color.WithAlpha(0.85),
                LineWidth = 0,
            }).ToArray();
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = name;
            // Bar.Error would share the bar's outline width; a separate error bar keeps fills borderless.
            AddErrorBars(plot, new[] { groups.Count - 1 + (s - 1) * width }, new[] { 100 * get(report.Mean) }, new[] { 100 * get(report.Std) });
        }
        if (report.Baseline is { } baseline)
            for (int s = 0; s < series.Length; s++)
            {
                var (name, color, get) = series[s];
                var line = plot.Add.HorizontalLine(100 * get(baseline.Mean), 1.5f, color.WithLightness(0.35f), LinePattern.Dashed);
                line.LegendText = $"Baseline {name}";
            }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(), groups.Select(g => g.Label).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(-0.6, groups.Count - 0.4, 0, 100);
        plot.YLabel("%");
        plot.Title("WA / UA / WF1 per held-out session");
        ShowLegendBelow(plot);
        return Png(plot, options.Width, options.Height, options);
    }

    /// <summary>Training loss (solid) and dev loss (dashed) per epoch, one colour per fold.</summary>
    public static byte[] LossCurves(IReadOnlyList<FoldLearningCurve> curves, ReportChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        options ??= new ReportChartOptions();
        using var plot = NewPlot(options);
        var legend = new List<LegendItem>();
        for (int f = 0; f < curves.Count; f++)
        {
            var color = Palette[f % Palette.Length];
            var pts = curves[f].Points;
            AddLine(plot, pts.Select(p => (double)p.Epoch).ToArray(), pts.Select(p => p.TrainLoss).ToArray(), color, LinePattern.Solid);
            var dev = pts.Where(p => p.DevLoss.HasValue).ToArray();
            if (dev.Length > 0)
                AddLine(plot, dev.Select(p => (double)p.Epoch).ToArray(), dev.Select(p => p.DevLoss!.Value).ToArray(), color, LinePattern.Dashed);
            legend.Add(new LegendItem { LabelText = curves[f].TestSession, LineColor = color, LineWidth = 2.5f });
        }
        legend.Add(new LegendItem { LabelText = "train", LineColor = Muted, LineWidth = 2 });
        if (curves.Any(c => c.Points.Any(p => p.DevLoss.HasValue)))
            legend.Add(new LegendItem { LabelText = "dev", LineColor = Muted, LineWidth = 2, LinePattern = LinePattern.Dashed });
        IntegerTicks(plot);
        plot.XLabel("Epoch");
        plot.YLabel("Loss");
        plot.Title("Loss per epoch");
        plot.Axes.Margins(0.02, 0.08);
        ShowLegendBelow(plot, legend);
        return Png(plot, options.Width, options.Height, options);
    }

    /// <summary>Dev-split UA (percent) per epoch, one line per fold.</summary>
    public static byte[] DevUaCurves(IReadOnlyList<FoldLearningCurve> curves, ReportChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        options ??= new ReportChartOptions();
        using var plot = NewPlot(options);
        for (int f = 0; f < curves.Count; f++)
        {
            var dev = curves[f].Points.Where(p => p.DevUa.HasValue).ToArray();
            if (dev.Length == 0) continue;
            var line = AddLine(plot, dev.Select(p => (double)p.Epoch).ToArray(), dev.Select(p => 100 * p.DevUa!.Value).ToArray(),
                Palette[f % Palette.Length], LinePattern.Solid);
            line.LegendText = curves[f].TestSession;
        }
        IntegerTicks(plot);
        plot.XLabel("Epoch");
        plot.YLabel("Dev UA (%)");
        plot.Title("Dev UA per epoch");
        plot.Axes.Margins(0.02, 0.1);
        ShowLegendBelow(plot);
        return Png(plot, options.Width, options.Height, options);
    }

    /// <summary>Grouped bars of the MMF block weights: block index on x, one bar per fold, the mean as a marker.</summary>
    public static byte[] BlockWeights(double[][] weights, int[] blockIndices, IReadOnlyList<string> foldNames, ReportChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(blockIndices);
        ArgumentNullException.ThrowIfNull(foldNames);
        options ??= new ReportChartOptions();
        if (weights.Length == 0 || weights.Any(r => r == null || r.Length != blockIndices.Length) || foldNames.Count != weights.Length)
            throw new ArgumentException("Block weights need one row per fold name and one column per block index.", nameof(weights));
        using var plot = NewPlot(options);
        int folds = weights.Length, blocks = blockIndices.Length;
        double width = 0.8 / folds;
        for (int f = 0; f < folds; f++)
        {
            var color = Palette[f % Palette.Length];
            var bars = Enumerable.Range(0, blocks).Select(b => new Bar
            {
                Position = b - 0.4 + width * (f + 0.5),
                Value = weights[f][b],
                Size = width * 0.9,
                FillColor = color,
                LineWidth = 0,
            }).ToArray();
            plot.Add.Bars(bars).LegendText = foldNames[f];
        }
        for (int b = 0; b < blocks; b++)
        {
            // The mean over folds as a line across the block's group of bars.
            double mean = weights.Average(r => r[b]);
            var line = plot.Add.Line(b - 0.45, mean, b + 0.45, mean);
            line.LineWidth = 2.5f;
            line.LineColor = Ink;
            line.LinePattern = LinePattern.Dashed;
            if (b == 0) line.LegendText = "Mean over folds";
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, blocks).Select(b => (double)b).ToArray(),
            blockIndices.Select(i => $"block {i.ToString(Ci)}").ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        double min = Math.Min(0, weights.Min(r => r.Min())), max = Math.Max(0, weights.Max(r => r.Max()));
        double pad = 0.1 * Math.Max(max - min, 1e-9);
        plot.Axes.SetLimits(-0.6, blocks - 0.4, min < 0 ? min - pad : 0, max + pad);
        plot.XLabel("Encoder block");
        plot.YLabel("Weight");
        plot.Title("MMF block weights per fold");
        ShowLegendBelow(plot);
        return Png(plot, options.Width, options.Height, options);
    }

    /// <summary>WA and UA (percent, mean ± std over folds) of a probe on each encoder block.</summary>
    public static byte[] BlockProbe(IReadOnlyList<BlockProbeRow> rows, ReportChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("There are no block-probe rows.", nameof(rows));
        options ??= new ReportChartOptions();
        using var plot = NewPlot(options);
        var series = new[] { ("WA", WaColor, (Func<MetricValues, double>)(m => m.Wa)), ("UA", UaColor, m => m.Ua) };
        for (int s = 0; s < series.Length; s++)
        {
            var (name, color, get) = series[s];
            var bars = rows.Select((r, i) => new Bar
            {
                Position = i + (s - 0.5) * 0.38,
                Value = 100 * get(r.Mean),
                Size = 0.36,
                FillColor = color,
                LineWidth = 0,
            }).ToArray();
            plot.Add.Bars(bars).LegendText = name;
            AddErrorBars(plot, bars.Select(b => b.Position).ToArray(), bars.Select(b => b.Value).ToArray(),
                rows.Select(r => 100 * get(r.Std)).ToArray());
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(),
            rows.Select(r => r.Block.ToString(Ci)).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        double top = rows.Max(r => 100 * Math.Max(r.Mean.Wa + r.Std.Wa, r.Mean.Ua + r.Std.Ua));
        plot.Axes.SetLimits(-0.6, rows.Count - 0.4, 0, Math.Min(100, top * 1.12 + 2));
        plot.XLabel("Encoder block");
        plot.YLabel("%");
        plot.Title("Probe accuracy per encoder block");
        ShowLegendBelow(plot);
        return Png(plot, options.Width, options.Height, options);
    }

    // ScottPlot's default on Linux can be a serif face; prefer a common sans-serif family when installed.
    private static readonly Lazy<string?> SansFont = new(() =>
    {
        var installed = SkiaSharp.SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new[] { "Segoe UI", "Helvetica Neue", "Arial", "Liberation Sans", "DejaVu Sans" }.FirstOrDefault(installed.Contains);
    });

    private static Plot NewPlot(ReportChartOptions options)
    {
        var plot = new Plot { ScaleFactor = options.Scale };
        if (SansFont.Value is { } font) plot.Font.Set(font);
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Axes.Color(Ink);
        plot.Axes.FrameColor(GridColor.WithLightness(0.75f));
        plot.Grid.MajorLineColor = GridColor;
        plot.Axes.Title.Label.FontSize = 17;
        plot.Axes.Title.Label.ForeColor = Ink;
        plot.Axes.Left.MinorTickStyle.Length = 0;
        plot.Axes.Bottom.MinorTickStyle.Length = 0;
        return plot;
    }

    private static ScottPlot.Plottables.Scatter AddLine(Plot plot, double[] xs, double[] ys, Color color, LinePattern pattern)
    {
        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LineWidth = 2;
        line.LinePattern = pattern;
        if (xs.Length <= 40)
        {
            line.MarkerShape = pattern.Equals(LinePattern.Solid) ? MarkerShape.FilledCircle : MarkerShape.OpenCircle;
            line.MarkerSize = 5;
        }
        return line;
    }

    private static void ShowLegendBelow(Plot plot, IEnumerable<LegendItem>? manualItems = null)
    {
        if (manualItems != null) plot.Legend.ManualItems.AddRange(manualItems);
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.OutlineColor = Colors.Transparent;
        plot.Legend.FontSize = 13;
        plot.Legend.ShadowColor = Colors.Transparent;
    }

    private static void AddErrorBars(Plot plot, double[] xs, double[] ys, double[] errors)
    {
        var bars = plot.Add.ErrorBar(xs, ys, errors);
        bars.Color = Ink;
        bars.LineWidth = 1.5f;
        bars.CapSize = 7;
    }

    private static void IntegerTicks(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    private static byte[] Png(Plot plot, int width, int height, ReportChartOptions options) =>
        plot.GetImageBytes((int)Math.Round(width * options.Scale), (int)Math.Round(height * options.Scale), ImageFormat.Png);

    /// <summary>White → dark blue ramp (like matplotlib's "Blues") for a share in [0, 1].</summary>
    private static Color Blues(double share)
    {
        // Anchor colours of a perceptually ordered light-to-dark blue ramp.
        string[] stops = { "#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C", "#08306B" };
        double x = Math.Clamp(share, 0, 1) * (stops.Length - 1);
        int i = Math.Min((int)x, stops.Length - 2);
        double t = x - i;
        Color a = Color.FromHex(stops[i]), b = Color.FromHex(stops[i + 1]);
        return new Color((byte)Math.Round(a.R + (b.R - a.R) * t), (byte)Math.Round(a.G + (b.G - a.G) * t), (byte)Math.Round(a.B + (b.B - a.B) * t));
    }
}
