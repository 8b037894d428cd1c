namespace Qieemo.ML.Reporting;

/// <summary>One rendered chart of a report: a PNG image plus the file name and caption it is shown with.</summary>
/// <param name="FileName">File name in the output folder, e.g. "confusion_matrix.png".</param>
/// <param name="Title">Short title (section heading / alt text).</param>
/// <param name="Caption">One sentence on what the chart shows.</param>
/// <param name="Png">The PNG file's bytes.</param>
public sealed record ReportChart(string FileName, string Title, string Caption, byte[] Png);
