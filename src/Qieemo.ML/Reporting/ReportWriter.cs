using System.Text;

namespace Qieemo.ML.Reporting;

/// <summary>
/// Writes an <see cref="EvaluationReport"/> to a folder: <c>report.json</c> (the data, fixed contract),
/// <c>report.md</c> (tables, charts linked as files), <c>report.html</c> (self-contained: inline CSS,
/// charts embedded as base64 PNG) and the chart PNGs.
/// </summary>
public static class ReportWriter
{
    /// <summary>File names written into the output folder.</summary>
    public const string JsonFile = "report.json", MarkdownFile = "report.md", HtmlFile = "report.html";

    /// <summary>Writes the report into <paramref name="outDir"/> (created when missing). Files of the same names are replaced,
    /// and chart PNGs of parts this report lacks are deleted so that no stale chart remains.</summary>
    /// <exception cref="InvalidOperationException">The report's parts are inconsistent (<see cref="EvaluationReport.Validate"/>).</exception>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    public static ReportOutput Write(EvaluationReport report, string outDir, ReportChartOptions? chartOptions = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        report.Validate();
        Directory.CreateDirectory(outDir);
        var charts = ReportCharts.RenderAll(report, chartOptions);

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        string json = Path.Combine(outDir, JsonFile), md = Path.Combine(outDir, MarkdownFile), html = Path.Combine(outDir, HtmlFile);
        var chartPaths = new List<string>();
        foreach (var chart in charts)
        {
            string path = Path.Combine(outDir, chart.FileName);
            File.WriteAllBytes(path, chart.Png);
            chartPaths.Add(path);
        }
        // A chart of an earlier report in the same folder whose part is now missing would be stale.
        foreach (string name in ReportCharts.AllFiles.Except(charts.Select(c => c.FileName)))
            File.Delete(Path.Combine(outDir, name));
        File.WriteAllText(json, report.ToJson(), utf8);
        File.WriteAllText(md, MarkdownReportRenderer.Render(report, charts), utf8);
        File.WriteAllText(html, HtmlReportRenderer.Render(report, charts), utf8);
        return new ReportOutput(json, md, html, chartPaths);
    }
}
