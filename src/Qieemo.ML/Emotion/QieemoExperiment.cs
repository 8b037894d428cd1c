using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Evaluation;
using Qieemo.ML.Reporting;
using Qieemo.ML.Training;

namespace Qieemo.ML.Emotion;

/// <summary>Options of the main job: Qieemo cross-validation by session, its ablations, the block probe and the baseline.</summary>
public sealed class QieemoExperimentOptions
{
    /// <summary>The trainer's options (encoder, head, epochs, ...); Ablation is overridden per run.</summary>
    public QieemoTrainerOptions Trainer { get; set; } = new();

    /// <summary>The main model's configuration (usually None = the full model).</summary>
    public QieemoAblation Ablation { get; set; } = QieemoAblation.None;

    /// <summary>Further ablations to cross-validate beside it (each a full cross-validation).</summary>
    public IReadOnlyList<QieemoAblation> ExtraAblations { get; set; } = Array.Empty<QieemoAblation>();

    /// <summary>Run the classical baseline too (the report shows it beside the model).</summary>
    public bool RunBaseline { get; set; } = true;

    /// <summary>Run the Table I block probe on the pretrained encoder.</summary>
    public bool RunBlockProbe { get; set; }

    /// <summary>Options of the block probe.</summary>
    public BlockProbeRunOptions BlockProbe { get; set; } = new();

    /// <summary>Share of each fold's training sessions held out for model selection.</summary>
    public double DevFraction { get; set; } = 0.15;

    /// <summary>Seed of the folds' dev splits.</summary>
    public int Seed { get; set; }

    /// <summary>Human-readable progress lines ("fold 2/5 Session2: training", RSS after each fold, ...).</summary>
    public IProgress<string>? Log { get; set; }

    /// <summary>Report title and corpus name.</summary>
    public string Title { get; set; } = "Qieemo — speech emotion recognition";

    /// <inheritdoc cref="Title"/>
    public string CorpusName { get; set; } = "corpus";

    /// <summary>Corpus location, shown in the report.</summary>
    public string? CorpusPath { get; set; }
}

/// <summary>What the main job measured.</summary>
public sealed class QieemoExperimentResult
{
    public required SessionCrossValidationResult Model { get; init; }
    public required IReadOnlyDictionary<QieemoAblation, SessionCrossValidationResult> Ablations { get; init; }
    public SessionCrossValidationResult? Baseline { get; init; }
    public IReadOnlyList<BlockProbeBlockResult>? BlockProbe { get; init; }
    /// <summary>Per fold of the main model: history and learned block weights.</summary>
    public required IReadOnlyList<(string Session, IReadOnlyList<QieemoEpoch> History, float[] BlockWeights, IReadOnlyList<int> FusedBlocks)> Folds { get; init; }
    /// <summary>Process RSS (MiB) after each fold of the main model.</summary>
    public required IReadOnlyList<double> RssAfterFoldMiB { get; init; }
    public required EvaluationReport Report { get; init; }
}

/// <summary>
/// The main job of Qieemo.ML: featurize the corpus once (LoadAudio → FilterbankFeatures, kept in
/// memory), cross-validate the Qieemo trainer leave-one-session-out (dev split from the training
/// sessions for model selection), optionally its ablations, the Table I block probe and the classical
/// baseline, and assemble the evaluation report.
/// </summary>
public static class QieemoExperiment
{
    public static QieemoExperimentResult Run(MLContext ml, IDataView utterances, QieemoExperimentOptions options)
    {
        var log = options.Log;
        var timings = new Dictionary<string, double>();
        var watch = Stopwatch.StartNew();
        log?.Report("featurizing (LoadAudio → FilterbankFeatures, WeNet 80-bin fbank)...");
        var featurized = ml.Transforms.LoadAudio().Append(ml.Transforms.FilterbankFeatures()).Fit(utterances).Transform(utterances);
        var columns = new List<string> { "Features", "Label", "Session" };
        if (featurized.Schema.GetColumnOrNull("Speaker") != null) columns.Add("Speaker");
        var cached = ml.Data.Cache(featurized, columns.ToArray());
        using (var cursor = cached.GetRowCursor(cached.Schema)) while (cursor.MoveNext()) { }   // fill the cache once
        timings["featurize"] = watch.Elapsed.TotalSeconds;

        var folds = new List<(string, IReadOnlyList<QieemoEpoch>, float[], IReadOnlyList<int>)>();
        var rss = new List<double>();
        var main = CrossValidate(ml, cached, options, options.Ablation, log, folds, rss, timings);
        var ablations = new Dictionary<QieemoAblation, SessionCrossValidationResult>();
        foreach (var ablation in options.ExtraAblations.Where(a => a != options.Ablation).Distinct())
            ablations[ablation] = CrossValidate(ml, cached, options, ablation, log, null, null, timings);

        SessionCrossValidationResult? baseline = null;
        if (options.RunBaseline)
        {
            var t = Stopwatch.StartNew();
            log?.Report("classical baseline (fbank mean+std → logistic regression) by session...");
            baseline = ClassicalBaseline.CrossValidate(ml, utterances, new ClassicalBaselineOptions { Seed = options.Seed });
            timings["baseline"] = t.Elapsed.TotalSeconds;
        }

        IReadOnlyList<BlockProbeBlockResult>? probe = null;
        if (options.RunBlockProbe && options.Trainer.EncoderModelPath != null)
        {
            var t = Stopwatch.StartNew();
            log?.Report("block probe (frozen encoder, every block, by session)...");
            probe = RunBlockProbe(ml, cached, options.Trainer, options.BlockProbe);
            timings["block_probe"] = t.Elapsed.TotalSeconds;
        }
        timings["total"] = watch.Elapsed.TotalSeconds;

        var report = BuildReport(ml, utterances, options, main, ablations, baseline, probe, folds, timings);
        return new QieemoExperimentResult
        {
            Model = main, Ablations = ablations, Baseline = baseline, BlockProbe = probe, Folds = folds, RssAfterFoldMiB = rss, Report = report,
        };
    }

    /// <summary>The block probe on the encoder of <paramref name="trainer"/>.EncoderModelPath over featurized data.</summary>
    public static IReadOnlyList<BlockProbeBlockResult> RunBlockProbe(MLContext ml, IDataView featurized, QieemoTrainerOptions trainer, BlockProbeRunOptions options)
    {
        if (trainer.EncoderModelPath == null) throw new ArgumentException("the block probe needs a pretrained encoder (EncoderModelPath)");
        var (encoder, _) = EncoderStore.Load(trainer.EncoderModelPath);
        using (encoder)
        {
            var rows = ReadRows(featurized, trainer.FeatureColumnName, encoder.Config.InputDim);
            var classNames = rows.Labels.Distinct().OrderBy(l => l, StringComparer.Ordinal).ToArray();
            var data = new LabeledUtterances(rows.Features, rows.Labels.Select(l => Array.IndexOf(classNames, l)).ToList());
            return BlockProbe.Run(encoder, data, rows.Sessions, classNames, encoder.Config.InputDim, options);
        }
    }

    private static SessionCrossValidationResult CrossValidate(MLContext ml, IDataView data, QieemoExperimentOptions options, QieemoAblation ablation,
        IProgress<string>? log, List<(string, IReadOnlyList<QieemoEpoch>, float[], IReadOnlyList<int>)>? folds, List<double>? rss, Dictionary<string, double> timings)
    {
        var watch = Stopwatch.StartNew();
        var trainerOptions = options.Trainer.Clone();
        trainerOptions.Ablation = ablation;
        trainerOptions.ValidationFraction = 0;   // the fold's dev split selects the epoch
        string name = Name(ablation);
        var trainer = ml.MulticlassClassification.Trainers.Qieemo(trainerOptions);
        var result = ml.MulticlassClassification.CrossValidateBySession(data, fold => trainer.WithValidation(fold.Dev), "Session", "Label",
            new SessionCrossValidationOptions
            {
                DevFraction = options.DevFraction, Seed = options.Seed,
                Progress = new SynchronousProgress<FoldProgress>(p =>
                {
                    log?.Report($"{name}: fold {p.FoldIndex + 1}/{p.FoldCount} (test {p.TestSession}) {p.Stage.ToString().ToLowerInvariant()}" +
                        (p.Metrics != null ? $": WA {p.Metrics.WeightedAccuracy:P1}, UA {p.Metrics.UnweightedAccuracy:P1}, WF1 {p.Metrics.WeightedF1:P1}" : ""));
                }),
            });
        foreach (var fold in result.Folds)
        {
            if (fold.Model is TransformerChain<ITransformer> chain && chain.LastTransformer is QieemoTransformer q1) Capture(fold.TestSession, q1);
            else if (fold.Model is QieemoTransformer q2) Capture(fold.TestSession, q2);
        }
        void Capture(string session, QieemoTransformer q)
        {
            folds?.Add((session, q.History, q.BlockWeights, q.FusedBlocks));
            q.Dispose();   // weights are no longer needed: keep memory flat across folds
            GC.Collect();
            GC.WaitForPendingFinalizers();
            double mib = ProcessMemory.RssMiB();
            rss?.Add(mib);
            log?.Report($"{name}: after fold {session}: RSS {mib:F0} MiB");
        }
        timings[$"crossval_{name}"] = watch.Elapsed.TotalSeconds;
        log?.Report($"{name}: mean WA {result.Mean.WeightedAccuracy:P1}, UA {result.Mean.UnweightedAccuracy:P1}, WF1 {result.Mean.WeightedF1:P1} ({watch.Elapsed.TotalMinutes:F1} min)");
        return result;
    }

    /// <summary>Display name of an ablation, as in the CLI (none, no-cma, no-mmf, no-pretrain).</summary>
    public static string Name(QieemoAblation ablation) => ablation switch
    {
        QieemoAblation.None => "qieemo",
        QieemoAblation.NoCma => "no-cma",
        QieemoAblation.NoMmf => "no-mmf",
        QieemoAblation.NoPretrain => "no-pretrain",
        _ => ablation.ToString(),
    };

    private static EvaluationReport BuildReport(MLContext ml, IDataView utterances, QieemoExperimentOptions options, SessionCrossValidationResult main,
        IReadOnlyDictionary<QieemoAblation, SessionCrossValidationResult> ablations, SessionCrossValidationResult? baseline,
        IReadOnlyList<BlockProbeBlockResult>? probe, List<(string Session, IReadOnlyList<QieemoEpoch> History, float[] Weights, IReadOnlyList<int> Fused)> folds,
        Dictionary<string, double> timings)
    {
        var dataset = DatasetSummary.FromDataView(options.CorpusName, options.CorpusPath, utterances, "Session", "Label",
            utterances.Schema.GetColumnOrNull("Speaker") != null ? "Speaker" : null);
        var report = EvaluationReport.FromCrossValidation(main, options.Title, $"Qieemo ({Name(options.Ablation)})", dataset);
        if (baseline != null) report.SetBaseline("fbank mean+std → logistic regression", baseline);
        foreach (var (session, history, _, _) in folds)
            report.AddLearningCurve(session, history.Select(e => new LearningCurvePoint(e.Epoch, e.TrainLoss, e.DevLoss, e.DevWa, e.DevUa)));
        if (folds.Count > 0 && folds[0].Weights.Length > 0)
            report.SetBlockWeights(folds.Select(f => (IReadOnlyList<double>)f.Weights.Select(w => (double)w).ToList()).ToList(), folds[0].Fused.ToList());
        foreach (var (ablation, result) in ablations) report.AddAblation(Name(ablation), result);
        if (probe != null)
            foreach (var row in probe)
                report.AddBlockProbe(row.Block, new MetricValues(row.Mean.WeightedAccuracy, row.Mean.UnweightedAccuracy, row.Mean.WeightedF1),
                    new MetricValues(row.Std.WeightedAccuracy, row.Std.UnweightedAccuracy, row.Std.WeightedF1));
        var t = options.Trainer;
        report.SetConfiguration("encoder", t.EncoderModelPath ?? $"random {t.EncoderPreset}")
            .SetConfiguration("ablation", Name(options.Ablation))
            .SetConfiguration("epochs", t.Epochs)
            .SetConfiguration("learning_rate", t.LearningRate)
            .SetConfiguration("encoder_lr_multiplier", t.EncoderLearningRateMultiplier)
            .SetConfiguration("fused_blocks", folds.Count > 0 ? string.Join(",", folds[0].Fused) : "")
            .SetConfiguration("block_weight_mode", t.Head.Mmf.BlockWeightMode.ToString())
            .SetConfiguration("cma_dim", t.Head.Cma.AttentionDim)
            .SetConfiguration("dev_fraction", options.DevFraction)
            .SetConfiguration("seed", t.Seed);
        foreach (var (k, v) in timings) report.AddTiming(k, v);
        report.Environment = EnvironmentInfo.Capture(t.Device, t.Threads);
        return report;
    }

    internal static (List<Training.FeatureUtterance> Features, List<string> Labels, List<string> Sessions) ReadRows(IDataView data, string featureColumn, int frameDim)
    {
        var f = data.Schema[featureColumn];
        var l = data.Schema["Label"];
        var s = data.Schema["Session"];
        var features = new List<Training.FeatureUtterance>();
        var labels = new List<string>();
        var sessions = new List<string>();
        using var cursor = data.GetRowCursor(new[] { f, l, s });
        var gf = cursor.GetGetter<VBuffer<float>>(f);
        var gl = cursor.GetGetter<ReadOnlyMemory<char>>(l);
        var gs = cursor.GetGetter<ReadOnlyMemory<char>>(s);
        VBuffer<float> fv = default;
        ReadOnlyMemory<char> lv = default, sv = default;
        while (cursor.MoveNext())
        {
            gf(ref fv); gl(ref lv); gs(ref sv);
            features.Add(new Training.FeatureUtterance(fv.DenseValues().ToArray(), fv.Length / frameDim));
            labels.Add(lv.ToString());
            sessions.Add(sv.ToString());
        }
        return (features, labels, sessions);
    }
}
