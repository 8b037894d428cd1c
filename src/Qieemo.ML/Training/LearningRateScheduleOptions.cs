namespace Qieemo.ML.Training;

/// <summary>Which learning-rate curve <see cref="LearningRateScheduleOptions"/> builds.</summary>
public enum ScheduleKind
{
    /// <summary>WeNet's <see cref="Training.WarmupLR"/> (inverse square root after warmup).</summary>
    WarmupLR,

    /// <summary>Linear warmup then cosine decay (<see cref="WarmupDecaySchedule"/>).</summary>
    WarmupCosine,

    /// <summary>Linear warmup then linear decay (<see cref="WarmupDecaySchedule"/>).</summary>
    WarmupLinear,

    /// <summary>No schedule: the base rate throughout.</summary>
    Constant,
}

/// <summary>Configuration of a learning-rate schedule (as read from a training config).</summary>
public sealed class LearningRateScheduleOptions
{
    /// <summary>The curve.</summary>
    public ScheduleKind Kind { get; set; } = ScheduleKind.WarmupLR;

    /// <summary>Warmup updates (WeNet default 25000).</summary>
    public long WarmupSteps { get; set; } = 25000;

    /// <summary>Total optimizer updates of the run (needed by the decaying curves only).</summary>
    public long TotalSteps { get; set; }

    /// <summary>Final fraction of the base rate for the decaying curves.</summary>
    public double FinalRatio { get; set; }

    /// <summary>Builds the schedule (validating the values it needs).</summary>
    public ILearningRateSchedule Create() => Kind switch
    {
        ScheduleKind.WarmupLR => new WarmupLR(WarmupSteps),
        ScheduleKind.WarmupCosine => new WarmupDecaySchedule(DecayShape.Cosine, WarmupSteps, TotalSteps, FinalRatio),
        ScheduleKind.WarmupLinear => new WarmupDecaySchedule(DecayShape.Linear, WarmupSteps, TotalSteps, FinalRatio),
        ScheduleKind.Constant => new ConstantSchedule(),
        _ => throw new ArgumentException($"unknown schedule kind {Kind}"),
    };
}
