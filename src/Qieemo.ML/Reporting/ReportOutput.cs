namespace Qieemo.ML.Reporting;

/// <summary>The files <see cref="ReportWriter.Write"/> wrote.</summary>
/// <param name="JsonPath">report.json.</param>
/// <param name="MarkdownPath">report.md.</param>
/// <param name="HtmlPath">report.html (self-contained).</param>
/// <param name="ChartPaths">The chart PNGs, in display order.</param>
public sealed record ReportOutput(string JsonPath, string MarkdownPath, string HtmlPath, IReadOnlyList<string> ChartPaths);
