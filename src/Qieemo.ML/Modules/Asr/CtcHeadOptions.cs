namespace Qieemo.ML.Modules.Asr;

/// <summary>Options of the <see cref="CtcHead"/>.</summary>
public sealed class CtcHeadOptions
{
    /// <summary>Encoder output dimension D.</summary>
    public int InputDim { get; set; }
    /// <summary>Vocabulary size V (including the blank).</summary>
    public int VocabularySize { get; set; }
    /// <summary>Id of the CTC blank (WeNet: 0).</summary>
    public int BlankId { get; set; } = 0;
    /// <summary>Dropout on the encoder output before the projection (WeNet's CTC default: 0).</summary>
    public double DropoutRate { get; set; } = 0.0;
}
