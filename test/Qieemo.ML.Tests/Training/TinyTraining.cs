using Qieemo.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Training;

/// <summary>A small utterance classifier: masked mean pooling → Linear → ReLU → Dropout → Linear.</summary>
internal sealed class TinyClassifier : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear l1;
    private readonly Dropout drop;
    private readonly Linear l2;

    public TinyClassifier(int dim, int classes) : base(nameof(TinyClassifier))
    {
        l1 = nn.Linear(dim, 16);
        drop = nn.Dropout(0.3);
        l2 = nn.Linear(16, classes);
        RegisterComponents();
    }

    /// <summary>feats (B, T, D), lengths int64 (B) → logits (B, classes).</summary>
    public override Tensor forward(Tensor feats, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        var mask = arange(feats.shape[1]).unsqueeze(0).lt(lengths.unsqueeze(1)).unsqueeze(2).to_type(feats.dtype);   // (B, T, 1)
        var pooled = (feats * mask).sum(1) / lengths.unsqueeze(1).to_type(feats.dtype);
        return l2.call(drop.call(nn.functional.relu(l1.call(pooled)))).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A complete small training loop on the Training infrastructure (sampler, collator, Adam with two
/// groups, WarmupLR, accumulation + clipping, per-epoch checkpoints, resume), as a trainer would use it.
/// </summary>
internal static class TinyTraining
{
    public const int Dim = 8;
    public const int Classes = 3;

    public sealed record Result(List<float> StepLosses, Dictionary<string, float[]> FinalParameters,
        List<Dictionary<string, float[]>> EpochSnapshots, TrainingState State);

    public static (FeatureUtterance[] Utterances, int[] Labels) Data(int count = 48, int seed = 5)
    {
        var rng = new Random(seed);
        var utts = new FeatureUtterance[count];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int frames = rng.Next(3, 21), label = rng.Next(Classes);
            var f = new float[frames * Dim];
            for (int k = 0; k < f.Length; k++) f[k] = (float)(rng.NextDouble() * 2 - 1) + (k % Dim == label ? 1f : 0f);
            utts[i] = new FeatureUtterance(f, frames);
            labels[i] = label;
        }
        return (utts, labels);
    }

    public static Dictionary<string, float[]> Parameters(nn.Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    /// <summary>Trains up to epoch <paramref name="lastEpoch"/> in <paramref name="dir"/>, resuming from its checkpoints; everything is disposed on return.</summary>
    public static Result Run(string dir, int lastEpoch, int seed, Action<string>? warning = null, int keepLast = 0)
    {
        var (utts, labels) = Data();
        Determinism.Seed(seed);
        using var model = new TinyClassifier(Dim, Classes);
        using var optimizer = OptimizerFactory.Create(new OptimizerSettings { LearningRate = 0.01 },
            ParameterGroupSpec.ByPrefix(model, new[] { ("first", "l1.", 0.5) }, restName: "rest"));
        var scheduler = new LearningRateScheduler(optimizer, new WarmupLR(5));
        var accumulator = new GradientAccumulator(optimizer, model.parameters(), accumGrad: 2, clipNorm: 5, scheduler);
        var manager = new CheckpointManager(new CheckpointOptions { Directory = dir, Warning = warning, KeepLast = keepLast });
        var state = manager.TryResume(model, optimizer) ?? new TrainingState { Seed = seed };
        scheduler.SetStepCount(state.SchedulerStep);
        accumulator.RestoreCounters(state.GlobalStep, state.SkippedUpdates);

        var sampler = new LengthBucketBatchSampler(utts.Select(u => u.Frames).ToArray(),
            new BatchSamplerOptions { MaxFramesPerBatch = 60, MaxBatchSize = 8, BucketSize = 16, Seed = seed });
        var collator = new BatchCollator(Dim);
        var losses = new List<float>();
        var snapshots = new List<Dictionary<string, float[]>>();
        for (int epoch = state.Epoch + 1; epoch <= lastEpoch; epoch++)
        {
            Determinism.SeedEpoch(seed, epoch);
            model.train();
            double sum = 0;
            var batches = sampler.GetBatches(epoch);
            foreach (var indices in batches)
            {
                using var scope = NewDisposeScope();
                using var batch = collator.CollateWithLabels(utts, labels, indices);
                var loss = nn.functional.cross_entropy(model.call(batch.Features, batch.Lengths), batch.Labels!);
                float value = loss.item<float>();
                losses.Add(value);
                sum += value;
                accumulator.Backward(loss);
            }
            accumulator.Flush();
            state.Epoch = epoch;
            state.GlobalStep = accumulator.Updates;
            state.SchedulerStep = scheduler.StepCount;
            state.SkippedUpdates = accumulator.SkippedUpdates;
            state.History.Add(new EpochRecord
            {
                Epoch = epoch, GlobalStep = accumulator.Updates, FinishedUtc = DateTime.UtcNow,
                Metrics = new() { ["train_loss"] = sum / batches.Count },
            });
            manager.Save(model, optimizer, state);
            snapshots.Add(Parameters(model));
        }
        return new Result(losses, Parameters(model), snapshots, state);
    }
}
