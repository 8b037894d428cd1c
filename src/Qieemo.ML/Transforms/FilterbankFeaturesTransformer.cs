using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Qieemo.ML.Features;
using Qieemo.ML.Transforms;

[assembly: LoadableClass(typeof(FilterbankFeaturesTransformer), null, typeof(SignatureLoadModel), "Qieemo Filterbank Features", FilterbankFeaturesTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(FilterbankFeaturesTransformer), null, typeof(SignatureLoadRowMapper), "Qieemo Filterbank Features", FilterbankFeaturesTransformer.LoaderSignature)]

namespace Qieemo.ML.Transforms;

/// <summary>
/// Kaldi-compatible log-mel filterbank features (equal to torchaudio.compliance.kaldi.fbank) of a
/// waveform column. The output is the [frames, dim] matrix flattened row-major into a
/// variable-length vector, annotated with its frame dimension (frames = length / dim).
/// </summary>
public sealed class FilterbankFeaturesTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "QieemoFilterbank";
    private static VersionInfo GetVersionInfo() => TransformSupport.Version("QIEFBANK", LoaderSignature);

    /// <summary>The extractor's options (a copy; changing it does not change the transformer).</summary>
    public KaldiFbankOptions Options => Clone(_options);

    /// <summary>Values per frame: mel bins, plus one when energy is used.</summary>
    public int FrameDim { get; }

    private readonly KaldiFbankOptions _options;
    private readonly ThreadLocal<KaldiFbank> _extractor;

    internal FilterbankFeaturesTransformer(IHostEnvironment env, string outputColumnName, string inputColumnName, KaldiFbankOptions options)
        : this(Contracts.CheckRef(env, nameof(env)).Register(nameof(FilterbankFeaturesTransformer)), (outputColumnName, inputColumnName), Clone(options))
    {
    }

    private FilterbankFeaturesTransformer(IHost host, (string, string) columns, KaldiFbankOptions options) : base(host, columns)
    {
        _options = options;
        FrameDim = options.NumMelBins + (options.UseEnergy ? 1 : 0);
        _extractor = new ThreadLocal<KaldiFbank>(() => new KaldiFbank(_options));
        _ = _extractor.Value; // validate the options now, not at the first row
    }

    private FilterbankFeaturesTransformer(IHost host, ModelLoadContext ctx) : base(host, ctx)
    {
        // string: options as JSON
        _options = JsonSerializer.Deserialize<KaldiFbankOptions>(ctx.Reader.ReadString())
            ?? throw host.Except("filterbank options missing from the model");
        FrameDim = _options.NumMelBins + (_options.UseEnergy ? 1 : 0);
        _extractor = new ThreadLocal<KaldiFbank>(() => new KaldiFbank(_options));
    }

    private static KaldiFbankOptions Clone(KaldiFbankOptions options) =>
        JsonSerializer.Deserialize<KaldiFbankOptions>(JsonSerializer.Serialize(options))!;

    private static FilterbankFeaturesTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        ctx.CheckAtModel(GetVersionInfo());
        return new FilterbankFeaturesTransformer(env.Register(nameof(FilterbankFeaturesTransformer)), ctx);
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
        ctx.Writer.Write(JsonSerializer.Serialize(_options));
    }

    /// <summary>Features of one waveform (what the column getter computes per row).</summary>
    public FbankResult Compute(ReadOnlySpan<float> waveform) => _extractor.Value!.Compute(waveform);

    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private sealed class Mapper : OneToOneMapperBase
    {
        private readonly FilterbankFeaturesTransformer _owner;

        public Mapper(FilterbankFeaturesTransformer parent, DataViewSchema schema) : base(parent.Host, parent, schema)
        {
            _owner = parent;
            var input = schema[ColMapNewToOld[0]];
            TransformSupport.CheckFloatVector(parent.Host, input, "input");
            int? rate = TransformSupport.ReadIntAnnotation(input, TransformSupport.SampleRateAnnotation);
            if (rate != null && rate.Value != (int)Math.Round(parent._options.SampleFrequency))
                throw parent.Host.Except($"Column '{input.Name}' holds audio at {rate} Hz but the filterbank expects " +
                    $"{parent._options.SampleFrequency} Hz: set LoadAudio's sample rate or KaldiFbankOptions.SampleFrequency to match.");
        }

        public override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => new[]
        {
            new DataViewSchema.DetachedColumn(_owner.ColumnPairs[0].outputColumnName, new VectorDataViewType(NumberDataViewType.Single),
                TransformSupport.IntAnnotation(TransformSupport.FrameDimAnnotation, _owner.FrameDim)),
        };

        public override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            var getAudio = input.GetGetter<VBuffer<float>>(input.Schema[ColMapNewToOld[iinfo]]);
            VBuffer<float> audio = default;
            float[] dense = Array.Empty<float>();
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                getAudio(ref audio);
                ReadOnlySpan<float> samples;
                if (audio.IsDense) samples = audio.GetValues();
                else
                {
                    if (dense.Length != audio.Length) dense = new float[audio.Length];
                    audio.CopyTo(dense);
                    samples = dense;
                }
                var result = _owner.Compute(samples);
                var editor = VBufferEditor.Create(ref dst, result.Data.Length);
                result.Data.AsSpan(0, result.Frames * result.Dim).CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return getter;
        }
    }
}

/// <summary>Estimator for <see cref="FilterbankFeaturesTransformer"/> (nothing to learn).</summary>
public sealed class FilterbankFeaturesEstimator : TrivialEstimator<FilterbankFeaturesTransformer>
{
    internal FilterbankFeaturesEstimator(IHostEnvironment env, string outputColumnName, string inputColumnName, KaldiFbankOptions options)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(FilterbankFeaturesEstimator)),
               new FilterbankFeaturesTransformer(env, outputColumnName, inputColumnName, options))
    {
    }

    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var (output, input) = Transformer.ColumnPairs[0];
        return TransformSupport.WithFloatVectorInput(Host, inputSchema, input, output,
            TransformSupport.FloatVectorShape(output, TransformSupport.FrameDimAnnotation));
    }
}
