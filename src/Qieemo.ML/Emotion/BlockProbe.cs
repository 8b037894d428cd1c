using Qieemo.ML.Evaluation;
using Qieemo.ML.Modules;
using Qieemo.ML.Modules.Emotion;
using Qieemo.ML.Runtime;
using Qieemo.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Emotion;

/// <summary>Options of the Table I block probe.</summary>
public sealed class BlockProbeRunOptions
{
    /// <summary>Hidden width of the probe (the paper: 256).</summary>
    public int Hidden { get; set; } = 256;

    /// <summary>Full-batch Adam steps per block and fold.</summary>
    public int Steps { get; set; } = 300;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; set; } = 3e-3;

    /// <summary>Weight decay (AdamW).</summary>
    public double WeightDecay { get; set; } = 1e-2;

    /// <summary>Seed: the same seed gives the same table on CPU.</summary>
    public int Seed { get; set; }

    /// <summary>Encoder batches are filled up to this many padded frames.</summary>
    public int MaxFramesPerBatch { get; set; } = 8000;

    /// <summary>Per-block progress (block index, block count).</summary>
    public IProgress<(int Block, int Blocks)>? Progress { get; set; }
}

/// <summary>One row of the probe table: a block's leave-one-session-out WA/UA/WF1.</summary>
public sealed record BlockProbeBlockResult(int Block, MetricSummary Mean, MetricSummary Std, IReadOnlyList<(string Session, EmotionMetrics Metrics)> Folds);

/// <summary>
/// The paper's Table I: with the encoder frozen, block k's output → masked mean pooling →
/// Linear(256) → ReLU → Linear(classes), trained and tested leave-one-session-out for every block.
/// The encoder runs once; pooled block outputs are z-normalized with each fold's training statistics.
/// </summary>
public static class BlockProbe
{
    public static IReadOnlyList<BlockProbeBlockResult> Run(ConformerEncoder encoder, LabeledUtterances data, IReadOnlyList<string> sessions,
        IReadOnlyList<string> classNames, int frameDim, BlockProbeRunOptions? options = null)
    {
        options ??= new BlockProbeRunOptions();
        if (sessions.Count != data.Count) throw new ArgumentException($"{data.Count} utterances but {sessions.Count} sessions");
        TorchRuntime.EnsureLoaded();
        float[][][] pooled = PoolBlocks(encoder, data.Features, frameDim, options.MaxFramesPerBatch);   // [block][utterance][D]
        var sessionNames = sessions.Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList();
        if (sessionNames.Count < 2) throw new ArgumentException("the block probe needs at least two sessions");

        var results = new List<BlockProbeBlockResult>();
        for (int block = 0; block < pooled.Length; block++)
        {
            options.Progress?.Report((block, pooled.Length));
            var folds = new List<(string, EmotionMetrics)>();
            foreach (var test in sessionNames)
            {
                var trainIdx = Enumerable.Range(0, data.Count).Where(i => sessions[i] != test).ToArray();
                var testIdx = Enumerable.Range(0, data.Count).Where(i => sessions[i] == test).ToArray();
                var predicted = TrainAndPredict(pooled[block], data.Labels, trainIdx, testIdx, classNames.Count, block, options);
                folds.Add((test, EmotionMetrics.Compute(testIdx.Select(i => data.Labels[i]).ToList(), predicted, classNames)));
            }
            results.Add(new BlockProbeBlockResult(block, Summary(folds, v => v.Average()), Summary(folds, Std), folds));
        }
        return results;
    }

    /// <summary>Masked mean of every block's output per utterance, with the encoder in eval mode.</summary>
    internal static float[][][] PoolBlocks(ConformerEncoder encoder, IReadOnlyList<FeatureUtterance> utterances, int frameDim, int maxFrames)
    {
        bool wasTraining = encoder.training;
        encoder.eval();
        int blocks = encoder.NumBlocks, d = encoder.OutputSize;
        var pooled = Enumerable.Range(0, blocks).Select(_ => new float[utterances.Count][]).ToArray();
        var sampler = new SortedBatchSampler(utterances.Select(u => u.Frames).ToList(),
            new BatchSamplerOptions { MaxFramesPerBatch = maxFrames, MaxBatchSize = 32, ShuffleBatches = false });
        var collator = new BatchCollator(frameDim, CPU);
        using (no_grad())
        {
            foreach (var batch in sampler.Batches)
            {
                using var scope = NewDisposeScope();
                using var fb = collator.Collate(utterances, batch);
                using var output = encoder.call(fb.Features, fb.Lengths);
                for (int k = 0; k < blocks; k++)
                {
                    var mean = SequenceMask.MaskedMean(output.Blocks[k], output.BlockLengths[k]).data<float>().ToArray();
                    for (int i = 0; i < batch.Length; i++) pooled[k][batch[i]] = mean.AsSpan(i * d, d).ToArray();
                }
            }
        }
        if (wasTraining) encoder.train();
        return pooled;
    }

    private static int[] TrainAndPredict(float[][] x, IReadOnlyList<int> labels, int[] trainIdx, int[] testIdx, int classes, int block, BlockProbeRunOptions options)
    {
        int d = x[0].Length;
        var mean = new double[d];
        var std = new double[d];
        foreach (int i in trainIdx) for (int j = 0; j < d; j++) mean[j] += x[i][j];
        for (int j = 0; j < d; j++) mean[j] /= trainIdx.Length;
        foreach (int i in trainIdx) for (int j = 0; j < d; j++) std[j] += Math.Pow(x[i][j] - mean[j], 2);
        for (int j = 0; j < d; j++) std[j] = Math.Sqrt(std[j] / trainIdx.Length) + 1e-6;
        Tensor Matrix(int[] idx) => tensor(idx.SelectMany(i => Enumerable.Range(0, d).Select(j => (float)((x[i][j] - mean[j]) / std[j]))).ToArray(),
            new long[] { idx.Length, 1, d });

        using var scope = NewDisposeScope();
        Determinism.Seed(Determinism.DeriveSeed(options.Seed, block, 5));
        var probe = new BlockProbeHead(new BlockProbeOptions { Block = block, InputDim = d, Hidden = options.Hidden, NumClasses = classes });
        var optimizer = OptimizerFactory.Create(new OptimizerSettings { Kind = OptimizerKind.AdamW, LearningRate = options.LearningRate, WeightDecay = options.WeightDecay },
            probe.parameters());
        var xTrain = Matrix(trainIdx);
        var yTrain = tensor(trainIdx.Select(i => (long)labels[i]).ToArray());
        var oneFrame = ones(trainIdx.Length, dtype: int64);
        probe.train();
        for (int step = 0; step < options.Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var loss = nn.functional.cross_entropy(probe.call(xTrain, oneFrame), yTrain);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        probe.eval();
        using var _ = no_grad();
        var logits = probe.call(Matrix(testIdx), ones(testIdx.Length, dtype: int64));
        return logits.argmax(1).data<long>().Select(v => (int)v).ToArray();
    }

    private static MetricSummary Summary(List<(string, EmotionMetrics M)> folds, Func<double[], double> f) => new(
        f(folds.Select(x => x.M.WeightedAccuracy).ToArray()), f(folds.Select(x => x.M.UnweightedAccuracy).ToArray()), f(folds.Select(x => x.M.WeightedF1).ToArray()));

    private static double Std(double[] v)
    {
        if (v.Length < 2) return 0;
        double m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
    }
}
