namespace Qieemo.ML.Data;

/// <summary>Options for <see cref="ManifestReader"/>. Column names are matched case-insensitively against the header row.</summary>
public sealed class ManifestOptions
{
    /// <summary>Field delimiter; null (default) detects it from the header row: the most frequent of tab, comma and semicolon outside quotes (comma when none).</summary>
    public char? Delimiter { get; set; }

    /// <summary>Column holding the audio path (required). Relative paths are resolved against the manifest's folder.</summary>
    public string PathColumn { get; set; } = "path";

    /// <summary>Column holding the label (optional: empty labels when the column is absent).</summary>
    public string LabelColumn { get; set; } = "label";

    /// <summary>Column holding the session/fold (optional).</summary>
    public string SessionColumn { get; set; } = "session";

    /// <summary>Column holding the speaker (optional).</summary>
    public string SpeakerColumn { get; set; } = "speaker";

    /// <summary>Column holding the transcript (optional).</summary>
    public string TextColumn { get; set; } = "text";

    /// <summary>Require <see cref="LabelColumn"/> to exist and every row to have a non-empty label (for training manifests).</summary>
    public bool RequireLabel { get; set; }

    /// <summary>Check that every audio file exists (FileNotFoundException listing the first missing ones otherwise).</summary>
    public bool CheckAudioExists { get; set; } = true;
}
