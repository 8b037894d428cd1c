using System.Text.Json.Serialization;

namespace Qieemo.ML.Reporting;

/// <summary>One epoch of a training run: training loss and, when a dev split was scored, dev loss, WA and UA.</summary>
public sealed record LearningCurvePoint
{
    /// <summary>Creates a point; every given value must be finite and the epoch non-negative.</summary>
    /// <exception cref="ArgumentException">A value is NaN/infinite or the epoch is negative.</exception>
    [JsonConstructor]
    public LearningCurvePoint(int epoch, double trainLoss, double? devLoss = null, double? devWa = null, double? devUa = null)
    {
        if (epoch < 0) throw new ArgumentException($"epoch must be >= 0; got {epoch}.", nameof(epoch));
        Epoch = epoch;
        TrainLoss = ReportValidation.Finite(trainLoss, $"{nameof(trainLoss)} (epoch {epoch})");
        DevLoss = ReportValidation.Finite(devLoss, $"{nameof(devLoss)} (epoch {epoch})");
        DevWa = ReportValidation.Finite(devWa, $"{nameof(devWa)} (epoch {epoch})");
        DevUa = ReportValidation.Finite(devUa, $"{nameof(devUa)} (epoch {epoch})");
    }

    /// <summary>Epoch number (usually 1-based).</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; }

    /// <summary>Mean training loss of the epoch.</summary>
    [JsonPropertyName("train_loss")] public double TrainLoss { get; }

    /// <summary>Dev-split loss after the epoch, or null.</summary>
    [JsonPropertyName("dev_loss")] public double? DevLoss { get; }

    /// <summary>Dev-split WA after the epoch (fraction), or null.</summary>
    [JsonPropertyName("dev_wa")] public double? DevWa { get; }

    /// <summary>Dev-split UA after the epoch (fraction), or null.</summary>
    [JsonPropertyName("dev_ua")] public double? DevUa { get; }
}
