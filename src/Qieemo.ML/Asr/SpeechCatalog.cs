using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Qieemo.ML.Asr;

/// <summary>Speech components of Qieemo.ML on an <see cref="MLContext"/>: <c>mlContext.Speech()</c>.</summary>
public sealed class SpeechCatalog
{
    internal SpeechCatalog(MLContext mlContext)
    {
        Context = mlContext;
        Trainers = new SpeechTrainers(mlContext);
    }

    internal MLContext Context { get; }

    /// <summary>Speech trainers (ASR pretraining).</summary>
    public SpeechTrainers Trainers { get; }

    /// <summary>
    /// Imports a WeNet ASR checkpoint (<c>torch.save(model.state_dict())</c>) with its training yaml as an
    /// <see cref="AsrEncoderTransformer"/>; with <paramref name="unitsPath"/> and ctc/decoder weights in the
    /// checkpoint it can also transcribe. <paramref name="cmvnJsonPath"/>: WeNet global_cmvn statistics.
    /// </summary>
    public AsrEncoderTransformer ImportWeNet(string checkpointPt, string yamlPath, string? cmvnJsonPath = null, string? unitsPath = null,
        string pathColumnName = "Path", string transcriptColumnName = "Transcript")
    {
        Runtime.TorchRuntime.EnsureLoaded();
        var (model, units) = WeNetAsrImport.Import(checkpointPt, yamlPath, cmvnJsonPath, unitsPath);
        return new AsrEncoderTransformer(Context, model, units, pathColumnName, transcriptColumnName, AsrDecodingMode.CtcGreedy, 10);
    }
}

/// <summary>Trainers of <see cref="SpeechCatalog"/>.</summary>
public sealed class SpeechTrainers
{
    private readonly MLContext _ml;

    internal SpeechTrainers(MLContext mlContext) => _ml = mlContext;

    /// <summary>Stage-1 ASR pretraining of a conformer encoder with CTC + attention heads on (Path, Text) rows.</summary>
    public AsrEncoderTrainer AsrEncoder(AsrPretrainingOptions? options = null) => new(_ml, options ?? new AsrPretrainingOptions());
}

/// <summary>The <c>mlContext.Speech()</c> entry point.</summary>
public static class SpeechCatalogExtensions
{
    /// <summary>Qieemo's speech catalog (ASR trainer, WeNet import).</summary>
    public static SpeechCatalog Speech(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new SpeechCatalog(mlContext);
    }
}
