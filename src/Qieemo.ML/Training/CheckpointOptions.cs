namespace Qieemo.ML.Training;

/// <summary>Where and how <see cref="CheckpointManager"/> keeps epoch checkpoints.</summary>
public sealed class CheckpointOptions
{
    /// <summary>Folder of the checkpoints (created when missing).</summary>
    public string Directory { get; set; } = "";

    /// <summary>Keep only the newest K epoch checkpoints (0 = keep all). The best epoch's is kept too when <see cref="KeepBest"/>.</summary>
    public int KeepLast { get; set; }

    /// <summary>Never delete the checkpoint of <see cref="TrainingState.BestEpoch"/>.</summary>
    public bool KeepBest { get; set; } = true;

    /// <summary>Receives warnings (a skipped corrupt checkpoint); null writes them to stderr.</summary>
    public Action<string>? Warning { get; set; }
}
