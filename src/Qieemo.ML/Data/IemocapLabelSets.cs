namespace Qieemo.ML.Data;

/// <summary>
/// Standard mappings from IEMOCAP's raw categorical labels (neu, hap, exc, ang, sad, fru, sur, fea, dis, oth, xxx)
/// to the labels a classifier is trained on. A raw label that maps to null, or is absent from the mapping, is dropped.
/// </summary>
public static class IemocapLabelSets
{
    /// <summary>Every categorical label IEMOCAP's EmoEvaluation files use (xxx = no evaluator majority).</summary>
    public static IReadOnlyList<string> RawLabels { get; } = ["neu", "hap", "exc", "ang", "sad", "fru", "sur", "fea", "dis", "oth", "xxx"];

    /// <summary>The standard 4-class protocol: neu, hap (with exc merged into hap), ang, sad; everything else dropped (5531 utterances on the real corpus).</summary>
    public static IReadOnlyDictionary<string, string?> FourClass { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["neu"] = "neu", ["hap"] = "hap", ["exc"] = "hap", ["ang"] = "ang", ["sad"] = "sad",
    };

    /// <summary>The 6-class protocol used by several papers: neu, hap, exc, ang, sad, fru kept as separate classes.</summary>
    public static IReadOnlyDictionary<string, string?> SixClass { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["neu"] = "neu", ["hap"] = "hap", ["exc"] = "exc", ["ang"] = "ang", ["sad"] = "sad", ["fru"] = "fru",
    };

    /// <summary>Every raw label kept as it is, including xxx.</summary>
    public static IReadOnlyDictionary<string, string?> All { get; } = RawLabels.ToDictionary(l => l, l => (string?)l, StringComparer.Ordinal);
}
