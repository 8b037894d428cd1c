namespace Qieemo.ML.Reporting;

/// <summary>A plain table of a report section, rendered to Markdown or HTML.</summary>
/// <param name="Header">Column titles.</param>
/// <param name="Rows">Cells, each row as long as <paramref name="Header"/>.</param>
/// <param name="NumericFrom">Columns from this index on are numbers (right-aligned).</param>
/// <param name="BoldRows">Rows shown in bold (means, the model itself).</param>
internal sealed record ReportTable(string[] Header, List<string[]> Rows, int NumericFrom = 1, HashSet<int>? BoldRows = null)
{
    public bool IsBold(int row) => BoldRows?.Contains(row) == true;
}

/// <summary>One section of a report: a heading, optional text, tables and charts.</summary>
internal sealed record ReportSection(string Id, string Title, string? Text, List<ReportTable> Tables, List<ReportChart> Charts);
