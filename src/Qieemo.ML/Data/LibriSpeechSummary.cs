namespace Qieemo.ML.Data;

/// <summary>Counts describing a LibriSpeech read.</summary>
public sealed class LibriSpeechSummary
{
    /// <summary>Number of utterances returned.</summary>
    public int Utterances { get; init; }

    /// <summary>Utterances per speaker id.</summary>
    public SortedDictionary<string, int> Speakers { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Utterances per subset folder.</summary>
    public SortedDictionary<string, int> Subsets { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Number of distinct (speaker, chapter) folders read.</summary>
    public int Chapters { get; init; }

    /// <summary>Total audio in hours (NaN when durations were not read).</summary>
    public double Hours { get; init; }

    /// <summary>Transcript lines without audio plus audio files without transcript, skipped by <see cref="LibriSpeechOptions.SkipMismatched"/>.</summary>
    public int Skipped { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Utterances} utterances, {Speakers.Count} speakers, {Chapters} chapters, {Hours:F3} h; subsets {CorpusSummary.Format(Subsets)}; skipped {Skipped}";
}
