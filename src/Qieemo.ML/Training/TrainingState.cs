namespace Qieemo.ML.Training;

/// <summary>
/// Everything besides tensors that a checkpoint stores to resume training exactly: counters,
/// scheduler step, seed, the model-selection state and the history. Random streams need no state:
/// they are derived from (Seed, epoch), see <see cref="Determinism"/>.
/// </summary>
public sealed class TrainingState
{
    /// <summary>Completed epochs (the checkpoint after epoch 3 has Epoch = 3).</summary>
    public int Epoch { get; set; }

    /// <summary>Optimizer updates done (skipped ones included).</summary>
    public long GlobalStep { get; set; }

    /// <summary>The scheduler's step count (<see cref="LearningRateScheduler.StepCount"/>).</summary>
    public long SchedulerStep { get; set; }

    /// <summary>Updates skipped for non-finite gradients so far.</summary>
    public long SkippedUpdates { get; set; }

    /// <summary>The run's seed.</summary>
    public int Seed { get; set; }

    /// <summary>Best dev metric so far (null before the first evaluation).</summary>
    public double? BestMetric { get; set; }

    /// <summary>Epoch of <see cref="BestMetric"/>.</summary>
    public int? BestEpoch { get; set; }

    /// <summary>Epochs since the best metric last improved (early stopping).</summary>
    public int EpochsWithoutImprovement { get; set; }

    /// <summary>One record per completed epoch, in order.</summary>
    public List<EpochRecord> History { get; set; } = new();

    /// <summary>Free-form values of the trainer (e.g. a config fingerprint, to refuse resuming a different run).</summary>
    public Dictionary<string, string> Extra { get; set; } = new();
}
