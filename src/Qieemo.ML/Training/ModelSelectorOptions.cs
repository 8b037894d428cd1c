namespace Qieemo.ML.Training;

/// <summary>Whether a larger or a smaller dev metric is better.</summary>
public enum MetricGoal
{
    /// <summary>Larger is better (accuracy, UA, WA).</summary>
    Maximize,

    /// <summary>Smaller is better (loss, CER).</summary>
    Minimize,
}

/// <summary>Options of <see cref="ModelSelector"/>.</summary>
public sealed class ModelSelectorOptions
{
    /// <summary>Direction of improvement.</summary>
    public MetricGoal Goal { get; set; } = MetricGoal.Maximize;

    /// <summary>Stop after this many epochs without improvement (0 = never stop early).</summary>
    public int Patience { get; set; }

    /// <summary>An improvement must exceed this amount to count.</summary>
    public double MinDelta { get; set; }

    /// <summary>Keep the best weights in this file (checkpoint format) instead of in memory; null = in memory.</summary>
    public string? BestWeightsPath { get; set; }
}
