namespace Qieemo.ML.Training;

/// <summary>How <see cref="WarmupDecaySchedule"/> decays after the warmup.</summary>
public enum DecayShape
{
    /// <summary>Half a cosine from 1 down to the final ratio.</summary>
    Cosine,

    /// <summary>A straight line from 1 down to the final ratio.</summary>
    Linear,
}

/// <summary>
/// Linear warmup to the base rate over <see cref="WarmupSteps"/> updates (factor step/warmup), then a
/// cosine or linear decay reaching <see cref="FinalRatio"/> × base at <see cref="TotalSteps"/> and
/// staying there. Fine-tuning schedules (warmup-cosine / warmup-linear).
/// </summary>
public sealed class WarmupDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public WarmupDecaySchedule(DecayShape shape, long warmupSteps, long totalSteps, double finalRatio = 0)
    {
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmup steps must be ≥ 0");
        if (totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"total steps must exceed the {warmupSteps} warmup steps");
        if (finalRatio is < 0 or > 1 || double.IsNaN(finalRatio))
            throw new ArgumentOutOfRangeException(nameof(finalRatio), finalRatio, "final ratio must be in [0, 1]");
        Shape = shape;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        FinalRatio = finalRatio;
    }

    /// <summary>Decay shape after warmup.</summary>
    public DecayShape Shape { get; }

    /// <summary>Updates of linear warmup (0 = none).</summary>
    public long WarmupSteps { get; }

    /// <summary>Update at which the decay reaches <see cref="FinalRatio"/>.</summary>
    public long TotalSteps { get; }

    /// <summary>Final factor (fraction of the base rate).</summary>
    public double FinalRatio { get; }

    /// <inheritdoc />
    public double Factor(long step)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "steps count from 1");
        if (step <= WarmupSteps) return (double)step / WarmupSteps;
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps));
        double decay = Shape == DecayShape.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return FinalRatio + (1 - FinalRatio) * decay;
    }
}
