using System.Text.Json;
using System.Text.RegularExpressions;
using Qieemo.ML.Reporting;
using SkiaSharp;

namespace Qieemo.ML.Tests.Reporting;

/// <summary>The files written by <see cref="ReportWriter"/>: JSON, Markdown, self-contained HTML and chart PNGs.</summary>
[TestClass]
public sealed class ReportWriterTests
{
    private static string _dir = "";
    private static ReportOutput _output = null!;
    private static EvaluationReport _report = null!;

    [ClassInitialize]
    public static void WriteFullReport(TestContext _)
    {
        _report = ReportFixture.FullReport();
        _dir = TestSupport.TempDir("qieemo-report");
        _output = ReportWriter.Write(_report, _dir);
        if (Environment.GetEnvironmentVariable("QIEEMO_REPORT_KEEP") is { Length: > 0 } keep) ReportWriter.Write(_report, keep);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [TestMethod]
    public void WritesJsonMarkdownHtmlAndEveryChart()
    {
        Assert.AreEqual(Path.Combine(_dir, "report.json"), _output.JsonPath);
        Assert.AreEqual(Path.Combine(_dir, "report.md"), _output.MarkdownPath);
        Assert.AreEqual(Path.Combine(_dir, "report.html"), _output.HtmlPath);
        CollectionAssert.AreEquivalent(ReportCharts.AllFiles.ToArray(), _output.ChartPaths.Select(Path.GetFileName).ToArray());
        foreach (var f in _output.ChartPaths.Append(_output.JsonPath).Append(_output.MarkdownPath).Append(_output.HtmlPath))
            Assert.IsTrue(File.Exists(f), f);
        using var doc = JsonDocument.Parse(File.ReadAllText(_output.JsonPath));
        Assert.AreEqual(_report.Mean.Ua, doc.RootElement.GetProperty("mean").GetProperty("ua").GetDouble());
    }

    [TestMethod]
    public void ChartsAreRealPngsWithContent()
    {
        var options = new ReportChartOptions();
        foreach (string path in _output.ChartPaths)
        {
            string name = Path.GetFileName(path);
            var stats = PngStats.Of(File.ReadAllBytes(path), name);
            if (name != ReportCharts.ConfusionMatrixFile)
            {
                Assert.AreEqual((int)Math.Round(options.Width * options.Scale), stats.Width, name);
                Assert.AreEqual((int)Math.Round(options.Height * options.Scale), stats.Height, name);
            }
            // Anti-aliased text, lines and fills give many colours; a blank or single-fill image would not.
            Assert.IsGreaterThan(50, stats.DistinctColors, $"{name}: {stats.DistinctColors} colours");
            Assert.IsGreaterThan(0.03, stats.NonWhiteFraction, $"{name}: {stats.NonWhiteFraction:P1} non-white");
        }
    }

    [TestMethod]
    public void ChartsDrawTheirSeriesInTheirColours()
    {
        // The metric colours appear as bar fills in the per-fold chart; the confusion matrix has dark-blue (high share) cells.
        var folds = PngStats.Of(File.ReadAllBytes(Path.Combine(_dir, ReportCharts.FoldMetricsFile)), "folds");
        foreach (string hex in new[] { "#4C72B0", "#55A868", "#DD8452" })
            Assert.IsGreaterThan(2000, folds.CountNear(SKColor.Parse(hex), 25), hex);
        var cm = PngStats.Of(File.ReadAllBytes(Path.Combine(_dir, ReportCharts.ConfusionMatrixFile)), "confusion");
        // UA > 60 %: the diagonal shares exceed 0.5, i.e. are drawn darker than #4292C6 (blue channel high, red low).
        int dark = cm.Bitmap.Pixels.Count(c => c.Red < 70 && c.Blue > 100 && c.Blue > c.Red + 60);
        Assert.IsGreaterThan(cm.Width * cm.Height / 50, dark, "dark diagonal cells");
    }

    [TestMethod]
    public void HtmlIsSelfContained()
    {
        string html = File.ReadAllText(_output.HtmlPath);
        StringAssert.StartsWith(html, "<!DOCTYPE html>");
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);

        var srcs = Regex.Matches(html, "\\bsrc\\s*=\\s*\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.HasCount(_output.ChartPaths.Count, srcs);
        var onDisk = _output.ChartPaths.Select(File.ReadAllBytes).ToList();
        foreach (string src in srcs)
        {
            StringAssert.StartsWith(src, "data:image/png;base64,");
            byte[] png = Convert.FromBase64String(src["data:image/png;base64,".Length..]);
            PngStats.Of(png, "embedded image");
            Assert.IsTrue(onDisk.Any(d => d.SequenceEqual(png)), "embedded image equals a written PNG");
        }
        foreach (Match m in Regex.Matches(html, "\\bhref\\s*=\\s*\"([^\"]*)\""))
            StringAssert.StartsWith(m.Groups[1].Value, "#", "only in-page links");
    }

    [TestMethod]
    public void HtmlShowsHeadlineNumbersAndSections()
    {
        string html = File.ReadAllText(_output.HtmlPath);
        var mean = _report.Mean;
        foreach (double v in new[] { mean.Wa, mean.Ua, mean.Wf1, _report.Baseline!.Mean.Ua })
            StringAssert.Contains(html, (100 * v).ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
        foreach (string id in new[] { "dataset", "folds", "per-class", "confusion", "baseline", "learning-curves", "block-weights",
                     "ablations", "block-probe", "configuration", "timings", "environment" })
            StringAssert.Contains(html, $"<section id=\"{id}\">");
        StringAssert.Contains(html, "LBFGS on F0 only");
    }

    [TestMethod]
    public void MarkdownHasTheTablesAndLinksTheCharts()
    {
        string md = File.ReadAllText(_output.MarkdownPath);
        string[] lines = md.Split('\n');
        StringAssert.StartsWith(md, "# Synthetic SER evaluation");
        foreach (string header in new[]
                 {
                     "| Test session | Train | Dev | Test | WA | UA | WF1 | Dev WA | Dev UA |",
                     "| Class | Precision (%) | Recall (%) | F1 (%) | Support | Predicted |",
                     $"| True \\\\ predicted | {string.Join(" | ", _report.ClassNames)} | Recall (%) |",
                     "| Variant | WA (%) | UA (%) | WF1 (%) | ΔUA (points) |",
                     "| Block | WA (%) | UA (%) | WF1 (%) |",
                     "| Fold | Block 3 | Block 6 | Block 9 | Block 12 |",
                     "| Setting | Value |",
                     "| Step | Time | Seconds |",
                 })
            Assert.IsTrue(lines.Any(l => l.TrimEnd() == header), $"missing table header {header}");
        foreach (string section in new[] { "## Summary", "## Dataset", "## Cross-validation per fold", "## Confusion matrix (all folds)",
                     "## Baseline vs model", "## Learning curves", "## MMF block weights", "## Ablations", "## Block probe" })
            Assert.IsTrue(lines.Contains(section), section);

        // One row per fold with its percentages; the confusion row of class i sums to its support.
        foreach (var f in _report.Folds)
            Assert.IsTrue(lines.Any(l => l.StartsWith($"| {f.TestSession} | ") && l.Contains($"| {(100 * f.Ua).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)} |")), f.TestSession);
        var links = Regex.Matches(md, "!\\[[^\\]]*\\]\\(([^)]+)\\)").Select(m => m.Groups[1].Value).ToList();
        CollectionAssert.AreEquivalent(ReportCharts.AllFiles.ToArray(), links);
        foreach (string link in links) Assert.IsTrue(File.Exists(Path.Combine(_dir, link)), link);
    }

    [TestMethod]
    public void MissingOptionalPartsOmitTheirSectionsAndCharts()
    {
        string dir = TestSupport.TempDir("qieemo-report-min");
        try
        {
            // A full report first, so stale charts would be left behind if the writer did not clean up.
            ReportWriter.Write(ReportFixture.FullReport(), dir);
            var output = ReportWriter.Write(EvaluationReport.FromCrossValidation(ReportFixture.Model), dir);
            CollectionAssert.AreEquivalent(new[] { ReportCharts.FoldMetricsFile, ReportCharts.ConfusionMatrixFile },
                output.ChartPaths.Select(Path.GetFileName).ToArray());
            CollectionAssert.AreEquivalent(new[] { "report.json", "report.md", "report.html", ReportCharts.FoldMetricsFile, ReportCharts.ConfusionMatrixFile },
                Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
            string md = File.ReadAllText(output.MarkdownPath), html = File.ReadAllText(output.HtmlPath);
            foreach (string absent in new[] { "## Baseline", "## Learning curves", "## MMF block weights", "## Ablations", "## Block probe", "## Timings", "## Environment" })
                Assert.DoesNotContain(absent, md);
            Assert.DoesNotContain("Baseline", html.Split("<main>")[0], "no baseline in the header");
            Assert.DoesNotContain("id=\"block-weights\"", html);
            StringAssert.Contains(md, "## Cross-validation per fold");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void EdgeCasesStillRender()
    {
        // One-epoch curves without dev values, a single block with negative (logit) weights, one probe row.
        var report = EvaluationReport.FromCrossValidation(ReportFixture.Model);
        foreach (var f in report.Folds) report.AddLearningCurve(f.TestSession, new[] { new LearningCurvePoint(1, 0.7) });
        report.SetBlockWeights(report.Folds.Select((_, i) => (IReadOnlyList<double>)new[] { -0.5 - 0.1 * i }).ToList(), new[] { 11 });
        report.AddBlockProbe(11, new MetricValues(0.4, 0.35, 0.3), new MetricValues(0.02, 0.03, 0.01));
        var charts = ReportCharts.RenderAll(report, new ReportChartOptions { Width = 400, Height = 300, Scale = 1 });
        CollectionAssert.AreEqual(new[] { ReportCharts.FoldMetricsFile, ReportCharts.ConfusionMatrixFile, ReportCharts.LossCurveFile,
            ReportCharts.BlockWeightsFile, ReportCharts.BlockProbeFile }, charts.Select(c => c.FileName).ToArray(), "no dev-UA chart without dev UA");
        foreach (var c in charts)
        {
            var stats = PngStats.Of(c.Png, c.FileName);
            Assert.IsGreaterThan(20, stats.DistinctColors, c.FileName);
        }
        Assert.AreEqual(400, PngStats.Of(charts[0].Png, "folds").Width);
        Assert.ThrowsExactly<ArgumentException>(() => ReportCharts.RenderAll(report, new ReportChartOptions { Scale = 0 }));
    }

    [TestMethod]
    public void TextIsEscaped()
    {
        var report = EvaluationReport.FromCrossValidation(ReportFixture.Model, "A <b>bold</b> | title", "m&m");
        report.SetConfiguration("note", "<script>alert(1)</script> | pipe");
        string html = HtmlReportRenderer.Render(report, Array.Empty<ReportChart>());
        string md = MarkdownReportRenderer.Render(report, Array.Empty<ReportChart>());
        Assert.DoesNotContain("<script>", html);
        StringAssert.Contains(html, "&lt;script&gt;");
        StringAssert.Contains(html, "m&amp;m");
        StringAssert.Contains(md, "A \\<b\\>bold\\</b\\> \\| title");
        Assert.IsTrue(md.Split('\n').Any(l => l.StartsWith("| note | ") && l.Contains("\\| pipe")));
    }
}
