namespace Qieemo.ML.Modules.Emotion;

/// <summary>Options of the cross-modal attention (CMA) module, paper §II.C, equations (6)-(8).</summary>
public sealed class CrossModalAttentionOptions
{
    /// <summary>d_att: width of Q, K, V and of the output O_att.</summary>
    public int AttentionDim { get; set; } = 256;

    /// <summary>
    /// Number of heads. 1 (default) is exactly equations (6)-(8) with scale sqrt(d_att). With H &gt; 1, Q, K, V
    /// are split into H heads of d_att/H, each attends with scale sqrt(d_att/H), and the heads are
    /// concatenated after each ReLU (a multi-head variant, not in the paper).
    /// </summary>
    public int Heads { get; set; } = 1;

    /// <summary>Whether W_Q, W_K, W_V have a bias. Default false: equation (6) has pure matrices.</summary>
    public bool ProjectionBias { get; set; }

    /// <summary>
    /// Not in the paper (default false). True: the output is O_att + Q, a skip connection from the projected
    /// emotion features. By equations (7)-(8) alone, O_att is a ReLU of convex combinations of PPG value
    /// rows, so E reaches the output only through attention weights (near-uniform at initialization); the
    /// skip lets emotion content reach the classifier directly.
    /// </summary>
    public bool QueryResidual { get; set; }

    internal void Validate()
    {
        if (AttentionDim < 1) throw new ArgumentException($"CrossModalAttentionOptions.AttentionDim must be >= 1 (got {AttentionDim})");
        if (Heads < 1 || AttentionDim % Heads != 0)
            throw new ArgumentException($"CrossModalAttentionOptions.Heads must be >= 1 and divide AttentionDim {AttentionDim} (got {Heads})");
    }
}
