using Microsoft.ML;
using Microsoft.ML.Data;

namespace Qieemo.ML.Emotion;

/// <summary>ML.NET catalog entry point of the Qieemo trainer.</summary>
public static class QieemoCatalog
{
    /// <summary>
    /// The Qieemo fine-tuning trainer (pretrained conformer encoder + MMF + CMA), for a pipeline like
    /// LoadAudio → FilterbankFeatures → MapValueToKey(Label) → Qieemo → MapKeyToValue(PredictedLabel).
    /// </summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="options">Trainer options (a pretrained encoder in <see cref="QieemoTrainerOptions.EncoderModelPath"/>).</param>
    public static QieemoTrainer Qieemo(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, QieemoTrainerOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), options ?? new QieemoTrainerOptions());
}
