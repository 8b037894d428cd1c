namespace Qieemo.ML.Data;

/// <summary>The result of <see cref="IemocapReader.Read"/>: utterances sorted by session, dialog and turn, plus counts.</summary>
public sealed class IemocapCorpus
{
    internal IemocapCorpus(string root, IReadOnlyList<Utterance> utterances, CorpusSummary summary)
    {
        Root = root;
        Utterances = utterances;
        Summary = summary;
    }

    /// <summary>The absolute corpus root (the folder holding Session1..Session5).</summary>
    public string Root { get; }

    /// <summary>Kept utterances, sorted by session, then turn name (ordinal).</summary>
    public IReadOnlyList<Utterance> Utterances { get; }

    /// <summary>What was kept and dropped.</summary>
    public CorpusSummary Summary { get; }
}
