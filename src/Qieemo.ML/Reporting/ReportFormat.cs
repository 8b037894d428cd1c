using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Qieemo.ML.Reporting;

/// <summary>Invariant-culture number formatting shared by the Markdown and HTML renderings.</summary>
internal static class ReportFormat
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>A fraction as a percentage with two decimals, e.g. 0.71234 → "71.23".</summary>
    public static string Pct(double fraction) => (100 * fraction).ToString("F2", Ci);

    /// <summary>"mean ± std" in percent.</summary>
    public static string PctPm(double mean, double? std) => std is { } s ? $"{Pct(mean)} ± {Pct(s)}" : Pct(mean);

    /// <summary>A difference of fractions in percentage points with its sign, e.g. "+3.20".</summary>
    public static string Delta(double fraction) => (fraction >= 0 ? "+" : "−") + Math.Abs(100 * fraction).ToString("F2", Ci);

    public static string Count(long n) => n.ToString("N0", Ci);

    public static string Decimal(double v, int digits = 4) => v.ToString("F" + digits, Ci);

    /// <summary>Seconds as "850 ms", "12.3 s", "4 min 05 s" or "2 h 03 min".</summary>
    public static string Duration(double seconds)
    {
        if (seconds < 1) return (seconds * 1000).ToString("F0", Ci) + " ms";
        if (seconds < 60) return seconds.ToString("F1", Ci) + " s";
        if (seconds < 3600) return $"{(int)(seconds / 60)} min {((int)seconds % 60).ToString("D2", Ci)} s";
        return $"{(int)(seconds / 3600)} h {((int)(seconds / 60) % 60).ToString("D2", Ci)} min";
    }

    /// <summary>A configuration value as text: numbers invariant, sequences comma-separated, JSON as written.</summary>
    public static string Value(object? value) => value switch
    {
        null => "—",
        string s => s,
        bool b => b ? "true" : "false",
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText(),
        IFormattable f => f.ToString(null, Ci),
        IDictionary d => JsonSerializer.Serialize(d),
        IEnumerable seq => string.Join(", ", seq.Cast<object?>().Select(Value)),
        _ => value.ToString() ?? "",
    };
}
