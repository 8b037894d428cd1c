namespace Qieemo.ML.Text;

/// <summary>Options for building a <see cref="CharTokenizer"/> from training transcripts.</summary>
public sealed class CharTokenizerOptions
{
    /// <summary>
    /// The unit that stands for a space between words. Default "▁" (U+2581), the symbol WeNet's
    /// character tokenizer writes for a space; "&lt;space&gt;" (ESPnet/Kaldi style) is the only alternative.
    /// </summary>
    public string SpaceSymbol { get; set; } = CharTokenizer.WeNetSpaceSymbol;

    /// <summary>Characters seen fewer times than this in the transcripts get no unit and encode as &lt;unk&gt;.</summary>
    public int MinCount { get; set; } = 1;
}
