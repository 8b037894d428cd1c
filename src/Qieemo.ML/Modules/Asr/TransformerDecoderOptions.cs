namespace Qieemo.ML.Modules.Asr;

/// <summary>Options of the <see cref="TransformerDecoder"/>; defaults are WeNet's transformer decoder defaults.</summary>
public sealed class TransformerDecoderOptions
{
    /// <summary>Output vocabulary size V (including &lt;blank&gt;, &lt;unk&gt; and &lt;sos/eos&gt;).</summary>
    public int VocabularySize { get; set; }
    /// <summary>Model dimension D; must equal the encoder output dimension.</summary>
    public int AttentionDim { get; set; } = 256;
    /// <summary>Attention heads (must divide <see cref="AttentionDim"/>).</summary>
    public int AttentionHeads { get; set; } = 4;
    /// <summary>Hidden units of the feed-forward blocks.</summary>
    public int LinearUnits { get; set; } = 2048;
    /// <summary>Number of decoder blocks.</summary>
    public int NumBlocks { get; set; } = 6;
    /// <summary>Dropout after each residual branch and inside the feed-forward.</summary>
    public double DropoutRate { get; set; } = 0.1;
    /// <summary>Dropout after the positional encoding.</summary>
    public double PositionalDropoutRate { get; set; } = 0.1;
    /// <summary>Dropout on the self-attention weights.</summary>
    public double SelfAttentionDropoutRate { get; set; } = 0.0;
    /// <summary>Dropout on the source-attention weights.</summary>
    public double SourceAttentionDropoutRate { get; set; } = 0.0;
    /// <summary>LayerNorm epsilon (WeNet uses 1e-5).</summary>
    public double LayerNormEpsilon { get; set; } = 1e-5;
    /// <summary>Longest target sequence (including &lt;sos&gt;) the positional encoding covers.</summary>
    public int MaxLength { get; set; } = 5000;

    internal void Validate()
    {
        if (VocabularySize < 2) throw new ArgumentException($"VocabularySize must be at least 2, got {VocabularySize}");
        if (AttentionDim <= 0 || AttentionDim % 2 != 0) throw new ArgumentException($"AttentionDim must be positive and even, got {AttentionDim}");
        if (AttentionHeads <= 0 || AttentionDim % AttentionHeads != 0)
            throw new ArgumentException($"AttentionHeads ({AttentionHeads}) must divide AttentionDim ({AttentionDim})");
        if (LinearUnits <= 0) throw new ArgumentException($"LinearUnits must be positive, got {LinearUnits}");
        if (NumBlocks < 0) throw new ArgumentException($"NumBlocks must not be negative, got {NumBlocks}");
        foreach (var (n, v) in new[] { (nameof(DropoutRate), DropoutRate), (nameof(PositionalDropoutRate), PositionalDropoutRate),
                     (nameof(SelfAttentionDropoutRate), SelfAttentionDropoutRate), (nameof(SourceAttentionDropoutRate), SourceAttentionDropoutRate) })
            if (v < 0 || v >= 1) throw new ArgumentException($"{n} must lie in [0, 1), got {v}");
    }
}
