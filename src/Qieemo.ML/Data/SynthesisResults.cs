namespace Qieemo.ML.Data;

/// <summary>One IEMOCAP-like turn written by <see cref="SyntheticCorpus.GenerateIemocap(string, SyntheticCorpusOptions, IProgress{SynthesisProgress}?)"/>.</summary>
public sealed class SynthesizedTurn
{
    /// <summary>Turn name, e.g. <c>Ses02M_script01_2_F004</c>.</summary>
    public required string Id { get; init; }
    /// <summary>Dialog name, e.g. <c>Ses02M_script01_2</c>.</summary>
    public required string Dialog { get; init; }
    /// <summary><c>Session1</c>..<c>Session5</c>.</summary>
    public required string Session { get; init; }
    /// <summary>Speaker, e.g. <c>Ses02F</c>.</summary>
    public required string Speaker { get; init; }
    /// <summary>Raw label written to EmoEvaluation (neu, hap, exc, ang, sad or a distractor).</summary>
    public required string RawLabel { get; init; }
    /// <summary>The class whose prosody distribution the turn was drawn from (neu, hap, ang, sad).</summary>
    public required string ProsodyClass { get; init; }
    /// <summary>The emotion the sentence's words carry (hap, ang, sad) or "neu" for a neutral sentence.</summary>
    public required string TextClass { get; init; }
    /// <summary>The spoken sentence (also in transcriptions/).</summary>
    public required string Text { get; init; }
    /// <summary>Absolute WAV path (16 kHz, mono, 16-bit).</summary>
    public required string Path { get; init; }
    /// <summary>espeak-ng voice+variant.</summary>
    public required string Voice { get; init; }
    /// <summary>espeak-ng -p (0-99).</summary>
    public int Pitch { get; init; }
    /// <summary>SSML prosody range in percent of the voice's default.</summary>
    public int PitchRange { get; init; }
    /// <summary>espeak-ng -s, words per minute.</summary>
    public int Rate { get; init; }
    /// <summary>espeak-ng -a (0-200).</summary>
    public int Amplitude { get; init; }
    /// <summary>Start time in the dialog (seconds, as written).</summary>
    public double Start { get; internal set; }
    /// <summary>End time in the dialog (seconds, as written).</summary>
    public double End { get; internal set; }
    /// <summary>Mean evaluator valence written.</summary>
    public double Valence { get; init; }
    /// <summary>Mean evaluator activation written.</summary>
    public double Arousal { get; init; }
    /// <summary>Mean evaluator dominance written.</summary>
    public double Dominance { get; init; }
}

/// <summary>What <see cref="SyntheticCorpus.GenerateIemocap(string, SyntheticCorpusOptions, IProgress{SynthesisProgress}?)"/> wrote.</summary>
public sealed class IemocapSynthesisResult
{
    /// <summary>The corpus root (holds Session1..Session5); pass it to <see cref="IemocapReader.Read"/>.</summary>
    public required string Root { get; init; }
    /// <summary>Every turn written (distractors included), sorted by session then turn name.</summary>
    public required IReadOnlyList<SynthesizedTurn> Turns { get; init; }
    /// <summary>Turns per session (all raw labels).</summary>
    public required SortedDictionary<string, int> Sessions { get; init; }
    /// <summary>Turns per raw label as written in EmoEvaluation (exc separate from hap).</summary>
    public required SortedDictionary<string, int> RawLabels { get; init; }
    /// <summary>Turns per speaker (all raw labels).</summary>
    public required SortedDictionary<string, int> Speakers { get; init; }
    /// <summary>Total audio in seconds.</summary>
    public double AudioSeconds { get; init; }
    /// <summary>Wall-clock generation time.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>One LibriSpeech-like utterance written by <see cref="SyntheticCorpus.GenerateLibriSpeech(string, SyntheticCorpusOptions, IProgress{SynthesisProgress}?)"/>.</summary>
public sealed class SynthesizedReading
{
    /// <summary><c>speaker-chapter-utt</c>.</summary>
    public required string Id { get; init; }
    /// <summary><c>train-clean-100</c> or <c>dev-clean</c>.</summary>
    public required string Subset { get; init; }
    /// <summary>Numeric speaker id.</summary>
    public required string Speaker { get; init; }
    /// <summary>Numeric chapter id.</summary>
    public required string Chapter { get; init; }
    /// <summary>Transcript as written to trans.txt (upper case).</summary>
    public required string Text { get; init; }
    /// <summary>Absolute audio path (.flac, or .wav without the flac tool).</summary>
    public required string Path { get; init; }
    /// <summary>espeak-ng voice+variant.</summary>
    public required string Voice { get; init; }
}

/// <summary>What <see cref="SyntheticCorpus.GenerateLibriSpeech(string, SyntheticCorpusOptions, IProgress{SynthesisProgress}?)"/> wrote.</summary>
public sealed class LibriSpeechSynthesisResult
{
    /// <summary>The LibriSpeech folder holding the subset folders; pass it to <see cref="LibriSpeechReader.Read"/>.</summary>
    public required string Root { get; init; }
    /// <summary>Every utterance written, sorted by subset then id.</summary>
    public required IReadOnlyList<SynthesizedReading> Utterances { get; init; }
    /// <summary>Utterances per subset.</summary>
    public required SortedDictionary<string, int> Subsets { get; init; }
    /// <summary>Utterances per speaker.</summary>
    public required SortedDictionary<string, int> Speakers { get; init; }
    /// <summary>".flac", or ".wav" when the flac tool was missing or <see cref="SyntheticCorpusOptions.UseFlac"/> is off.</summary>
    public required string AudioExtension { get; init; }
    /// <summary>Total audio in seconds.</summary>
    public double AudioSeconds { get; init; }
    /// <summary>Wall-clock generation time.</summary>
    public TimeSpan Elapsed { get; init; }
}
