namespace Qieemo.ML.Data;

/// <summary>Counts describing what a corpus reader kept and dropped.</summary>
public sealed class CorpusSummary
{
    /// <summary>Number of utterances returned.</summary>
    public int Utterances { get; init; }

    /// <summary>Kept utterances per session (every session that was read appears, possibly with 0).</summary>
    public SortedDictionary<string, int> Sessions { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Kept utterances per (mapped) label.</summary>
    public SortedDictionary<string, int> Labels { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Kept utterances per speaker.</summary>
    public SortedDictionary<string, int> Speakers { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Utterances read from the annotation files but not kept: label outside the label set or filtered by an option (e.g. improvised-only).</summary>
    public int Dropped { get; init; }

    /// <summary>Utterances skipped because their audio file does not exist (only with a skip option; otherwise missing audio is an error).</summary>
    public int MissingAudioSkipped { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Utterances} utterances; sessions {Format(Sessions)}; labels {Format(Labels)}; {Speakers.Count} speakers; dropped {Dropped}; missing audio skipped {MissingAudioSkipped}";

    internal static string Format(SortedDictionary<string, int> d) => string.Join(", ", d.Select(kv => $"{kv.Key}={kv.Value}"));

    internal static CorpusSummary FromUtterances(IReadOnlyList<Utterance> kept, IEnumerable<string> sessionsRead, int dropped, int missingSkipped)
    {
        var sessions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in sessionsRead) sessions[s] = 0;
        var labels = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var speakers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var u in kept)
        {
            sessions[u.Session] = sessions.GetValueOrDefault(u.Session) + 1;
            labels[u.Label] = labels.GetValueOrDefault(u.Label) + 1;
            speakers[u.Speaker] = speakers.GetValueOrDefault(u.Speaker) + 1;
        }
        return new CorpusSummary { Utterances = kept.Count, Sessions = sessions, Labels = labels, Speakers = speakers, Dropped = dropped, MissingAudioSkipped = missingSkipped };
    }
}
