using System.Globalization;
using System.Text;

namespace Qieemo.ML.Reporting;

/// <summary>Renders a report as GitHub-flavoured Markdown; charts are referenced as PNG files beside it.</summary>
public static class MarkdownReportRenderer
{
    /// <summary>The Markdown text of <paramref name="report"/>, with <c>![title](file)</c> links to <paramref name="charts"/>.</summary>
    public static string Render(EvaluationReport report, IReadOnlyList<ReportChart> charts)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(charts);
        report.Validate();
        var sb = new StringBuilder();
        sb.Append("# ").AppendLine(Escape(report.Title)).AppendLine();
        var meta = new List<string> { $"Model: **{Escape(report.ModelName)}**" };
        if (report.Dataset is { Name.Length: > 0 } d) meta.Add($"data: {Escape(d.Name)}");
        if (report.GeneratedAt is { } at) meta.Add("generated " + at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        sb.AppendLine(string.Join(" · ", meta)).AppendLine();

        foreach (var section in ReportSections.Build(report, charts))
        {
            sb.Append("## ").AppendLine(Escape(section.Title)).AppendLine();
            if (section.Text != null) sb.AppendLine(Escape(section.Text)).AppendLine();
            foreach (var table in section.Tables) AppendTable(sb, table);
            foreach (var chart in section.Charts)
                sb.Append("![").Append(Escape(chart.Title)).Append("](").Append(chart.FileName).AppendLine(")").AppendLine()
                  .Append('*').Append(Escape(chart.Caption)).AppendLine("*").AppendLine();
        }
        return sb.ToString();
    }

    private static void AppendTable(StringBuilder sb, ReportTable table)
    {
        sb.Append('|');
        foreach (var h in table.Header) sb.Append(' ').Append(h.Length == 0 ? " " : Escape(h)).Append(" |");
        sb.AppendLine().Append('|');
        for (int c = 0; c < table.Header.Length; c++) sb.Append(c >= table.NumericFrom ? "---:|" : ":---|");
        sb.AppendLine();
        for (int r = 0; r < table.Rows.Count; r++)
        {
            sb.Append('|');
            foreach (var cell in table.Rows[r])
            {
                string text = Escape(cell);
                sb.Append(' ').Append(table.IsBold(r) && text.Length > 0 ? $"**{text}**" : text).Append(" |");
            }
            sb.AppendLine();
        }
        sb.AppendLine();
    }

    /// <summary>Keeps cell text from breaking the table or turning into markup.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is '\r' or '\n') { sb.Append(' '); continue; }
            if (c is '|' or '*' or '_' or '`' or '[' or ']' or '<' or '>' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
