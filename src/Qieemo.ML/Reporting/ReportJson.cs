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
        // Contract names are explicit [JsonPropertyName]s; the policy only backs them up. Dictionary keys
        // (configuration, timings, counts) are written as given.
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Keep class names and paths readable (no \uXXXX for non-ASCII); the file is not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
