using System.Text.Encodings.Web;
using System.Text.Json;

namespace Qieemo.ML.Reporting;

/// <summary>Serializer settings of the report's JSON.</summary>
internal static class ReportJson
{
    public static readonly JsonSerializerOptions Indented = Make(true);
    public static readonly JsonSerializerOptions Compact = Make(false);

    private static JsonSerializerOptions Make(bool indented) => new()
    {
        WriteIndented = indented,
        // Names are given explicitly per property; the policy covers dictionary-free extras consistently.
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Keep class names and paths readable (no \uXXXX for non-ASCII); the file is not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
