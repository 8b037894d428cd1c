using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Qieemo.ML.Evaluation;
using Qieemo.ML.Transforms;

[assembly: LoadableClass(typeof(FramePoolingTransformer), null, typeof(SignatureLoadModel), "Qieemo Frame Pooling", FramePoolingTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(FramePoolingTransformer), null, typeof(SignatureLoadRowMapper), "Qieemo Frame Pooling", FramePoolingTransformer.LoaderSignature)]

namespace Qieemo.ML.Transforms;

/// <summary>
/// Utterance-level statistics of a frame-matrix column: per dimension the mean over frames and
/// the (population) standard deviation, concatenated into a fixed-size vector [mean(dim), std(dim)]
/// (<see cref="UtteranceStatisticsPooling"/>).
/// The classical baseline's pooling.
/// </summary>
public sealed class FramePoolingTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "QieemoFramePooling";
    private static VersionInfo GetVersionInfo() => TransformSupport.Version("QIEPOOL ", LoaderSignature);

    /// <summary>Values per frame of the input column.</summary>
    public int FrameDim { get; }

    internal FramePoolingTransformer(IHostEnvironment env, string outputColumnName, string inputColumnName, int frameDim)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(FramePoolingTransformer)), (outputColumnName, inputColumnName))
    {
        Host.CheckParam(frameDim > 0, nameof(frameDim), "must be positive");
        FrameDim = frameDim;
    }

    private FramePoolingTransformer(IHost host, ModelLoadContext ctx) : base(host, ctx)
    {
        // int: frame dimension
        FrameDim = ctx.Reader.ReadInt32();
        host.CheckDecode(FrameDim > 0);
    }

    private static FramePoolingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        ctx.CheckAtModel(GetVersionInfo());
        return new FramePoolingTransformer(env.Register(nameof(FramePoolingTransformer)), ctx);
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
        ctx.Writer.Write(FrameDim);
    }

    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private sealed class Mapper : OneToOneMapperBase
    {
        private readonly FramePoolingTransformer _owner;

        public Mapper(FramePoolingTransformer parent, DataViewSchema schema) : base(parent.Host, parent, schema)
        {
            _owner = parent;
            var input = schema[ColMapNewToOld[0]];
            TransformSupport.CheckFloatVector(parent.Host, input, "input");
            int? dim = TransformSupport.ReadIntAnnotation(input, TransformSupport.FrameDimAnnotation);
            if (dim != null && dim.Value != parent.FrameDim)
                throw parent.Host.Except($"Column '{input.Name}' has {dim} values per frame, the pooling was built for {parent.FrameDim}.");
        }

        public override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => new[]
        {
            new DataViewSchema.DetachedColumn(_owner.ColumnPairs[0].outputColumnName, new VectorDataViewType(NumberDataViewType.Single, 2 * _owner.FrameDim)),
        };

        public override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            var column = input.Schema[ColMapNewToOld[iinfo]];
            var getSource = input.GetGetter<VBuffer<float>>(column);
            VBuffer<float> source = default;
            float[] dense = Array.Empty<float>();
            int dim = _owner.FrameDim;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                getSource(ref source);
                if (source.Length % dim != 0)
                    throw _owner.Host.Except($"A row of '{column.Name}' has {source.Length} values, not a multiple of the frame dimension {dim}.");
                if (dense.Length < source.Length) dense = new float[source.Length];
                source.CopyTo(dense);
                if (source.Length == 0)
                    throw _owner.Host.Except($"A row of '{column.Name}' has no frames (audio shorter than one analysis window): nothing to pool.");
                float[] pooled = UtteranceStatisticsPooling.Pool(dense.AsSpan(0, source.Length), dim, source.Length / dim);
                var editor = VBufferEditor.Create(ref dst, 2 * dim);
                pooled.CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return getter;
        }
    }
}

/// <summary>Estimator for <see cref="FramePoolingTransformer"/>; the frame dimension comes from the input column's annotation.</summary>
public sealed class FramePoolingEstimator : IEstimator<FramePoolingTransformer>
{
    private readonly IHost _host;
    private readonly string _output, _input;
    private readonly int? _dim;

    internal FramePoolingEstimator(IHostEnvironment env, string outputColumnName, string inputColumnName, int? frameDim)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(FramePoolingEstimator));
        (_output, _input, _dim) = (outputColumnName, inputColumnName, frameDim);
    }

    public FramePoolingTransformer Fit(IDataView input)
    {
        var column = input.Schema.GetColumnOrNull(_input) ?? throw _host.ExceptSchemaMismatch(nameof(input), "input", _input);
        TransformSupport.CheckFloatVector(_host, column, "input");
        int dim = _dim ?? TransformSupport.ReadIntAnnotation(column, TransformSupport.FrameDimAnnotation)
            ?? throw _host.Except($"Column '{_input}' does not say its frame dimension: pass frameDim to PoolFrames.");
        return new FramePoolingTransformer(_host, _output, _input, dim);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TransformSupport.WithFloatVectorInput(_host, inputSchema, _input, _output,
            new SchemaShape.Column(_output, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false));
}
