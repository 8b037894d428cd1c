namespace Qieemo.ML.Reporting;

/// <summary>Conversions between rectangular and jagged matrices (System.Text.Json only handles jagged arrays).</summary>
internal static class ReportMatrix
{
    public static long[][] ToJagged(long[,] m)
    {
        var rows = new long[m.GetLength(0)][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new long[m.GetLength(1)];
            for (int c = 0; c < rows[r].Length; c++) rows[r][c] = m[r, c];
        }
        return rows;
    }
}
