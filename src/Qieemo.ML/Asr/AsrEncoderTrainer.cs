using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Qieemo.ML.Modules.Asr;
using Qieemo.ML.Runtime;
using Qieemo.ML.Text;
using Qieemo.ML.Transforms;

namespace Qieemo.ML.Asr;

/// <summary>
/// Stage-1 ASR pretraining (paper §II.A, §II.D) as an ML.NET estimator: fits a conformer encoder with CTC and
/// attention-decoder heads on (Path, Text) rows, e.g. <c>mlContext.Data.LoadLibriSpeech(dir)</c>, and returns an
/// <see cref="AsrEncoderTransformer"/> (Path → Transcript). Reached as <c>mlContext.Speech().Trainers.AsrEncoder(options)</c>.
/// </summary>
/// <remarks>
/// Fit reads each file itself (WAV/FLAC → mono → 16 kHz), computes WeNet fbank (dither in training only), global
/// CMVN statistics of the training frames (stored in the encoder's GlobalCMVN layer, as WeNet does) and the
/// character units of the training transcripts; then runs <see cref="AsrTrainingLoop"/> (length-bucketed batches,
/// SpecAugment, Adam + WarmupLR, gradient clipping/accumulation, per-epoch validation and checkpoints, resume,
/// checkpoint averaging).
/// </remarks>
public sealed class AsrEncoderTrainer : IEstimator<AsrEncoderTransformer>
{
    private readonly IHost _host;
    private readonly MLContext _ml;

    internal AsrEncoderTrainer(MLContext mlContext, AsrPretrainingOptions options)
    {
        _ml = mlContext;
        _host = ((IHostEnvironment)mlContext).Register(nameof(AsrEncoderTrainer));
        Options = options;
    }

    /// <summary>The options.</summary>
    public AsrPretrainingOptions Options { get; }

    /// <summary>Per-epoch metrics of the last <see cref="Fit"/> (epochs restored from checkpoints included).</summary>
    public IReadOnlyList<AsrEpochReport> History { get; private set; } = Array.Empty<AsrEpochReport>();

    /// <summary>Trains on <paramref name="input"/> (Path and Text columns) and returns the fitted transformer (on the CPU).</summary>
    public AsrEncoderTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        var o = Options;
        o.Validate();
        TorchRuntime.EnsureLoaded();
        if (o.Threads > 0) TorchRuntime.SetThreads(o.Threads);
        var train = ReadRows(input, "training data");
        var dev = o.ValidationData is null ? null : ReadRows(o.ValidationData, "validation data");
        if (train.Count == 0) throw new InvalidDataException("the training data has no rows");

        var loop = new AsrTrainingLoop(o, train, dev);
        var model = loop.Run();
        History = loop.History;
        return new AsrEncoderTransformer(_ml, model, loop.Tokenizer, o.PathColumnName, o.TranscriptColumnName, o.Decoding, o.BeamSize);
    }

    private List<(string Path, string Text)> ReadRows(IDataView data, string what)
    {
        var pathCol = data.Schema.GetColumnOrNull(Options.PathColumnName)
            ?? throw new ArgumentException($"the {what} has no '{Options.PathColumnName}' column (audio file paths)");
        var textCol = data.Schema.GetColumnOrNull(Options.TextColumnName)
            ?? throw new ArgumentException($"the {what} has no '{Options.TextColumnName}' column (transcripts)");
        if (pathCol.Type is not TextDataViewType || textCol.Type is not TextDataViewType)
            throw new ArgumentException($"the {what}'s '{pathCol.Name}' and '{textCol.Name}' columns must be text");
        var rows = new List<(string, string)>();
        using var cursor = data.GetRowCursor(new[] { pathCol, textCol });
        var getPath = cursor.GetGetter<ReadOnlyMemory<char>>(pathCol);
        var getText = cursor.GetGetter<ReadOnlyMemory<char>>(textCol);
        ReadOnlyMemory<char> p = default, t = default;
        while (cursor.MoveNext())
        {
            getPath(ref p);
            getText(ref t);
            string text = t.ToString();
            if (Options.UpperCaseText) text = text.ToUpperInvariant();
            rows.Add((p.ToString(), text));
        }
        return rows;
    }

    /// <summary>Adds the Transcript text column; requires the text Path column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        if (!inputSchema.TryFindColumn(Options.PathColumnName, out var col))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", Options.PathColumnName);
        if (col.ItemType is not TextDataViewType || col.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", Options.PathColumnName, "String", col.GetTypeString());
        var result = inputSchema.ToDictionary(c => c.Name);
        result[Options.TranscriptColumnName] = new SchemaShape.Column(Options.TranscriptColumnName, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false);
        return new SchemaShape(result.Values);
    }
}
