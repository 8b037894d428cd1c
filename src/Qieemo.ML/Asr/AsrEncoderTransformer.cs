using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Qieemo.ML.Asr;
using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using Qieemo.ML.Runtime;
using Qieemo.ML.Text;
using Qieemo.ML.Transforms;
using TorchSharp;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(AsrEncoderTransformer), null, typeof(SignatureLoadModel), "Qieemo ASR Encoder", AsrEncoderTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(AsrEncoderTransformer), null, typeof(SignatureLoadRowMapper), "Qieemo ASR Encoder", AsrEncoderTransformer.LoaderSignature)]

namespace Qieemo.ML.Asr;

/// <summary>
/// A pretrained ASR model (stage 1 of the paper): the conformer encoder with its global CMVN, and — when
/// trained here or imported with them — the CTC head, the attention decoder and the character units. As an
/// ML.NET transformer it maps an audio-path column to a <c>Transcript</c> text column; saved and loaded with plain
/// <c>mlContext.Model.Save/Load</c> (weights, configuration JSON and units travel inside the zip).
/// Stage 2 takes the encoder with <see cref="LoadEncoder(string)"/>.
/// </summary>
public sealed class AsrEncoderTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "QieemoAsrEncoder";
    private static VersionInfo GetVersionInfo() => TransformSupport.Version("QIEASRMD", LoaderSignature);
    private const string ConfigStream = "asr_config.json";
    private const string UnitsStream = "units.txt";
    private const string WeightsStream = "asr_model.bin";

    private readonly AsrModel _asr;
    private readonly AsrFeatureExtractor _features;
    private readonly object _gate = new();

    internal AsrEncoderTransformer(IHostEnvironment env, AsrModel model, CharTokenizer? tokenizer, string inputColumnName,
        string outputColumnName, AsrDecodingMode decoding, int beamSize)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(AsrEncoderTransformer)), (outputColumnName, inputColumnName))
    {
        if (model.HasHeads && tokenizer is not null && tokenizer.VocabularySize != model.VocabularySize)
            throw new ArgumentException($"the units have {tokenizer.VocabularySize} entries but the model's heads output {model.VocabularySize}");
        _asr = model;
        _asr.eval();
        Tokenizer = tokenizer;
        Decoding = decoding;
        BeamSize = beamSize;
        _features = new AsrFeatureExtractor(model.Encoder.Config.InputDim);
    }

    private AsrEncoderTransformer(IHost host, ModelLoadContext ctx) : base(host, ctx)
    {
        // int: decoding mode; int: beam size; streams: asr_config.json, units.txt (optional), asr_model.bin
        Decoding = (AsrDecodingMode)ctx.Reader.ReadInt32();
        BeamSize = ctx.Reader.ReadInt32();
        TorchRuntime.EnsureLoaded();
        var config = AsrModelConfig.FromJson(TorchModelStreams.LoadText(ctx, ConfigStream), ConfigStream);
        string? units = null;
        ctx.TryLoadBinaryStream(UnitsStream, r =>
        {
            using var copy = new MemoryStream();
            r.BaseStream.CopyTo(copy);
            units = System.Text.Encoding.UTF8.GetString(copy.ToArray());
        });
        if (units is not null) Tokenizer = ParseUnits(units);
        _asr = new AsrModel(config);
        TorchModelStreams.Load(ctx, WeightsStream, _asr);
        _asr.eval();
        _features = new AsrFeatureExtractor(config.Encoder.InputDim);
    }

    private static AsrEncoderTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        ctx.CheckAtModel(GetVersionInfo());
        return new AsrEncoderTransformer(env.Register(nameof(AsrEncoderTransformer)), ctx);
    }

    private static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema)
        => Create(env, ctx).MakeRowMapper(inputSchema);

    /// <summary>The whole ASR model (encoder, and heads when present), on the CPU in eval mode.</summary>
    public AsrModel Model => _asr;

    /// <summary>The encoder (with its global CMVN) — the part stage 2 reuses. Shared with this transformer: copy it before training it.</summary>
    public ConformerEncoder Encoder => _asr.Encoder;

    /// <summary>The encoder's configuration (a copy).</summary>
    public EncoderConfig EncoderConfig => _asr.Encoder.Config.Clone();

    /// <summary>The character units, or null for an encoder-only model imported without units.</summary>
    public CharTokenizer? Tokenizer { get; }

    /// <summary>Decoding used by <see cref="Transcribe(string)"/> and the Transcript column.</summary>
    public AsrDecodingMode Decoding { get; }

    /// <summary>Beam size of attention rescoring.</summary>
    public int BeamSize { get; }

    /// <summary>Name of the input column of audio paths.</summary>
    public string PathColumnName => ColumnPairs[0].inputColumnName;

    /// <summary>Name of the output text column.</summary>
    public string TranscriptColumnName => ColumnPairs[0].outputColumnName;

    /// <summary>Whether the model can transcribe (has CTC/decoder heads and units).</summary>
    public bool CanTranscribe => _asr.HasHeads && Tokenizer is not null;

    /// <summary>Transcribes one audio file (WAV/FLAC, any rate; resampled to 16 kHz).</summary>
    /// <exception cref="InvalidOperationException">The model is encoder-only.</exception>
    public string Transcribe(string path)
    {
        RequireTranscription();
        var fbank = _features.Extract(path);
        return TranscribeFeatures(fbank.Data, fbank.Frames);
    }

    /// <summary>Transcribes files one by one (each unpadded, so results equal <see cref="Transcribe(string)"/>).</summary>
    public IReadOnlyList<string> Transcribe(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        RequireTranscription();
        return paths.Select(Transcribe).ToList();
    }

    /// <summary>Transcribes pre-CMVN fbank frames [frames, InputDim] (flattened row-major).</summary>
    public string TranscribeFeatures(float[] frames, int frameCount)
    {
        RequireTranscription();
        int dim = _asr.Encoder.Config.InputDim;
        if (frames.Length < (long)frameCount * dim) throw new ArgumentException($"{frames.Length} values for {frameCount} frames of {dim}");
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            var x = tensor(frames.AsSpan(0, frameCount * dim).ToArray(), new long[] { 1, frameCount, dim });
            var lens = tensor(new long[] { frameCount });
            int[] ids = _asr.Decode(x, lens, Decoding, BeamSize)[0];
            return Tokenizer!.Decode(ids);
        }
    }

    private void RequireTranscription()
    {
        if (!_asr.HasHeads)
            throw new InvalidOperationException("this ASR model is encoder-only (imported without CTC/decoder weights): it can encode features but cannot transcribe");
        if (Tokenizer is null)
            throw new InvalidOperationException("this ASR model has no units (import it with the WeNet units file): it cannot turn token ids into text");
    }

    /// <summary>
    /// Loads the encoder of an ASR model zip saved by <c>mlContext.Model.Save</c> (a transformer chain holding an
    /// <see cref="AsrEncoderTransformer"/>, or the transformer alone): a fresh copy on the CPU in eval mode, independent
    /// of the loaded model, and its configuration. This is stage 2's entry point.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a model zip or holds no ASR encoder.</exception>
    public static (ConformerEncoder Encoder, EncoderConfig Config) LoadEncoder(string modelZip)
    {
        var asr = Load(modelZip);
        try
        {
            var config = asr.EncoderConfig;
            var copy = new ConformerEncoder(config);
            using (no_grad())
            {
                var source = asr.Encoder.state_dict();
                foreach (var (key, value) in copy.state_dict())
                    value.copy_(source[key]);
            }
            copy.eval();
            return (copy, config);
        }
        finally
        {
            asr.Model.Dispose();
        }
    }

    /// <summary>Loads an ASR model zip with a fresh <see cref="MLContext"/> and returns its <see cref="AsrEncoderTransformer"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a model zip or holds no ASR model.</exception>
    public static AsrEncoderTransformer Load(string modelZip)
    {
        if (!File.Exists(modelZip)) throw new FileNotFoundException($"{modelZip}: model file not found", modelZip);
        TorchRuntime.EnsureLoaded();
        var ml = new MLContext();
        ITransformer loaded;
        try
        {
            loaded = ml.Model.Load(modelZip, out _);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or System.IO.InvalidDataException
                                  or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{modelZip}: not a readable ML.NET model zip: {e.Message}", e);
        }
        return Find(loaded) ?? throw new InvalidDataException($"{modelZip}: the model holds no ASR encoder (AsrEncoderTransformer)");
    }

    private static AsrEncoderTransformer? Find(ITransformer t) => t switch
    {
        AsrEncoderTransformer a => a,
        IEnumerable<ITransformer> chain => chain.Select(Find).LastOrDefault(x => x is not null),
        _ => null,
    };

    /// <summary>A schema with one text column <paramref name="pathColumnName"/>, for <c>mlContext.Model.Save(transformer, schema, path)</c>.</summary>
    public static DataViewSchema PathSchema(string pathColumnName = "Path")
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(pathColumnName, TextDataViewType.Instance);
        return builder.ToSchema();
    }

    /// <summary>Saves this transformer alone as an ML.NET model zip whose input is the path column.</summary>
    public void Save(MLContext mlContext, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        mlContext.Model.Save(this, PathSchema(PathColumnName), path);
    }

    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        SaveColumns(ctx);
        ctx.Writer.Write((int)Decoding);
        ctx.Writer.Write(BeamSize);
        TorchModelStreams.SaveText(ctx, ConfigStream, _asr.Config.ToJson());
        if (Tokenizer is not null) TorchModelStreams.SaveText(ctx, UnitsStream, FormatUnits(Tokenizer));
        lock (_gate) TorchModelStreams.Save(ctx, WeightsStream, _asr);
    }

    private static string FormatUnits(CharTokenizer tokenizer)
    {
        string tmp = Path.GetTempFileName();
        try
        {
            tokenizer.Save(tmp);
            return File.ReadAllText(tmp);
        }
        finally { File.Delete(tmp); }
    }

    private static CharTokenizer ParseUnits(string text)
    {
        string tmp = Path.GetTempFileName();
        try
        {
            File.WriteAllText(tmp, text, new System.Text.UTF8Encoding(false));
            return CharTokenizer.Load(tmp);
        }
        finally { File.Delete(tmp); }
    }

    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private sealed class Mapper : OneToOneMapperBase
    {
        private readonly AsrEncoderTransformer _owner;

        public Mapper(AsrEncoderTransformer parent, DataViewSchema schema) : base(parent.Host, parent, schema)
        {
            _owner = parent;
            var input = schema[ColMapNewToOld[0]];
            if (input.Type is not TextDataViewType)
                throw parent.Host.ExceptSchemaMismatch(nameof(schema), "input", input.Name, "String", input.Type.ToString());
        }

        public override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => new[]
        {
            new DataViewSchema.DetachedColumn(_owner.ColumnPairs[0].outputColumnName, TextDataViewType.Instance),
        };

        public override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            var getPath = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[ColMapNewToOld[iinfo]]);
            ReadOnlyMemory<char> path = default;
            ValueGetter<ReadOnlyMemory<char>> getter = (ref ReadOnlyMemory<char> dst) =>
            {
                getPath(ref path);
                dst = _owner.Transcribe(path.ToString()).AsMemory();
            };
            return getter;
        }
    }
}
