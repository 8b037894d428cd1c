namespace Qieemo.ML.Data;

/// <summary>The result of <see cref="LibriSpeechReader.Read"/>.</summary>
public sealed class LibriSpeechCorpus
{
    internal LibriSpeechCorpus(string root, IReadOnlyList<Utterance> utterances, LibriSpeechSummary summary)
    {
        Root = root;
        Utterances = utterances;
        Summary = summary;
    }

    /// <summary>The absolute root that was read (a subset folder or the LibriSpeech folder).</summary>
    public string Root { get; }

    /// <summary>Utterances sorted by subset, then utterance id (ordinal).</summary>
    public IReadOnlyList<Utterance> Utterances { get; }

    /// <summary>Counts.</summary>
    public LibriSpeechSummary Summary { get; }
}
