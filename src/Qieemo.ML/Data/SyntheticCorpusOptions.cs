namespace Qieemo.ML.Data;

/// <summary>Options for <see cref="SyntheticCorpus"/>: sizes, label/text mix and parallelism.</summary>
public sealed class SyntheticCorpusOptions
{
    /// <summary>Default number of IEMOCAP-like turns for the demo: about 2460 s of audio, 755 turns after the 4-class
    /// reader; generated in 13-23 s on 2 (shared) cores.</summary>
    public const int DefaultIemocapUtterances = 1000;

    /// <summary>Default number of LibriSpeech-like utterances for the demo: about 1010 s of FLAC, generated in 6-11 s on 2 (shared) cores.</summary>
    public const int DefaultLibriSpeechUtterances = 240;

    /// <summary>Seed: the same seed gives the same files, labels and audio bytes (on the same espeak-ng/sox build).</summary>
    public int Seed { get; set; }

    /// <summary>IEMOCAP: total turns written, distractor-labelled turns included (about 75% remain after the 4-class reader).</summary>
    public int IemocapUtterances { get; set; } = DefaultIemocapUtterances;

    /// <summary>IEMOCAP: fraction of turns labelled with a distractor label (fru, sur, fea, dis, oth, xxx) that the 4-class protocol drops.</summary>
    public double DistractorFraction { get; set; } = 0.25;

    /// <summary>IEMOCAP: fraction of happy turns written as <c>exc</c> (merged into hap by the 4-class reader).</summary>
    public double ExcitedFraction { get; set; } = 0.4;

    /// <summary>IEMOCAP: fraction of emotional turns whose sentence carries words of their own emotion.</summary>
    public double CongruentTextFraction { get; set; } = 0.6;

    /// <summary>IEMOCAP: fraction of turns whose sentence carries words of another emotion (the rest get neutral sentences).</summary>
    public double IncongruentTextFraction { get; set; } = 0.1;

    /// <summary>IEMOCAP: turns per dialog (the last dialog of a session may be shorter).</summary>
    public int TurnsPerDialog { get; set; } = 12;

    /// <summary>
    /// Scales the spread of the per-class prosody distributions and speaker offsets (1 = default overlap; smaller makes
    /// the classes easier to separate from acoustics alone).
    /// </summary>
    public double ProsodySpread { get; set; } = 1.0;

    /// <summary>LibriSpeech: total utterances over all subsets.</summary>
    public int LibriSpeechUtterances { get; set; } = DefaultLibriSpeechUtterances;

    /// <summary>LibriSpeech: speakers in <c>train-clean-100</c>.</summary>
    public int TrainSpeakers { get; set; } = 6;

    /// <summary>LibriSpeech: held-out speakers in <c>dev-clean</c>.</summary>
    public int DevSpeakers { get; set; } = 2;

    /// <summary>LibriSpeech: chapters per speaker.</summary>
    public int ChaptersPerSpeaker { get; set; } = 2;

    /// <summary>LibriSpeech: encode with the flac tool (falls back to 16 kHz WAV when flac is not installed; see <see cref="LibriSpeechSynthesisResult.AudioExtension"/>).</summary>
    public bool UseFlac { get; set; } = true;

    /// <summary>Delete previously generated Session*/subset folders in the output folder instead of refusing to write there.</summary>
    public bool Overwrite { get; set; }

    /// <summary>Parallel espeak-ng/sox processes.</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;
}
