namespace Qieemo.ML.Data;

/// <summary>Options for <see cref="IemocapReader"/>.</summary>
public sealed class IemocapOptions
{
    /// <summary>
    /// Raw label → output label (null = drop). Raw labels not in the mapping are dropped too.
    /// Default: <see cref="IemocapLabelSets.FourClass"/> (neu, hap+exc, ang, sad).
    /// </summary>
    public IReadOnlyDictionary<string, string?> LabelSet { get; set; } = IemocapLabelSets.FourClass;

    /// <summary>Keep only improvised dialogs (<c>_impro</c> in the dialog name), as some papers do.</summary>
    public bool ImprovisedOnly { get; set; }

    /// <summary>Skip utterances whose WAV file is missing (counted in <see cref="CorpusSummary.MissingAudioSkipped"/>) instead of throwing.</summary>
    public bool SkipMissingAudio { get; set; }

    /// <summary>
    /// Session numbers to read (1-5). Null (default) reads every <c>Session1</c>..<c>Session5</c> folder present
    /// (at least one must exist); an explicit list requires each of its folders to exist.
    /// </summary>
    public IReadOnlyCollection<int>? Sessions { get; set; }

    /// <summary>Fill <see cref="Utterance.Text"/> from <c>dialog/transcriptions/&lt;dialog&gt;.txt</c> where present.</summary>
    public bool ReadTranscripts { get; set; } = true;
}
