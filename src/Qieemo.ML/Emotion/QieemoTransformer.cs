using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Qieemo.ML.Emotion;
using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using Qieemo.ML.Modules.Emotion;
using Qieemo.ML.Runtime;
using Qieemo.ML.Training;
using Qieemo.ML.Transforms;
using TorchSharp;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(QieemoTransformer), null, typeof(SignatureLoadModel), "Qieemo Emotion Model", QieemoTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(QieemoTransformer), null, typeof(SignatureLoadRowMapper), "Qieemo Emotion Model", QieemoTransformer.LoaderSignature)]

namespace Qieemo.ML.Emotion;

/// <summary>
/// A fine-tuned Qieemo model inside an ML.NET pipeline: reads a frame-matrix feature column (fbank
/// before CMVN) and adds <c>Score</c> (per-class probabilities, slot names = class names) and
/// <c>PredictedLabel</c> (a key over the class names), so ML.NET's multiclass Evaluate, MapKeyToValue
/// and PredictionEngine work as with any ML.NET classifier. Weights, configuration and training
/// history travel inside the model zip.
/// </summary>
public sealed class QieemoTransformer : RowToRowTransformerBase, IDisposable
{
    internal const string LoaderSignature = "QieemoEmotionModel";
    private static VersionInfo GetVersionInfo() => TransformSupport.Version("QIEEMO  ", LoaderSignature);

    private readonly QieemoModel _model;
    private readonly object _gate = new();

    /// <summary>Input feature column.</summary>
    public string FeatureColumnName { get; }
    /// <summary>Output probability column.</summary>
    public string ScoreColumnName { get; }
    /// <summary>Output predicted-class key column.</summary>
    public string PredictedLabelColumnName { get; }
    /// <summary>Values per frame of the features.</summary>
    public int FrameDim { get; }
    /// <summary>Class names in score order.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Per-epoch training history (learning curves and block weights).</summary>
    public IReadOnlyList<QieemoEpoch> History { get; }
    /// <summary>The encoder's configuration.</summary>
    public EncoderConfig EncoderConfig { get; }
    /// <summary>The head's options (MMF, CMA, classifier, ablation flags).</summary>
    public EmotionHeadOptions HeadOptions { get; }
    /// <summary>MMF block weights as applied (empty without MMF), in the order of the fused blocks.</summary>
    public float[] BlockWeights => _model.Head.BlockWeights;
    /// <summary>The fused blocks' indices.</summary>
    public IReadOnlyList<int> FusedBlocks => _model.Head.FusedBlocks;
    /// <summary>The network (eval mode, CPU unless moved).</summary>
    public QieemoModel Model => _model;

    internal QieemoTransformer(IHostEnvironment env, QieemoModel model, EncoderConfig encoderConfig, EmotionHeadOptions headOptions,
        IReadOnlyList<string> classNames, int frameDim, string featureColumn, string scoreColumn, string predictedColumn, IReadOnlyList<QieemoEpoch> history)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(QieemoTransformer)))
    {
        _model = model;
        _model.to(CPU);
        _model.eval();
        EncoderConfig = encoderConfig;
        HeadOptions = headOptions;
        ClassNames = classNames.ToArray();
        FrameDim = frameDim;
        FeatureColumnName = featureColumn;
        ScoreColumnName = scoreColumn;
        PredictedLabelColumnName = predictedColumn;
        History = history.ToArray();
    }

    private static QieemoTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        ctx.CheckAtModel(GetVersionInfo());
        // string: feature column; string: score column; string: predicted-label column; int: frame dim;
        // int: class count, then class names; streams: encoder.json, head.json, history.json, model.bin
        string feature = ctx.LoadNonEmptyString(), score = ctx.LoadNonEmptyString(), predicted = ctx.LoadNonEmptyString();
        int frameDim = ctx.Reader.ReadInt32();
        int classes = ctx.Reader.ReadInt32();
        var names = new string[classes];
        for (int i = 0; i < classes; i++) names[i] = ctx.LoadNonEmptyString();
        var encoderConfig = JsonSerializer.Deserialize<EncoderConfig>(TorchModelStreams.LoadText(ctx, "encoder.json"))
            ?? throw new InvalidDataException("encoder.json is empty");
        var headOptions = EmotionHeadOptions.FromJson(TorchModelStreams.LoadText(ctx, "head.json"), "head.json");
        var history = JsonSerializer.Deserialize<List<QieemoEpoch>>(TorchModelStreams.LoadText(ctx, "history.json")) ?? new();
        TorchRuntime.EnsureLoaded();
        var model = new QieemoModel(new ConformerEncoder(encoderConfig), headOptions);
        TorchModelStreams.Load(ctx, "model.bin", model);
        return new QieemoTransformer(env, model, encoderConfig, headOptions, names, frameDim, feature, score, predicted, history);
    }

    private static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema)
        => Create(env, ctx).MakeRowMapper(inputSchema);

    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        ctx.SaveNonEmptyString(FeatureColumnName);
        ctx.SaveNonEmptyString(ScoreColumnName);
        ctx.SaveNonEmptyString(PredictedLabelColumnName);
        ctx.Writer.Write(FrameDim);
        ctx.Writer.Write(ClassNames.Count);
        foreach (var name in ClassNames) ctx.SaveNonEmptyString(name);
        TorchModelStreams.SaveText(ctx, "encoder.json", JsonSerializer.Serialize(EncoderConfig));
        TorchModelStreams.SaveText(ctx, "head.json", HeadOptions.ToJson());
        TorchModelStreams.SaveText(ctx, "history.json", JsonSerializer.Serialize(History));
        lock (_gate) TorchModelStreams.Save(ctx, "model.bin", _model);
    }

    /// <summary>Class probabilities of one utterance: fbank before CMVN, row-major [frames, FrameDim].</summary>
    public float[] Predict(ReadOnlySpan<float> features)
    {
        if (features.Length == 0 || features.Length % FrameDim != 0)
            throw new ArgumentException($"{features.Length} feature values are not whole frames of {FrameDim}");
        int frames = features.Length / FrameDim;
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = tensor(features.ToArray(), new long[] { 1, frames, FrameDim });
            var lengths = tensor(new long[] { frames });
            var probs = nn.functional.softmax(_model.call(x, lengths), 1);
            return probs.data<float>().ToArray();
        }
    }

    /// <summary>Class probabilities of many utterances in padded batches (faster than row by row).</summary>
    public float[][] PredictBatch(IReadOnlyList<FeatureUtterance> utterances)
    {
        lock (_gate) return QieemoFineTuner.Predict(_model, utterances, FrameDim, CPU).Probabilities;
    }

    public void Dispose() => _model.Dispose();

    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private sealed class Mapper : MapperBase
    {
        private readonly QieemoTransformer _owner;
        private readonly int _featureIndex;

        public Mapper(QieemoTransformer parent, DataViewSchema schema) : base(parent.Host, schema, parent)
        {
            _owner = parent;
            var column = schema.GetColumnOrNull(parent.FeatureColumnName)
                ?? throw parent.Host.ExceptSchemaMismatch(nameof(schema), "feature", parent.FeatureColumnName);
            TransformSupport.CheckFloatVector(parent.Host, column, "feature");
            int? dim = column.GetFrameDim();
            if (dim != null && dim != parent.FrameDim)
                throw parent.Host.Except($"Column '{column.Name}' has {dim} values per frame; the model was trained on {parent.FrameDim}.");
            _featureIndex = column.Index;
        }

        public override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
        {
            int k = _owner.ClassNames.Count;
            var names = new VBuffer<ReadOnlyMemory<char>>(k, _owner.ClassNames.Select(n => n.AsMemory()).ToArray());
            var score = new DataViewSchema.Annotations.Builder();
            score.AddSlotNames(k, (ref VBuffer<ReadOnlyMemory<char>> v) => names.CopyTo(ref v));
            score.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification.AsMemory());
            score.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = AnnotationUtils.Const.ScoreValueKind.Score.AsMemory());
            var predicted = new DataViewSchema.Annotations.Builder();
            predicted.AddKeyValues(k, TextDataViewType.Instance, (ref VBuffer<ReadOnlyMemory<char>> v) => names.CopyTo(ref v));
            return new[]
            {
                new DataViewSchema.DetachedColumn(_owner.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, k), score.ToAnnotations()),
                new DataViewSchema.DetachedColumn(_owner.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), k), predicted.ToAnnotations()),
            };
        }

        public override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            var getFeatures = input.GetGetter<VBuffer<float>>(input.Schema[_featureIndex]);
            VBuffer<float> features = default;
            float[] dense = Array.Empty<float>();
            long cachedPosition = -1;
            float[] probabilities = Array.Empty<float>();
            float[] Ensure()
            {
                if (cachedPosition != input.Position)
                {
                    getFeatures(ref features);
                    if (dense.Length != features.Length) dense = new float[features.Length];
                    features.CopyTo(dense);
                    probabilities = _owner.Predict(dense);
                    cachedPosition = input.Position;
                }
                return probabilities;
            }
            if (iinfo == 0)
            {
                ValueGetter<VBuffer<float>> score = (ref VBuffer<float> dst) =>
                {
                    var p = Ensure();
                    var editor = VBufferEditor.Create(ref dst, p.Length);
                    p.CopyTo(editor.Values);
                    dst = editor.Commit();
                };
                return score;
            }
            ValueGetter<uint> label = (ref uint dst) => dst = (uint)QieemoFineTuner.ArgMax(Ensure()) + 1;
            return label;
        }

        public override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
        {
            bool any = activeOutput(0) || activeOutput(1);
            return col => any && col == _featureIndex;
        }

        public override void SaveModel(ModelSaveContext ctx) => _owner.SaveModel(ctx);
    }
}
