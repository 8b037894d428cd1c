namespace Qieemo.ML.Modules.Asr;

/// <summary>Options of the <see cref="HybridCtcAttentionLoss"/> (WeNet's ASRModel defaults).</summary>
public sealed class HybridCtcAttentionLossOptions
{
    /// <summary>Weight of the CTC loss; the attention loss gets 1 - CtcWeight. 0 or 1 skips the other branch.</summary>
    public double CtcWeight { get; set; } = 0.3;
    /// <summary>Label smoothing of the attention loss (WeNet's lsm_weight).</summary>
    public double LabelSmoothing { get; set; } = 0.1;
    /// <summary>Normalise the attention loss by the token count instead of the batch size.</summary>
    public bool LengthNormalizedLoss { get; set; } = false;
    /// <summary>Padding value of the decoder outputs (WeNet's IGNORE_ID).</summary>
    public int IgnoreId { get; set; } = -1;
}
