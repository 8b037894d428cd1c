namespace Qieemo.ML.Training;

/// <summary>
/// A learning-rate curve as a factor of each group's base rate. <c>step</c> is WeNet's
/// <c>step_num</c>: 1 for the first optimizer update, 2 for the second, …
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>Multiplier of the base learning rate for update number <paramref name="step"/> (≥ 1).</summary>
    double Factor(long step);
}
