namespace Qieemo.ML.Training;

/// <summary>A constant learning rate (factor 1 at every step).</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <inheritdoc />
    public double Factor(long step)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "steps count from 1");
        return 1.0;
    }
}
