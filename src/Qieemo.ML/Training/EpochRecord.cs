namespace Qieemo.ML.Training;

/// <summary>Metrics of one completed epoch (training history entry).</summary>
public sealed class EpochRecord
{
    /// <summary>Epoch number, 1-based.</summary>
    public int Epoch { get; set; }

    /// <summary>Optimizer updates done at the end of the epoch.</summary>
    public long GlobalStep { get; set; }

    /// <summary>Named metrics, e.g. "train_loss", "dev_loss", "dev_ua".</summary>
    public Dictionary<string, double> Metrics { get; set; } = new();

    /// <summary>Wall-clock seconds the epoch took.</summary>
    public double Seconds { get; set; }

    /// <summary>When the epoch finished (UTC).</summary>
    public DateTime FinishedUtc { get; set; }
}
