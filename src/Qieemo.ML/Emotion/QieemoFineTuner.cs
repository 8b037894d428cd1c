using Qieemo.ML.Evaluation;
using Qieemo.ML.Features;
using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using Qieemo.ML.Modules.Emotion;
using Qieemo.ML.Runtime;
using Qieemo.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Emotion;

/// <summary>One epoch of fine-tuning, for learning curves.</summary>
public sealed record QieemoEpoch(int Epoch, double TrainLoss, double? DevLoss, double? DevWa, double? DevUa, float[] BlockWeights, double Seconds);

/// <summary>Utterances in memory: fbank frames before CMVN and an integer class per utterance.</summary>
public sealed class LabeledUtterances
{
    public LabeledUtterances(IReadOnlyList<FeatureUtterance> features, IReadOnlyList<int> labels)
    {
        if (features.Count != labels.Count) throw new ArgumentException($"{features.Count} utterances but {labels.Count} labels");
        Features = features;
        Labels = labels;
    }

    public IReadOnlyList<FeatureUtterance> Features { get; }
    public IReadOnlyList<int> Labels { get; }
    public int Count => Features.Count;

    /// <summary>A seeded split that keeps each class's share (at least one dev row per class that has two or more).</summary>
    public (LabeledUtterances Train, LabeledUtterances Dev) StratifiedSplit(double devFraction, int seed)
    {
        var rng = new Random(seed);
        var dev = new HashSet<int>();
        foreach (var group in Enumerable.Range(0, Count).GroupBy(i => Labels[i]).OrderBy(g => g.Key))
        {
            var members = group.OrderBy(_ => rng.Next()).ToList();
            int take = members.Count < 2 ? 0 : Math.Max(1, (int)Math.Round(members.Count * devFraction));
            foreach (var i in members.Take(take)) dev.Add(i);
        }
        var trainIdx = Enumerable.Range(0, Count).Where(i => !dev.Contains(i)).ToList();
        var devIdx = Enumerable.Range(0, Count).Where(dev.Contains).ToList();
        return (Subset(trainIdx), Subset(devIdx));
    }

    public LabeledUtterances Subset(IReadOnlyList<int> indices) =>
        new(indices.Select(i => Features[i]).ToList(), indices.Select(i => Labels[i]).ToList());
}

/// <summary>What fine-tuning produced: the network in eval mode and its history.</summary>
public sealed class QieemoFineTuneResult
{
    internal QieemoFineTuneResult(QieemoModel model, EncoderConfig encoder, EmotionHeadOptions head, IReadOnlyList<QieemoEpoch> history, int bestEpoch)
    {
        Model = model; EncoderConfig = encoder; HeadOptions = head; History = history; BestEpoch = bestEpoch;
    }

    public QieemoModel Model { get; }
    public EncoderConfig EncoderConfig { get; }
    public EmotionHeadOptions HeadOptions { get; }
    public IReadOnlyList<QieemoEpoch> History { get; }
    /// <summary>The epoch whose weights were kept (best dev UA; the last epoch without a dev split).</summary>
    public int BestEpoch { get; }
}

/// <summary>
/// Stage 2 of the paper (§II.D): joint fine-tuning of the pretrained encoder with MMF and CMA on
/// emotion-labelled speech. Cross-entropy, AdamW with separate encoder/head learning rates,
/// warmup + cosine decay, gradient clipping, SpecAugment, model selection by dev UA with early
/// stopping, per-epoch checkpoints with resume.
/// </summary>
public static class QieemoFineTuner
{
    /// <summary>Builds the encoder the options ask for: pretrained (loaded from the model zip) or random.</summary>
    public static ConformerEncoder CreateEncoder(QieemoTrainerOptions options, LabeledUtterances train, int frameDim)
    {
        EncoderConfig config;
        ConformerEncoder encoder;
        if (options.EncoderModelPath != null)
        {
            var (pretrained, pretrainedConfig) = EncoderStore.Load(options.EncoderModelPath);
            if (options.Ablation != QieemoAblation.NoPretrain) return pretrained;
            // The no-pretraining ablation: the same architecture, fresh weights, CMVN from this data.
            config = pretrainedConfig.Clone();
            pretrained.Dispose();
        }
        else config = EncoderConfig.Preset(options.EncoderPreset);
        if (config.InputDim != frameDim)
            throw new ArgumentException($"the encoder expects {config.InputDim} features per frame, the data has {frameDim}");
        config.UseGlobalCmvn = true;
        Determinism.Seed(options.Seed);
        encoder = new ConformerEncoder(config);
        var accumulator = new CmvnAccumulator();
        foreach (var u in train.Features) accumulator.Add(u.Features.AsSpan(0, u.Frames * frameDim), frameDim);
        var cmvn = accumulator.Build();
        encoder.GlobalCmvn!.SetStatistics(cmvn.Mean, cmvn.Istd);
        return encoder;
    }

    /// <summary>Fine-tunes on <paramref name="train"/>; <paramref name="dev"/> (may be null) selects the epoch.</summary>
    public static QieemoFineTuneResult Train(LabeledUtterances train, LabeledUtterances? dev, IReadOnlyList<string> classNames,
        int frameDim, QieemoTrainerOptions options)
    {
        options.Validate();
        TorchRuntime.EnsureLoaded();
        if (options.Threads is int threads) TorchRuntime.SetThreads(threads);
        var device = TorchRuntime.ResolveDevice(options.Device);
        if (train.Count == 0) throw new ArgumentException("no training utterances");
        if (train.Labels.Any(l => l < 0 || l >= classNames.Count)) throw new ArgumentException("a training label is outside the class list");

        var encoder = CreateEncoder(options, train, frameDim);
        var headOptions = QieemoModel.HeadOptionsFor(encoder.Config, options.Head, classNames.Count);
        if (options.Ablation == QieemoAblation.NoCma) headOptions.UseCma = false;
        if (options.Ablation == QieemoAblation.NoMmf) headOptions.UseMmf = false;
        Determinism.Seed(Determinism.DeriveSeed(options.Seed, 0, 3));
        var model = new QieemoModel(encoder, headOptions);
        model.to(device);

        var optimizer = OptimizerFactory.Create(
            new OptimizerSettings { Kind = options.WeightDecay > 0 ? OptimizerKind.AdamW : OptimizerKind.Adam, LearningRate = options.LearningRate, WeightDecay = options.WeightDecay },
            new[]
            {
                new ParameterGroupSpec("head", model.HeadParameters(), 1.0),
                new ParameterGroupSpec("encoder", model.EncoderParameters(), options.EncoderLearningRateMultiplier),
            });
        var sampler = new LengthBucketBatchSampler(train.Features.Select(u => u.Frames).ToList(), new BatchSamplerOptions
        {
            MaxFramesPerBatch = options.MaxFramesPerBatch, MaxBatchSize = options.MaxBatchSize, Seed = options.Seed,
        });
        int stepsPerEpoch = sampler.GetBatches(0).Count;
        long totalSteps = (long)stepsPerEpoch * options.Epochs;
        var scheduler = new LearningRateScheduler(optimizer,
            new WarmupDecaySchedule(DecayShape.Cosine, Math.Min(options.WarmupSteps, Math.Max(1, totalSteps / 4)), totalSteps, 0.05));
        var collator = new BatchCollator(frameDim, device);
        using var classWeights = options.BalanceClasses ? ClassWeights(train.Labels, classNames.Count, device) : null;
        // With a checkpoint folder the best weights live there too, so that a resumed run can still restore them.
        var selector = new ModelSelector(new ModelSelectorOptions
        {
            Goal = MetricGoal.Maximize, Patience = dev != null ? options.Patience : 0,
            BestWeightsPath = options.CheckpointDirectory != null ? Path.Combine(options.CheckpointDirectory, "best-dev.weights") : null,
        });
        var checkpoints = options.CheckpointDirectory != null ? new CheckpointManager(new CheckpointOptions { Directory = options.CheckpointDirectory, KeepLast = 2 }) : null;

        var history = new List<QieemoEpoch>();
        var state = new TrainingState { Seed = options.Seed };
        int startEpoch = 1;
        if (checkpoints?.TryResume(model, optimizer) is { } resumed)
        {
            state = resumed;
            startEpoch = state.Epoch + 1;
            scheduler.SetStepCount(state.SchedulerStep);
            selector.RestoreFrom(state, null);
            history.AddRange(state.History.Select(FromRecord));
        }

        var eta = new EtaEstimator();
        eta.Start();
        var augment = options.SpecAugment != null ? new SpecAugment(options.SpecAugment) : null;
        for (int epoch = startEpoch; epoch <= options.Epochs && !selector.ShouldStop; epoch++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Determinism.SeedEpoch(options.Seed, epoch);
            var rng = new Random(Determinism.DeriveSeed(options.Seed, epoch, 4));
            model.train();
            double lossSum = 0;
            int lossCount = 0, step = 0;
            var batches = sampler.GetBatches(epoch);
            foreach (var batch in batches)
            {
                step++;
                using var scope = NewDisposeScope();
                var utterances = augment == null ? train.Features : Augmented(train.Features, batch, augment, rng, frameDim);
                using var fb = collator.CollateWithLabels(utterances, train.Labels, batch);
                var logits = model.call(fb.Features, fb.Lengths);
                var loss = nn.functional.cross_entropy(logits, fb.Labels!, weight: classWeights);
                optimizer.zero_grad();
                loss.backward();
                GradientUtilities.ClipGradNorm(model.parameters(), options.GradientClip);
                if (state.GlobalStep < options.FreezeEncoderSteps) GradientUtilities.ZeroGradients(model.EncoderParameters());
                optimizer.step();
                scheduler.Step();
                state.GlobalStep++;
                lossSum += loss.item<float>();
                lossCount++;
                eta.Tick();
                long remaining = (long)(options.Epochs - epoch) * stepsPerEpoch + (batches.Count - step);
                options.Progress?.Report(new TrainingProgress(TrainingStage.Training, epoch, options.Epochs, step, batches.Count,
                    lossSum / lossCount, scheduler.CurrentLearningRates[0], eta.Elapsed, eta.Estimate(remaining), null));
            }

            double trainLoss = lossSum / Math.Max(1, lossCount);
            double? devLoss = null, devWa = null, devUa = null;
            if (dev != null && dev.Count > 0)
            {
                options.Progress?.Report(new TrainingProgress(TrainingStage.Evaluating, epoch, options.Epochs, step, batches.Count,
                    trainLoss, scheduler.CurrentLearningRates[0], eta.Elapsed, null, "dev"));
                var (probabilities, loss) = Predict(model, dev.Features, frameDim, device, dev.Labels, options.MaxFramesPerBatch, options.MaxBatchSize);
                var metrics = EmotionMetrics.Compute(dev.Labels, probabilities.Select(ArgMax).ToList(), classNames);
                (devLoss, devWa, devUa) = (loss, metrics.WeightedAccuracy, metrics.UnweightedAccuracy);
                selector.Update(epoch, metrics.UnweightedAccuracy, model);
            }
            var record = new QieemoEpoch(epoch, trainLoss, devLoss, devWa, devUa, model.Head.BlockWeights, watch.Elapsed.TotalSeconds);
            history.Add(record);
            options.Progress?.Report(new TrainingProgress(TrainingStage.Checkpointing, epoch, options.Epochs, step, batches.Count, trainLoss,
                scheduler.CurrentLearningRates[0], eta.Elapsed, null,
                devUa is double ua ? $"dev WA {devWa:P1} UA {ua:P1}{(selector.BestEpoch == epoch ? " (best)" : "")}" : null));
            if (checkpoints != null)
            {
                state.Epoch = epoch;
                state.SchedulerStep = scheduler.StepCount;
                state.History.Add(ToRecord(record, state.GlobalStep));
                selector.SaveTo(state);
                checkpoints.Save(model, optimizer, state);
            }
        }

        int best = history.Count == 0 ? 0 : history[^1].Epoch;
        if (selector.HasBestWeights && selector.BestEpoch is int b)
        {
            selector.RestoreBest(model);
            best = b;
        }
        selector.Dispose();
        model.eval();
        options.Progress?.Report(new TrainingProgress(TrainingStage.Finished, history.Count == 0 ? 0 : history[^1].Epoch, options.Epochs, 0, stepsPerEpoch,
            history.Count == 0 ? double.NaN : history[^1].TrainLoss, 0, eta.Elapsed, TimeSpan.Zero, $"kept epoch {best}"));
        return new QieemoFineTuneResult(model, encoder.Config, headOptions, history, best);
    }

    /// <summary>Class probabilities of every utterance (batched, eval mode); with labels also the mean cross-entropy.</summary>
    public static (float[][] Probabilities, double? Loss) Predict(QieemoModel model, IReadOnlyList<FeatureUtterance> utterances, int frameDim,
        Device device, IReadOnlyList<int>? labels = null, int maxFramesPerBatch = 6000, int maxBatchSize = 16)
    {
        var result = new float[utterances.Count][];
        if (utterances.Count == 0) return (result, null);
        bool wasTraining = model.training;
        model.eval();
        var sampler = new SortedBatchSampler(utterances.Select(u => u.Frames).ToList(),
            new BatchSamplerOptions { MaxFramesPerBatch = maxFramesPerBatch, MaxBatchSize = maxBatchSize, ShuffleBatches = false });
        var collator = new BatchCollator(frameDim, device);
        double lossSum = 0;
        using (no_grad())
        {
            foreach (var batch in sampler.Batches)
            {
                using var scope = NewDisposeScope();
                using var fb = labels != null ? collator.CollateWithLabels(utterances, labels, batch) : collator.Collate(utterances, batch);
                var logits = model.call(fb.Features, fb.Lengths);
                if (labels != null) lossSum += nn.functional.cross_entropy(logits, fb.Labels!, reduction: nn.Reduction.Sum).item<float>();
                var probs = nn.functional.softmax(logits, 1).cpu().data<float>().ToArray();
                int k = (int)logits.shape[1];
                for (int i = 0; i < batch.Length; i++) result[batch[i]] = probs.AsSpan(i * k, k).ToArray();
            }
        }
        if (wasTraining) model.train();
        return (result, labels != null ? lossSum / utterances.Count : null);
    }

    internal static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static IReadOnlyList<FeatureUtterance> Augmented(IReadOnlyList<FeatureUtterance> all, int[] batch, SpecAugment augment, Random rng, int dim)
    {
        // Only the batch's rows are copied and masked; the others are never read by the collator.
        var copy = new FeatureUtterance[all.Count];
        foreach (int i in batch)
        {
            var u = all[i];
            float[] data = u.Features.AsSpan(0, u.Frames * dim).ToArray();
            augment.Apply(data, u.Frames, dim, rng);
            copy[i] = new FeatureUtterance(data, u.Frames);
        }
        return copy;
    }

    private static Tensor ClassWeights(IReadOnlyList<int> labels, int classes, Device device)
    {
        var counts = new double[classes];
        foreach (var l in labels) counts[l]++;
        var weights = counts.Select(c => c == 0 ? 0f : (float)(labels.Count / (classes * c))).ToArray();
        return tensor(weights, device: device);
    }

    private static QieemoEpoch FromRecord(EpochRecord r) => new(r.Epoch,
        r.Metrics.GetValueOrDefault("train_loss", double.NaN),
        r.Metrics.TryGetValue("dev_loss", out var dl) ? dl : null,
        r.Metrics.TryGetValue("dev_wa", out var wa) ? wa : null,
        r.Metrics.TryGetValue("dev_ua", out var ua) ? ua : null,
        r.Metrics.Where(kv => kv.Key.StartsWith("block_weight_")).OrderBy(kv => int.Parse(kv.Key["block_weight_".Length..])).Select(kv => (float)kv.Value).ToArray(),
        r.Seconds);

    private static EpochRecord ToRecord(QieemoEpoch e, long globalStep)
    {
        var metrics = new Dictionary<string, double> { ["train_loss"] = e.TrainLoss };
        if (e.DevLoss is double dl) metrics["dev_loss"] = dl;
        if (e.DevWa is double wa) metrics["dev_wa"] = wa;
        if (e.DevUa is double ua) metrics["dev_ua"] = ua;
        for (int i = 0; i < e.BlockWeights.Length; i++) metrics[$"block_weight_{i}"] = e.BlockWeights[i];
        return new EpochRecord { Epoch = e.Epoch, GlobalStep = globalStep, Metrics = metrics, Seconds = e.Seconds, FinishedUtc = DateTime.UtcNow };
    }
}
