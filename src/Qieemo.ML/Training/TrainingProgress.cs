namespace Qieemo.ML.Training;

/// <summary>Phase of a training run, for <see cref="TrainingProgress"/>.</summary>
public enum TrainingStage
{
    /// <summary>Setting up (loading data, resuming).</summary>
    Preparing,

    /// <summary>Optimizer steps over the training set.</summary>
    Training,

    /// <summary>Scoring the dev set.</summary>
    Evaluating,

    /// <summary>Writing a checkpoint.</summary>
    Checkpointing,

    /// <summary>Averaging checkpoints / exporting the final model.</summary>
    Finalizing,

    /// <summary>Done.</summary>
    Finished,
}

/// <summary>A progress report of a trainer, sent through <see cref="IProgress{T}"/>.</summary>
/// <param name="Stage">Phase.</param>
/// <param name="Epoch">Current epoch, 1-based (0 before the first).</param>
/// <param name="Epochs">Planned epochs.</param>
/// <param name="Step">Micro-batch within the epoch, 1-based.</param>
/// <param name="StepsPerEpoch">Micro-batches per epoch.</param>
/// <param name="Loss">Running training loss (or dev loss while evaluating); NaN when not known.</param>
/// <param name="LearningRate">Learning rate of the first parameter group.</param>
/// <param name="Elapsed">Time since the run (or resume) started.</param>
/// <param name="Eta">Estimated time left for the run; null until steps were timed.</param>
/// <param name="Message">Free text, e.g. "dev UA 0.61 (best)".</param>
public sealed record TrainingProgress(
    TrainingStage Stage,
    int Epoch,
    int Epochs,
    long Step,
    long StepsPerEpoch,
    double Loss,
    double LearningRate,
    TimeSpan Elapsed,
    TimeSpan? Eta,
    string? Message = null);
