namespace Qieemo.ML.Data;

/// <summary>
/// One utterance of a speech corpus: the row type of every reader in this folder
/// (IEMOCAP, LibriSpeech, CSV/TSV manifests).
/// </summary>
/// <remarks>
/// A single flat class (rather than one class per corpus) so that every corpus loads through
/// <c>MLContext.Data.LoadFromEnumerable&lt;Utterance&gt;</c> into the same schema: text columns
/// (<see cref="Path"/>, <see cref="Id"/>, <see cref="Dialog"/>, <see cref="Session"/>, <see cref="Speaker"/>,
/// <see cref="Gender"/>, <see cref="Label"/>, <see cref="Text"/>, <see cref="Chapter"/>) and float columns
/// (<see cref="Valence"/>, <see cref="Arousal"/>, <see cref="Dominance"/>, <see cref="Start"/>, <see cref="End"/>,
/// <see cref="Duration"/>). Fields a corpus does not have are the empty string (text) or NaN (float),
/// never null, so ML.NET pipelines can be shared between corpora.
/// </remarks>
public sealed class Utterance
{
    /// <summary>Absolute path of the audio file (WAV or FLAC).</summary>
    public string Path { get; set; } = "";

    /// <summary>Utterance id: the IEMOCAP turn name (<c>Ses01F_impro01_M013</c>) or the LibriSpeech id (<c>84-121123-0000</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>IEMOCAP dialog (<c>Ses01F_impro01</c>); empty for other corpora.</summary>
    public string Dialog { get; set; } = "";

    /// <summary>IEMOCAP session folder (<c>Session1</c>..<c>Session5</c>); the subset (<c>dev-clean</c>) for LibriSpeech; the manifest's session column otherwise.</summary>
    public string Session { get; set; } = "";

    /// <summary>Speaker id: session + gender of the turn for IEMOCAP (<c>Ses01M</c>), the numeric reader id for LibriSpeech.</summary>
    public string Speaker { get; set; } = "";

    /// <summary>"F" or "M" where the corpus says; empty otherwise.</summary>
    public string Gender { get; set; } = "";

    /// <summary>Emotion label after the reader's label mapping (e.g. <c>hap</c> for IEMOCAP <c>exc</c> in the 4-class set); empty when unlabeled.</summary>
    public string Label { get; set; } = "";

    /// <summary>IEMOCAP dimensional valence (1-5, evaluator mean); NaN when absent.</summary>
    public float Valence { get; set; } = float.NaN;

    /// <summary>IEMOCAP dimensional activation/arousal (1-5); NaN when absent.</summary>
    public float Arousal { get; set; } = float.NaN;

    /// <summary>IEMOCAP dimensional dominance (1-5); NaN when absent.</summary>
    public float Dominance { get; set; } = float.NaN;

    /// <summary>Start of the turn inside the dialog recording, in seconds; NaN when absent.</summary>
    public float Start { get; set; } = float.NaN;

    /// <summary>End of the turn inside the dialog recording, in seconds; NaN when absent.</summary>
    public float End { get; set; } = float.NaN;

    /// <summary>Transcript; empty when unknown.</summary>
    public string Text { get; set; } = "";

    /// <summary>LibriSpeech chapter id; empty for other corpora.</summary>
    public string Chapter { get; set; } = "";

    /// <summary>Audio duration in seconds (from the FLAC/WAV header for LibriSpeech, End - Start for IEMOCAP); NaN when unknown.</summary>
    public float Duration { get; set; } = float.NaN;

    /// <inheritdoc/>
    public override string ToString() => $"{Id} [{Label}] {Path}";
}
