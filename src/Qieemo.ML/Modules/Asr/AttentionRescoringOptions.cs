namespace Qieemo.ML.Modules.Asr;

/// <summary>Options of <see cref="AttentionRescoring"/>.</summary>
public sealed class AttentionRescoringOptions
{
    /// <summary>Beam of the CTC prefix search = number of hypotheses rescored (WeNet's beam_size, default 10).</summary>
    public int BeamSize { get; set; } = 10;
    /// <summary>Weight of the CTC score added to the attention score (WeNet's ctc_weight; its recipes use 0.3-0.5).</summary>
    public double CtcWeight { get; set; } = 0.5;
}
