namespace Qieemo.ML.Training;

/// <summary>Contents of <c>checkpoints.json</c>: kept checkpoints, the best epoch and the full history.</summary>
public sealed class CheckpointManifest
{
    /// <summary>Checkpoints present in the folder, ascending by epoch.</summary>
    public List<CheckpointInfo> Checkpoints { get; set; } = new();

    /// <summary>Best epoch so far (null when no dev metric yet).</summary>
    public int? BestEpoch { get; set; }

    /// <summary>Its metric.</summary>
    public double? BestMetric { get; set; }

    /// <summary>Per-epoch metrics of the whole run (including epochs whose checkpoint was pruned).</summary>
    public List<EpochRecord> History { get; set; } = new();
}
