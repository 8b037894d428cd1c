namespace Qieemo.ML.Training;

/// <summary>
/// WeNet's <c>WarmupLR</c> (Noam without the model-size term):
/// lr = base_lr · warmup^0.5 · min(step^-0.5, step · warmup^-1.5); the rate rises linearly to
/// base_lr at step = warmup and then decays as 1/√step. With warmup 0 it is base_lr · step^-0.5.
/// </summary>
public sealed class WarmupLR : ILearningRateSchedule
{
    /// <summary>Creates the schedule (WeNet's default warmup is 25000 steps).</summary>
    public WarmupLR(long warmupSteps = 25000)
    {
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmup steps must be ≥ 0");
        WarmupSteps = warmupSteps;
    }

    /// <summary>Steps until the peak (base) learning rate.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc />
    public double Factor(long step)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "steps count from 1");
        if (WarmupSteps == 0) return Math.Pow(step, -0.5);
        return Math.Sqrt(WarmupSteps) * Math.Min(Math.Pow(step, -0.5), step * Math.Pow(WarmupSteps, -1.5));
    }
}
