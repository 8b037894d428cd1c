using System.Globalization;

namespace Qieemo.ML.Reporting;

/// <summary>Argument checks shared by the report's parts: JSON has no NaN or infinity, so they are rejected early.</summary>
internal static class ReportValidation
{
    public static double Finite(double value, string name)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"{name} must be a finite number; got {value.ToString(CultureInfo.InvariantCulture)}.", name);
        return value;
    }

    public static double? Finite(double? value, string name) => value is { } v ? Finite(v, name) : null;
}
