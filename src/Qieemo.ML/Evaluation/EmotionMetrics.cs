using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace Qieemo.ML.Evaluation;

/// <summary>
/// Speech-emotion-recognition metrics of one set of predictions: WA, UA, weighted F1, per-class
/// precision/recall/F1/support and the confusion matrix, with scikit-learn's definitions.
/// </summary>
/// <remarks>
/// <para>Everything is derived from the confusion matrix (rows = true class, columns = predicted
/// class, as <c>sklearn.metrics.confusion_matrix</c>), so metrics pooled over several folds are
/// exactly <see cref="FromConfusionMatrix"/> of the summed matrices.</para>
/// <para>Ill-defined ratios follow sklearn's <c>zero_division=0</c>: a class that is never predicted
/// has precision 0, a class that never occurs in the truth has recall 0 and support 0, and F1 is 0
/// when precision + recall is 0.</para>
/// <para>Classes that are in <see cref="ClassNames"/> but absent from the truth: <see cref="UnweightedAccuracy"/>
/// (UA) averages recall over the classes present in the truth only, which is the SER convention and
/// equals <c>balanced_accuracy_score</c>; <see cref="MacroRecall"/> is sklearn's
/// <c>recall_score(average='macro', labels=all classes, zero_division=0)</c>, which counts absent classes
/// as recall 0. The two are equal whenever every class occurs in the truth (every IEMOCAP session).
/// <see cref="WeightedF1"/> weights by support, so absent classes never matter to it.</para>
/// </remarks>
public sealed class EmotionMetrics
{
    private readonly string[] _classNames;
    private readonly long[,] _confusion;
    private readonly ClassMetrics[] _perClass;

    private EmotionMetrics(string[] classNames, long[,] confusion)
    {
        _classNames = classNames;
        _confusion = confusion;
        int k = classNames.Length;

        var predictedCount = new long[k];
        long correct = 0, total = 0;
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++)
            {
                predictedCount[p] += confusion[t, p];
                total += confusion[t, p];
                if (t == p) correct += confusion[t, p];
            }

        _perClass = new ClassMetrics[k];
        double recallSumPresent = 0, recallSumAll = 0, f1Sum = 0, weightedF1Sum = 0;
        int present = 0;
        for (int c = 0; c < k; c++)
        {
            long support = 0;
            for (int p = 0; p < k; p++) support += confusion[c, p];
            long tp = confusion[c, c];
            double precision = predictedCount[c] == 0 ? 0 : (double)tp / predictedCount[c];
            double recall = support == 0 ? 0 : (double)tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            _perClass[c] = new ClassMetrics(classNames[c], precision, recall, f1, support, predictedCount[c]);
            recallSumAll += recall;
            f1Sum += f1;
            weightedF1Sum += f1 * support;
            if (support > 0) { recallSumPresent += recall; present++; }
        }

        Count = total;
        WeightedAccuracy = (double)correct / total;
        UnweightedAccuracy = recallSumPresent / present;
        MacroRecall = recallSumAll / k;
        MacroF1 = f1Sum / k;
        WeightedF1 = weightedF1Sum / total;
    }

    /// <summary>Class names; index i is class i of the confusion matrix and of <see cref="PerClass"/>.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>Number of predictions (utterances).</summary>
    public long Count { get; }

    /// <summary>WA: weighted accuracy = overall accuracy (sklearn <c>accuracy_score</c>).</summary>
    public double WeightedAccuracy { get; }

    /// <summary>UA: unweighted accuracy = mean recall over the classes present in the truth
    /// (sklearn <c>balanced_accuracy_score</c>).</summary>
    public double UnweightedAccuracy { get; }

    /// <summary>WF1: support-weighted mean of per-class F1 (sklearn <c>f1_score(average='weighted')</c>).</summary>
    public double WeightedF1 { get; }

    /// <summary>Mean recall over all classes of <see cref="ClassNames"/>, absent ones counting 0
    /// (sklearn <c>recall_score(average='macro', labels=all, zero_division=0)</c>).</summary>
    public double MacroRecall { get; }

    /// <summary>Unweighted mean of per-class F1 over all classes (sklearn <c>f1_score(average='macro', labels=all, zero_division=0)</c>).</summary>
    public double MacroF1 { get; }

    /// <summary>Precision, recall, F1 and support of each class, in <see cref="ClassNames"/> order.</summary>
    public IReadOnlyList<ClassMetrics> PerClass => _perClass;

    /// <summary>A copy of the confusion matrix [true class, predicted class].</summary>
    public long[,] ConfusionMatrix => (long[,])_confusion.Clone();

    /// <summary>Number of utterances of class <paramref name="trueClass"/> predicted as <paramref name="predictedClass"/>.</summary>
    public long Confusion(int trueClass, int predictedClass) => _confusion[trueClass, predictedClass];

    /// <summary>Metrics of predicted class indices against true class indices.</summary>
    /// <param name="truth">True class index of each utterance, in [0, classNames.Count).</param>
    /// <param name="predicted">Predicted class index of each utterance, same length as <paramref name="truth"/>.</param>
    /// <param name="classNames">Name of each class index; distinct.</param>
    public static EmotionMetrics Compute(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        string[] names = ValidateClassNames(classNames);
        if (truth.Count != predicted.Count)
            throw new ArgumentException($"truth has {truth.Count} labels but predicted has {predicted.Count}.", nameof(predicted));
        if (truth.Count == 0)
            throw new ArgumentException("Cannot compute metrics of zero predictions.", nameof(truth));
        int k = names.Length;
        var confusion = new long[k, k];
        for (int i = 0; i < truth.Count; i++)
        {
            int t = truth[i], p = predicted[i];
            if ((uint)t >= (uint)k)
                throw new ArgumentException($"truth[{i}] = {t} is not a class index in [0, {k}).", nameof(truth));
            if ((uint)p >= (uint)k)
                throw new ArgumentException($"predicted[{i}] = {p} is not a class index in [0, {k}).", nameof(predicted));
            confusion[t, p]++;
        }
        return new EmotionMetrics(names, confusion);
    }

    /// <summary>Metrics of a confusion matrix [true class, predicted class], e.g. one summed over folds.</summary>
    public static EmotionMetrics FromConfusionMatrix(long[,] confusionMatrix, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(confusionMatrix);
        string[] names = ValidateClassNames(classNames);
        int k = names.Length;
        if (confusionMatrix.GetLength(0) != k || confusionMatrix.GetLength(1) != k)
            throw new ArgumentException(
                $"Confusion matrix is {confusionMatrix.GetLength(0)}x{confusionMatrix.GetLength(1)} but there are {k} classes.",
                nameof(confusionMatrix));
        long total = 0;
        foreach (long v in confusionMatrix)
        {
            if (v < 0) throw new ArgumentException("Confusion matrix has a negative count.", nameof(confusionMatrix));
            total += v;
        }
        if (total == 0) throw new ArgumentException("Confusion matrix is empty (all counts 0).", nameof(confusionMatrix));
        return new EmotionMetrics(names, (long[,])confusionMatrix.Clone());
    }

    /// <summary>
    /// Metrics of a scored ML.NET data view: compares <paramref name="labelColumn"/> with
    /// <paramref name="predictedLabelColumn"/>, row by row.
    /// </summary>
    /// <remarks>
    /// Both columns may be key-typed (as after <c>MapValueToKey</c> and a multiclass trainer) or text
    /// (as after <c>MapKeyToValue</c>); numeric and boolean columns are read as their invariant text.
    /// Rows are matched by class <em>name</em>: a key is turned into its key value (<c>GetKeyValues</c>).
    /// Class order: the key values of the label column when it is key-typed, else those of the
    /// predicted column when it is key-typed, else the sorted union of the names seen (ordinal, or
    /// numeric when all names are numbers); names seen but not in the key values are appended, sorted.
    /// A row whose label or prediction is missing (key 0, NaN, empty text) is an error, since it
    /// usually means the key mapping was fitted on data that lacked that label.
    /// </remarks>
    /// <exception cref="ArgumentException">A column is missing or of an unsupported type.</exception>
    /// <exception cref="InvalidDataException">A row has a missing label or prediction, or there are no rows.</exception>
    public static EmotionMetrics FromScoredData(IDataView scored, string labelColumn = "Label", string predictedLabelColumn = "PredictedLabel")
    {
        ArgumentNullException.ThrowIfNull(scored);
        var columns = LabelColumnReader.Read(scored, labelColumn, predictedLabelColumn);
        LabelColumn truth = columns[0], predicted = columns[1];

        List<string> classes;
        if (truth.KeyValueNames != null) classes = truth.KeyValueNames.ToList();
        else if (predicted.KeyValueNames != null) classes = predicted.KeyValueNames.ToList();
        else classes = new List<string>();
        var extra = truth.DistinctNames().Concat(predicted.DistinctNames()).Where(n => !classes.Contains(n)).Distinct().ToList();
        classes.AddRange(LabelColumnReader.SortNames(extra));
        return FromNames(truth, predicted, classes);
    }

    /// <summary>Metrics of a scored view with a fixed class list (cross-validation: the same classes in every fold).</summary>
    internal static EmotionMetrics FromScoredData(IDataView scored, string labelColumn, string predictedLabelColumn, IReadOnlyList<string> classNames)
    {
        var columns = LabelColumnReader.Read(scored, labelColumn, predictedLabelColumn);
        return FromNames(columns[0], columns[1], classNames);
    }

    private static EmotionMetrics FromNames(LabelColumn truth, LabelColumn predicted, IReadOnlyList<string> classNames)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classNames.Count; i++) index[classNames[i]] = i;
        int n = truth.Values.Length;
        if (n == 0) throw new InvalidDataException($"The scored data has no rows: cannot compute metrics of column '{truth.Name}'.");
        var t = new int[n];
        var p = new int[n];
        for (int row = 0; row < n; row++)
        {
            t[row] = IndexOf(truth, row, index);
            p[row] = IndexOf(predicted, row, index);
        }
        return Compute(t, p, classNames);
    }

    private static int IndexOf(LabelColumn column, int row, Dictionary<string, int> index)
    {
        string? name = column.Values[row];
        if (name == null)
            throw new InvalidDataException(
                $"Row {row} of column '{column.Name}' is missing (key 0, NaN or empty): the label was probably not seen when the key mapping was fitted.");
        if (!index.TryGetValue(name, out int i))
            throw new InvalidDataException(
                $"Row {row} of column '{column.Name}' has class '{name}', which is not one of the classes [{string.Join(", ", index.Keys)}].");
        return i;
    }

    private static string[] ValidateClassNames(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0) throw new ArgumentException("There must be at least one class.", nameof(classNames));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < classNames.Count; i++)
        {
            if (classNames[i] == null) throw new ArgumentException($"classNames[{i}] is null.", nameof(classNames));
            if (!seen.Add(classNames[i])) throw new ArgumentException($"Class name '{classNames[i]}' occurs twice.", nameof(classNames));
        }
        return classNames.ToArray();
    }

    /// <summary>A multi-line summary: WA/UA/WF1, a per-class table and the confusion matrix.</summary>
    public override string ToString()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Format(ci, "N={0} WA={1:F4} UA={2:F4} WF1={3:F4}", Count, WeightedAccuracy, UnweightedAccuracy, WeightedF1));
        int w = Math.Max(8, _classNames.Max(n => n.Length) + 1);
        sb.AppendLine($"{"class".PadRight(w)} precision    recall        f1   support");
        foreach (var c in _perClass)
            sb.AppendLine(string.Format(ci, "{0}{1,10:F4}{2,10:F4}{3,10:F4}{4,10}", c.Name.PadRight(w), c.Precision, c.Recall, c.F1, c.Support));
        sb.AppendLine("confusion (rows = true, columns = predicted):");
        sb.Append("".PadRight(w));
        foreach (var name in _classNames) sb.Append(name.PadLeft(w));
        sb.AppendLine();
        for (int t = 0; t < _classNames.Length; t++)
        {
            sb.Append(_classNames[t].PadRight(w));
            for (int p = 0; p < _classNames.Length; p++) sb.Append(_confusion[t, p].ToString(ci).PadLeft(w));
            sb.AppendLine();
        }
        return sb.ToString();
    }
}

/// <summary>Precision, recall, F1 and support of one class (sklearn <c>zero_division=0</c> semantics).</summary>
/// <param name="Name">Class name.</param>
/// <param name="Precision">TP / (TP + FP); 0 when the class is never predicted.</param>
/// <param name="Recall">TP / (TP + FN); 0 when the class never occurs in the truth.</param>
/// <param name="F1">Harmonic mean of precision and recall; 0 when both are 0.</param>
/// <param name="Support">Number of utterances whose true class is this one.</param>
/// <param name="PredictedCount">Number of utterances predicted as this class.</param>
public sealed record ClassMetrics(string Name, double Precision, double Recall, double F1, long Support, long PredictedCount);
