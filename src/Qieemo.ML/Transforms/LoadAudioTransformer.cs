using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Qieemo.ML.Audio;
using Qieemo.ML.Transforms;

[assembly: LoadableClass(typeof(LoadAudioTransformer), null, typeof(SignatureLoadModel), "Qieemo Load Audio", LoadAudioTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(LoadAudioTransformer), null, typeof(SignatureLoadRowMapper), "Qieemo Load Audio", LoadAudioTransformer.LoaderSignature)]

namespace Qieemo.ML.Transforms;

/// <summary>
/// Reads the audio file named by a text column (WAV or FLAC, sniffed from the content), mixes it
/// down to mono and resamples it to <see cref="SampleRate"/>. The output is a variable-length
/// float vector in [-1, 1] annotated with its sample rate, ready for <see cref="FilterbankFeaturesTransformer"/>.
/// </summary>
public sealed class LoadAudioTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "QieemoLoadAudio";
    private static VersionInfo GetVersionInfo() => TransformSupport.Version("QIELDAUD", LoaderSignature);

    /// <summary>Sample rate of the output waveform in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Optional folder that relative paths are resolved against (null: the current directory).</summary>
    public string? BaseDirectory { get; }

    private readonly ConcurrentDictionary<int, Resampler> _resamplers = new();

    internal LoadAudioTransformer(IHostEnvironment env, string outputColumnName, string inputColumnName, int sampleRate, string? baseDirectory)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(LoadAudioTransformer)), (outputColumnName, inputColumnName))
    {
        Host.CheckParam(sampleRate > 0, nameof(sampleRate), "must be positive");
        SampleRate = sampleRate;
        BaseDirectory = baseDirectory;
    }

    private LoadAudioTransformer(IHost host, ModelLoadContext ctx) : base(host, ctx)
    {
        // int: sample rate; string-or-null: base directory
        SampleRate = ctx.Reader.ReadInt32();
        BaseDirectory = ctx.LoadStringOrNull();
    }

    private static LoadAudioTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        ctx.CheckAtModel(GetVersionInfo());
        return new LoadAudioTransformer(env.Register(nameof(LoadAudioTransformer)), ctx);
    }

    private static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema)
        => Create(env, ctx).MakeRowMapper(inputSchema);

    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        SaveColumns(ctx);
        ctx.Writer.Write(SampleRate);
        ctx.SaveStringOrNull(BaseDirectory);
    }

    /// <summary>Reads, downmixes and resamples one file (what the column getter does per row).</summary>
    public float[] Load(string path)
    {
        string full = BaseDirectory != null && !Path.IsPathRooted(path) ? Path.Combine(BaseDirectory, path) : path;
        var audio = AudioFile.Read(full);
        float[] mono = audio.ToMono();
        if (audio.SampleRate == SampleRate) return mono;
        var resampler = _resamplers.GetOrAdd(audio.SampleRate, rate => new Resampler(rate, SampleRate, new ResamplerOptions { TargetRate = SampleRate }));
        return resampler.Process(mono);
    }

    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private sealed class Mapper : OneToOneMapperBase
    {
        private readonly LoadAudioTransformer _owner;

        public Mapper(LoadAudioTransformer parent, DataViewSchema schema) : base(parent.Host, parent, schema)
        {
            _owner = parent;
            var input = schema[ColMapNewToOld[0]];
            if (input.Type is not TextDataViewType)
                throw parent.Host.ExceptSchemaMismatch(nameof(schema), "input", input.Name, "String", input.Type.ToString());
        }

        public override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => new[]
        {
            new DataViewSchema.DetachedColumn(_owner.ColumnPairs[0].outputColumnName, new VectorDataViewType(NumberDataViewType.Single),
                TransformSupport.IntAnnotation(TransformSupport.SampleRateAnnotation, _owner.SampleRate)),
        };

        public override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            var getPath = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[ColMapNewToOld[iinfo]]);
            ReadOnlyMemory<char> path = default;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                getPath(ref path);
                float[] samples = _owner.Load(path.ToString());
                var editor = VBufferEditor.Create(ref dst, samples.Length);
                samples.CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return getter;
        }
    }
}

/// <summary>Estimator for <see cref="LoadAudioTransformer"/> (nothing to learn).</summary>
public sealed class LoadAudioEstimator : TrivialEstimator<LoadAudioTransformer>
{
    internal LoadAudioEstimator(IHostEnvironment env, string outputColumnName, string inputColumnName, int sampleRate, string? baseDirectory)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(LoadAudioEstimator)),
               new LoadAudioTransformer(env, outputColumnName, inputColumnName, sampleRate, baseDirectory))
    {
    }

    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var (output, input) = Transformer.ColumnPairs[0];
        if (!inputSchema.TryFindColumn(input, out var col))
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", input);
        if (col.ItemType is not TextDataViewType || col.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", input, "String", col.GetTypeString());
        var result = inputSchema.ToDictionary(c => c.Name);
        result[output] = TransformSupport.FloatVectorShape(output, TransformSupport.SampleRateAnnotation);
        return new SchemaShape(result.Values);
    }
}
