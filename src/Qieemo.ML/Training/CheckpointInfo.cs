namespace Qieemo.ML.Training;

/// <summary>One entry of the checkpoint manifest (<c>checkpoints.json</c>).</summary>
public sealed class CheckpointInfo
{
    /// <summary>Completed epochs in the checkpoint.</summary>
    public int Epoch { get; set; }

    /// <summary>File name inside the checkpoint folder.</summary>
    public string File { get; set; } = "";

    /// <summary>Optimizer updates done.</summary>
    public long GlobalStep { get; set; }

    /// <summary>The epoch's metrics.</summary>
    public Dictionary<string, double> Metrics { get; set; } = new();

    /// <summary>When it was written (UTC).</summary>
    public DateTime SavedUtc { get; set; }
}
