namespace Qieemo.ML.Data;

/// <summary>Options for <see cref="LibriSpeechReader"/>.</summary>
public sealed class LibriSpeechOptions
{
    /// <summary>
    /// Subsets to read (folder names such as <c>train-clean-100</c>, <c>dev-clean</c>) when the root is the LibriSpeech
    /// folder holding several subsets. Null (default) reads every subset folder present. When the root is itself a
    /// subset folder, its name must be in the list (if a list is given).
    /// </summary>
    public IReadOnlyCollection<string>? Subsets { get; set; }

    /// <summary>
    /// Skip (and count in <see cref="LibriSpeechSummary.Skipped"/>) transcript lines without audio and audio files without a
    /// transcript line, instead of throwing <see cref="InvalidDataException"/>.
    /// </summary>
    public bool SkipMismatched { get; set; }

    /// <summary>Read <see cref="Utterance.Duration"/> from each file's FLAC STREAMINFO (or WAV header). One small read per file.</summary>
    public bool ReadDurations { get; set; } = true;
}
