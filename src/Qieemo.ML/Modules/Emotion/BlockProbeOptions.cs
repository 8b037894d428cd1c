namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// Options of <see cref="BlockProbeHead"/>, the Table I probe: one encoder block's output, mean-pooled,
/// classified by "256 dimensional linear layers".
/// </summary>
public sealed class BlockProbeOptions
{
    /// <summary>Index (0-based) of the probed block among all encoder blocks.</summary>
    public int Block { get; set; } = 8;

    /// <summary>D: width of the block output.</summary>
    public int InputDim { get; set; } = 256;

    /// <summary>Hidden width of the probe (256 in the paper).</summary>
    public int Hidden { get; set; } = 256;

    /// <summary>Dropout between the two linear layers (0 = exactly Linear → ReLU → Linear).</summary>
    public double Dropout { get; set; }

    /// <summary>Number of emotion classes.</summary>
    public int NumClasses { get; set; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Block < 0) throw new ArgumentException($"BlockProbeOptions.Block must be >= 0 (got {Block})");
        if (InputDim < 1) throw new ArgumentException($"BlockProbeOptions.InputDim must be >= 1 (got {InputDim})");
        if (Hidden < 1) throw new ArgumentException($"BlockProbeOptions.Hidden must be >= 1 (got {Hidden})");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"BlockProbeOptions.Dropout must be in [0, 1) (got {Dropout})");
        if (NumClasses < 2) throw new ArgumentException($"BlockProbeOptions.NumClasses must be >= 2 (got {NumClasses})");
    }
}
