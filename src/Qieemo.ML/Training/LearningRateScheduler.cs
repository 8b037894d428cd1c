using static TorchSharp.torch.optim;

namespace Qieemo.ML.Training;

/// <summary>
/// Drives the learning rate of every parameter group of an optimizer:
/// group_lr = group_base_lr × schedule.Factor(StepCount + 1), i.e. the rate used by the next update,
/// as WeNet's scheduler (constructed → step_num 1; <see cref="Step"/> after each optimizer update).
/// </summary>
public sealed class LearningRateScheduler
{
    private readonly ILearningRateController[] _groups;
    private readonly double[] _baseRates;

    /// <summary>
    /// Attaches to <paramref name="optimizer"/>. Base rates default to each group's initial rate
    /// (the rates the optimizer was created with, e.g. by <see cref="OptimizerFactory"/>).
    /// Sets the rates for the first update.
    /// </summary>
    public LearningRateScheduler(Optimizer optimizer, ILearningRateSchedule schedule, IReadOnlyList<double>? baseLearningRates = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        _groups = optimizer.ParamGroups.ToArray();
        if (_groups.Length == 0) throw new ArgumentException("the optimizer has no parameter groups", nameof(optimizer));
        if (baseLearningRates is not null && baseLearningRates.Count != _groups.Length)
            throw new ArgumentException($"{baseLearningRates.Count} base rates for {_groups.Length} parameter groups", nameof(baseLearningRates));
        _baseRates = baseLearningRates?.ToArray() ?? _groups.Select(g => g.InitialLearningRate).ToArray();
        Apply();
    }

    /// <summary>The curve.</summary>
    public ILearningRateSchedule Schedule { get; }

    /// <summary>Optimizer updates done so far (WeNet's <c>last_epoch</c>); saved in checkpoints.</summary>
    public long StepCount { get; private set; }

    /// <summary>Base rate of each parameter group.</summary>
    public IReadOnlyList<double> BaseLearningRates => _baseRates;

    /// <summary>The rate each group will use for the next update.</summary>
    public IReadOnlyList<double> CurrentLearningRates => _groups.Select(g => g.LearningRate).ToArray();

    /// <summary>Call after every optimizer update (also after a skipped one, as WeNet does).</summary>
    public void Step()
    {
        StepCount++;
        Apply();
    }

    /// <summary>Jumps to <paramref name="stepCount"/> updates done (resuming from a checkpoint).</summary>
    public void SetStepCount(long stepCount)
    {
        if (stepCount < 0) throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, "step count must be ≥ 0");
        StepCount = stepCount;
        Apply();
    }

    private void Apply()
    {
        double f = Schedule.Factor(StepCount + 1);
        for (int i = 0; i < _groups.Length; i++) _groups[i].LearningRate = _baseRates[i] * f;
    }
}
