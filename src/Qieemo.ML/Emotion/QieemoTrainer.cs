using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Qieemo.ML.Training;
using Qieemo.ML.Transforms;

namespace Qieemo.ML.Emotion;

/// <summary>
/// The Qieemo fine-tuning trainer (stage 2) as an ML.NET estimator:
/// <c>mlContext.MulticlassClassification.Trainers.Qieemo(options)</c>. It reads a frame-matrix
/// feature column (fbank before CMVN, e.g. from FilterbankFeatures) and a label column (key-typed
/// after MapValueToKey, or text), fine-tunes encoder + MMF + CMA and returns a
/// <see cref="QieemoTransformer"/> that adds Score and PredictedLabel.
/// </summary>
public sealed class QieemoTrainer : IEstimator<QieemoTransformer>
{
    private readonly IHost _host;
    private readonly QieemoTrainerOptions _options;
    private readonly IDataView? _validation;

    internal QieemoTrainer(IHostEnvironment env, QieemoTrainerOptions options, IDataView? validation = null)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(QieemoTrainer));
        _options = options.Clone();
        _options.Validate();
        _validation = validation;
    }

    /// <summary>The options (a copy).</summary>
    public QieemoTrainerOptions Options => _options.Clone();

    /// <summary>The same trainer, selecting its epoch on <paramref name="validation"/> (e.g. a cross-validation fold's dev split).</summary>
    public QieemoTrainer WithValidation(IDataView? validation) => new(_host, _options, validation);

    /// <summary>Fine-tunes on <paramref name="input"/>; the dev split is the validation data given, or a stratified share of the input.</summary>
    public QieemoTransformer Fit(IDataView input) => Fit(input, _validation);

    /// <summary>Fine-tunes on <paramref name="trainData"/>, selecting the epoch by UA on <paramref name="validationData"/>.</summary>
    public QieemoTransformer Fit(IDataView trainData, IDataView? validationData)
    {
        _host.CheckValue(trainData, nameof(trainData));
        var (classNames, keyed) = ClassNames(trainData);
        int frameDim = trainData.Schema.GetColumnOrNull(_options.FeatureColumnName)?.GetFrameDim() ?? _options.FrameDim;
        var train = Read(trainData, classNames, keyed, frameDim);
        LabeledUtterances? dev = validationData != null ? Read(validationData, classNames, keyed, frameDim) : null;
        if (dev == null && _options.ValidationFraction > 0)
            (train, dev) = train.StratifiedSplit(_options.ValidationFraction, _options.Seed);
        var result = QieemoFineTuner.Train(train, dev, classNames, frameDim, _options);
        return new QieemoTransformer(_host, result.Model, result.EncoderConfig, result.HeadOptions, classNames, frameDim,
            _options.FeatureColumnName, _options.ScoreColumnName, _options.PredictedLabelColumnName, result.History);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        if (!inputSchema.TryFindColumn(_options.FeatureColumnName, out var features))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "feature", _options.FeatureColumnName);
        if (features.ItemType != NumberDataViewType.Single || features.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "feature", _options.FeatureColumnName, "vector of Single", features.GetTypeString());
        if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName);
        var result = inputSchema.ToDictionary(c => c.Name);
        var names = new SchemaShape.Column(AnnotationUtils.Kinds.SlotNames, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false);
        var kind = new SchemaShape.Column(AnnotationUtils.Kinds.ScoreColumnKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false);
        var valueKind = new SchemaShape.Column(AnnotationUtils.Kinds.ScoreValueKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false);
        var keyValues = new SchemaShape.Column(AnnotationUtils.Kinds.KeyValues, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false);
        result[_options.ScoreColumnName] = new SchemaShape.Column(_options.ScoreColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
            new SchemaShape(new[] { names, kind, valueKind }));
        result[_options.PredictedLabelColumnName] = new SchemaShape.Column(_options.PredictedLabelColumnName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true,
            new SchemaShape(new[] { keyValues }));
        return new SchemaShape(result.Values);
    }

    /// <summary>Class names: the label key's values, or the sorted distinct texts of the training data.</summary>
    private (string[] Names, bool Keyed) ClassNames(IDataView train)
    {
        var column = train.Schema.GetColumnOrNull(_options.LabelColumnName) ?? throw _host.ExceptSchemaMismatch(nameof(train), "label", _options.LabelColumnName);
        if (column.Type is KeyDataViewType key)
        {
            if (column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) == null)
                return (Enumerable.Range(1, (int)key.Count).Select(i => i.ToString()).ToArray(), true);
            VBuffer<ReadOnlyMemory<char>> values = default;
            column.GetKeyValues(ref values);
            return (values.DenseValues().Select(v => v.ToString()).ToArray(), true);
        }
        if (column.Type is not TextDataViewType)
            throw _host.Except($"Label column '{column.Name}' must be key-typed (MapValueToKey) or text, not {column.Type}.");
        var names = new SortedSet<string>(StringComparer.Ordinal);
        using var cursor = train.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> text = default;
        while (cursor.MoveNext())
        {
            getter(ref text);
            if (!text.IsEmpty) names.Add(text.ToString());
        }
        return (names.ToArray(), false);
    }

    private LabeledUtterances Read(IDataView data, string[] classNames, bool keyed, int frameDim)
    {
        var features = data.Schema.GetColumnOrNull(_options.FeatureColumnName) ?? throw _host.ExceptSchemaMismatch(nameof(data), "feature", _options.FeatureColumnName);
        var label = data.Schema.GetColumnOrNull(_options.LabelColumnName) ?? throw _host.ExceptSchemaMismatch(nameof(data), "label", _options.LabelColumnName);
        TransformSupport.CheckFloatVector(_host, features, "feature");
        var utterances = new List<FeatureUtterance>();
        var labels = new List<int>();
        var texts = new List<string>();
        using var cursor = data.GetRowCursor(new[] { features, label });
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        ValueGetter<uint>? getKey = keyed ? cursor.GetGetter<uint>(label) : null;
        ValueGetter<ReadOnlyMemory<char>>? getText = keyed ? null : cursor.GetGetter<ReadOnlyMemory<char>>(label);
        VBuffer<float> value = default;
        uint key = 0;
        ReadOnlyMemory<char> text = default;
        long row = 0;
        while (cursor.MoveNext())
        {
            getFeatures(ref value);
            if (value.Length == 0 || value.Length % frameDim != 0)
                throw _host.Except($"Row {row} of '{features.Name}' has {value.Length} values, not a positive number of {frameDim}-value frames.");
            utterances.Add(new FeatureUtterance(value.DenseValues().ToArray(), value.Length / frameDim));
            if (keyed)
            {
                getKey!(ref key);
                if (key == 0) throw _host.Except($"Row {row} has a missing label (key 0) in '{label.Name}'.");
                labels.Add((int)key - 1);
            }
            else
            {
                getText!(ref text);
                if (text.IsEmpty) throw _host.Except($"Row {row} has an empty label in '{label.Name}'.");
                texts.Add(text.ToString());
            }
            row++;
        }
        foreach (var t in texts)
        {
            int index = Array.IndexOf(classNames, t);
            if (index < 0) throw _host.Except($"Label '{t}' of the validation data does not occur in the training data.");
            labels.Add(index);
        }
        return new LabeledUtterances(utterances, labels);
    }
}
