using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Qieemo.ML.Features;
using Qieemo.ML.Transforms;

[assembly: LoadableClass(typeof(GlobalCmvnTransformer), null, typeof(SignatureLoadModel), "Qieemo Global CMVN", GlobalCmvnTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(GlobalCmvnTransformer), null, typeof(SignatureLoadRowMapper), "Qieemo Global CMVN", GlobalCmvnTransformer.LoaderSignature)]

namespace Qieemo.ML.Transforms;

/// <summary>
/// Global cepstral mean and variance normalization of a frame-matrix column: (x - mean) * istd per
/// feature dimension, with statistics from the training data (WeNet's global_cmvn). The statistics
/// travel inside the model, also as WeNet's global_cmvn JSON.
/// </summary>
public sealed class GlobalCmvnTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "QieemoGlobalCmvn";
    private static VersionInfo GetVersionInfo() => TransformSupport.Version("QIECMVN ", LoaderSignature);
    private const string StatsStreamName = "global_cmvn.json";

    /// <summary>The statistics (sums of x and x² over frames, and the frame count).</summary>
    public GlobalCmvn Cmvn { get; }

    internal GlobalCmvnTransformer(IHostEnvironment env, string outputColumnName, string inputColumnName, GlobalCmvn cmvn)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(GlobalCmvnTransformer)), (outputColumnName, inputColumnName))
    {
        Cmvn = cmvn;
    }

    private GlobalCmvnTransformer(IHost host, ModelLoadContext ctx) : base(host, ctx)
    {
        // binary stream global_cmvn.json: WeNet's JSON statistics
        GlobalCmvn? cmvn = null;
        if (!ctx.TryLoadBinaryStream(StatsStreamName, reader =>
            {
                string json = Encoding.UTF8.GetString(reader.ReadBytes(checked((int)reader.BaseStream.Length)));
                cmvn = GlobalCmvn.FromJson(json, StatsStreamName);
            }) || cmvn == null)
            throw host.Except($"{StatsStreamName} is missing from the model");
        Cmvn = cmvn;
    }

    private static GlobalCmvnTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        ctx.CheckAtModel(GetVersionInfo());
        return new GlobalCmvnTransformer(env.Register(nameof(GlobalCmvnTransformer)), ctx);
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
        ctx.SaveBinaryStream(StatsStreamName, w => w.Write(Encoding.UTF8.GetBytes(Cmvn.ToJson())));
    }

    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private sealed class Mapper : OneToOneMapperBase
    {
        private readonly GlobalCmvnTransformer _owner;
        private readonly int _dim;

        public Mapper(GlobalCmvnTransformer parent, DataViewSchema schema) : base(parent.Host, parent, schema)
        {
            _owner = parent;
            var input = schema[ColMapNewToOld[0]];
            TransformSupport.CheckFloatVector(parent.Host, input, "input");
            _dim = parent.Cmvn.Dim;
            int? dim = TransformSupport.ReadIntAnnotation(input, TransformSupport.FrameDimAnnotation);
            if (dim != null && dim.Value != _dim)
                throw parent.Host.Except($"Column '{input.Name}' has {dim} values per frame but the CMVN statistics have {_dim}.");
        }

        public override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => new[]
        {
            new DataViewSchema.DetachedColumn(_owner.ColumnPairs[0].outputColumnName, new VectorDataViewType(NumberDataViewType.Single),
                TransformSupport.IntAnnotation(TransformSupport.FrameDimAnnotation, _dim)),
        };

        public override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            var getSource = input.GetGetter<VBuffer<float>>(input.Schema[ColMapNewToOld[iinfo]]);
            VBuffer<float> source = default;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                getSource(ref source);
                if (source.Length % _dim != 0)
                    throw _owner.Host.Except($"A row of '{input.Schema[ColMapNewToOld[iinfo]].Name}' has {source.Length} values, not a multiple of the frame dimension {_dim}.");
                var editor = VBufferEditor.Create(ref dst, source.Length);
                source.CopyTo(editor.Values);
                _owner.Cmvn.Apply(editor.Values, _dim);
                dst = editor.Commit();
            };
            return getter;
        }
    }
}

/// <summary>
/// Estimator for <see cref="GlobalCmvnTransformer"/>: Fit accumulates the statistics over every
/// frame of the training data's input column, or takes them from a WeNet global_cmvn file.
/// </summary>
public sealed class GlobalCmvnEstimator : IEstimator<GlobalCmvnTransformer>
{
    private readonly IHost _host;
    private readonly string _output, _input;
    private readonly int? _dim;
    private readonly string? _cmvnFile;

    internal GlobalCmvnEstimator(IHostEnvironment env, string outputColumnName, string inputColumnName, int? frameDim, string? cmvnFile)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(GlobalCmvnEstimator));
        _output = outputColumnName;
        _input = inputColumnName;
        _dim = frameDim;
        _cmvnFile = cmvnFile;
    }

    public GlobalCmvnTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        var column = input.Schema.GetColumnOrNull(_input) ?? throw _host.ExceptSchemaMismatch(nameof(input), "input", _input);
        TransformSupport.CheckFloatVector(_host, column, "input");
        if (_cmvnFile != null)
            return new GlobalCmvnTransformer(_host, _output, _input, GlobalCmvn.Load(_cmvnFile));

        int dim = _dim ?? TransformSupport.ReadIntAnnotation(column, TransformSupport.FrameDimAnnotation)
            ?? throw _host.Except($"Column '{_input}' does not say its frame dimension: pass frameDim to NormalizeGlobalCmvn.");
        var accumulator = new CmvnAccumulator();
        using var cursor = input.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        float[] dense = Array.Empty<float>();
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (value.Length % dim != 0)
                throw _host.Except($"A row of '{_input}' has {value.Length} values, not a multiple of the frame dimension {dim}.");
            if (dense.Length < value.Length) dense = new float[value.Length];
            value.CopyTo(dense);
            accumulator.Add(dense.AsSpan(0, value.Length), dim);
        }
        if (accumulator.FrameNum == 0) throw _host.Except($"No frames in column '{_input}': cannot compute CMVN statistics.");
        return new GlobalCmvnTransformer(_host, _output, _input, accumulator.Build());
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TransformSupport.WithFloatVectorInput(_host, inputSchema, _input, _output,
            TransformSupport.FloatVectorShape(_output, TransformSupport.FrameDimAnnotation));
}
