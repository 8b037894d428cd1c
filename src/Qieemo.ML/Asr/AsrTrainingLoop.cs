using System.Diagnostics;
using Qieemo.ML.Evaluation;
using Qieemo.ML.Features;
using Qieemo.ML.Modules.Asr;
using Qieemo.ML.Runtime;
using Qieemo.ML.Text;
using Qieemo.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Asr;

/// <summary>
/// The training run behind <see cref="AsrEncoderTrainer.Fit"/>: features, CMVN, units, then WeNet's executor loop
/// with checkpoints per epoch, resume and averaging. Deterministic on the CPU for a seed and thread count:
/// every random stream (dither, batch order, SpecAugment, dropout) is derived from (Seed, epoch).
/// </summary>
internal sealed class AsrTrainingLoop
{
    private const int DitherStream = 11, SpecAugmentStream = 12;
    private readonly AsrPretrainingOptions _o;
    private readonly List<(string Path, string Text)> _train;
    private readonly List<(string Path, string Text)>? _dev;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<AsrEpochReport> _history = new();

    public AsrTrainingLoop(AsrPretrainingOptions options, List<(string Path, string Text)> train, List<(string Path, string Text)>? dev)
    {
        _o = options;
        _train = train;
        _dev = dev;
        Tokenizer = CharTokenizer.Build(train.Select(r => r.Text));
    }

    public CharTokenizer Tokenizer { get; }

    public IReadOnlyList<AsrEpochReport> History => _history;

    private sealed record Item(FeatureUtterance Features, int[] Tokens, string Text);

    /// <summary>Runs the whole training and returns the final (averaged) model on the CPU in eval mode.</summary>
    public AsrModel Run()
    {
        var device = TorchRuntime.ResolveDevice(_o.Device);
        var encoderConfig = _o.ResolveEncoderConfig();
        encoderConfig.UseGlobalCmvn = true;
        int dim = encoderConfig.InputDim;

        Report(TrainingStage.Preparing, 0, 0, 0, double.NaN, 0, "computing features");
        var extractor = new AsrFeatureExtractor(dim, _o.Dither);
        var train = Extract(extractor, _train, dither: true, "training");
        var dev = _dev is null ? null : Extract(extractor, _dev, dither: false, "validation");
        encoderConfig = CheckCtcFeasibility(encoderConfig, train);
        var cmvnAcc = new CmvnAccumulator();
        foreach (var item in train) cmvnAcc.Add(item.Features.Features.AsSpan(0, item.Features.Frames * dim), dim);
        var cmvn = cmvnAcc.Build();

        var config = new AsrModelConfig
        {
            Encoder = encoderConfig,
            CtcWeight = _o.CtcWeight,
            LabelSmoothing = _o.LabelSmoothing,
            Decoder = new TransformerDecoderOptions
            {
                VocabularySize = Tokenizer.VocabularySize,
                AttentionDim = encoderConfig.OutputSize,
                AttentionHeads = _o.DecoderHeads > 0 ? _o.DecoderHeads : encoderConfig.AttentionHeads,
                LinearUnits = _o.DecoderLinearUnits > 0 ? _o.DecoderLinearUnits : encoderConfig.LinearUnits,
                NumBlocks = _o.DecoderBlocks,
                DropoutRate = _o.DecoderDropout,
                PositionalDropoutRate = _o.DecoderDropout,
            },
        };
        Determinism.Seed(_o.Seed);
        var model = new AsrModel(config);
        model.Encoder.GlobalCmvn!.SetStatistics(cmvn.Mean, cmvn.Istd);
        model.to(device);

        var optimizer = OptimizerFactory.Create(new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = _o.LearningRate }, model.parameters());
        var scheduler = new LearningRateScheduler(optimizer, new WarmupLR(_o.WarmupSteps));
        var accumulator = new GradientAccumulator(optimizer, model.parameters(), _o.AccumGrad, _o.GradClip, scheduler);
        var checkpoints = _o.CheckpointDirectory is null ? null
            : new CheckpointManager(new CheckpointOptions { Directory = _o.CheckpointDirectory, Warning = m => Report(TrainingStage.Preparing, 0, 0, 0, double.NaN, 0, m) });
        string unitsKey = string.Join(" ", Tokenizer.Units);

        var state = new TrainingState { Seed = _o.Seed };
        if (checkpoints?.TryResume(model, optimizer) is { } resumed)
        {
            if (resumed.Seed != _o.Seed)
                throw new InvalidOperationException($"{checkpoints.Directory}: the checkpoints were written with seed {resumed.Seed}, not {_o.Seed}; use another checkpoint folder");
            if (resumed.Extra.TryGetValue("units", out var units) && units != unitsKey)
                throw new InvalidOperationException($"{checkpoints.Directory}: the checkpoints were trained on other transcripts (different units); use another checkpoint folder");
            state = resumed;
            scheduler.SetStepCount(state.SchedulerStep);
            accumulator.RestoreCounters(state.GlobalStep, state.SkippedUpdates);
            foreach (var h in state.History) _history.Add(FromRecord(h));
            Report(TrainingStage.Preparing, state.Epoch, 0, 0, double.NaN, 0, $"resuming from epoch {state.Epoch} ({checkpoints.PathFor(state.Epoch)})");
        }
        state.Extra["units"] = unitsKey;

        var sampler = new LengthBucketBatchSampler(train.Select(t => t.Features.Frames).ToList(),
            new BatchSamplerOptions { MaxFramesPerBatch = _o.MaxFramesPerBatch, MaxBatchSize = _o.BatchSize, Seed = _o.Seed });
        var collator = new BatchCollator(dim, device);
        var specAugment = _o.UseSpecAugment ? new SpecAugment(_o.SpecAugment) : null;
        var eta = new EtaEstimator();
        var runClock = Stopwatch.StartNew();
        int stepsPerEpoch = sampler.GetBatches(1).Count;

        for (int epoch = state.Epoch + 1; epoch <= _o.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            Determinism.SeedEpoch(_o.Seed, epoch);
            var augRng = new Random(Determinism.DeriveSeed(_o.Seed, epoch, SpecAugmentStream));
            var batches = sampler.GetBatches(epoch);
            model.train();
            double lossSum = 0;
            long lossCount = 0;
            eta.Pause();
            for (int b = 0; b < batches.Count; b++)
            {
                var indices = batches[b];
                double batchLoss;
                using (var scope = NewDisposeScope())
                {
                    var utts = indices.Select(i => Augment(train[i].Features, specAugment, augRng, dim)).ToList();
                    var toks = indices.Select(i => train[i].Tokens).ToList();
                    using var batch = collator.CollateWithTokens(utts, toks, Enumerable.Range(0, utts.Count).ToList());
                    using var loss = model.ComputeLoss(batch.Features, batch.Lengths, batch.Targets!, batch.TargetLengths!);
                    batchLoss = loss.Loss.to_type(ScalarType.Float64).item<double>();
                    accumulator.Backward(loss.Loss);
                }
                if (double.IsFinite(batchLoss)) { lossSum += batchLoss * indices.Length; lossCount += indices.Length; }
                eta.Tick();
                long remaining = (long)(_o.Epochs - epoch) * stepsPerEpoch + (batches.Count - b - 1);
                var left = eta.Estimate(remaining);
                if (_o.MaxTrainingTime is { } budget && left is { } l && runClock.Elapsed + l > budget)
                    left = budget - runClock.Elapsed < TimeSpan.Zero ? TimeSpan.Zero : budget - runClock.Elapsed;
                Report(TrainingStage.Training, epoch, b + 1, batches.Count, lossCount > 0 ? lossSum / lossCount : double.NaN,
                    scheduler.CurrentLearningRates[0], null, left);
            }
            accumulator.Flush();
            double trainLoss = lossCount > 0 ? lossSum / lossCount : double.NaN;

            double devLoss = double.NaN, cer = double.NaN, wer = double.NaN;
            if (dev is not null && dev.Count > 0)
            {
                Report(TrainingStage.Evaluating, epoch, batches.Count, batches.Count, trainLoss, scheduler.CurrentLearningRates[0], "scoring the validation data");
                (devLoss, cer, wer) = Validate(model, dev, collator, dim);
            }
            state.Epoch = epoch;
            state.GlobalStep = accumulator.Updates;
            state.SkippedUpdates = accumulator.SkippedUpdates;
            state.SchedulerStep = scheduler.StepCount;
            var metrics = new Dictionary<string, double> { ["train_loss"] = trainLoss };
            if (!double.IsNaN(devLoss)) { metrics["dev_loss"] = devLoss; metrics["dev_cer"] = cer; metrics["dev_wer"] = wer; }
            var report = new AsrEpochReport(epoch, trainLoss, devLoss, cer, wer, epochClock.Elapsed.TotalSeconds, _clock.Elapsed.TotalSeconds);
            state.History.Add(new EpochRecord { Epoch = epoch, GlobalStep = state.GlobalStep, Metrics = metrics, Seconds = report.Seconds, FinishedUtc = DateTime.UtcNow });
            if (checkpoints is not null)
            {
                Report(TrainingStage.Checkpointing, epoch, batches.Count, batches.Count, trainLoss, scheduler.CurrentLearningRates[0], $"checkpoint {checkpoints.PathFor(epoch)}");
                checkpoints.Save(model, optimizer, state);
            }
            _history.Add(report);
            _o.EpochProgress?.Report(report);
            if (_o.MaxTrainingTime is { } max && runClock.Elapsed >= max && epoch < _o.Epochs)
            {
                Report(TrainingStage.Training, epoch, batches.Count, batches.Count, trainLoss, scheduler.CurrentLearningRates[0],
                    $"time budget of {max.TotalMinutes:0.#} min used up after epoch {epoch}: stopping");
                break;
            }
        }

        if (checkpoints is not null && _o.AverageLastN > 1)
        {
            int available = checkpoints.ListEpochs().Count;
            int n = Math.Min(_o.AverageLastN, available);
            if (n > 1)
            {
                Report(TrainingStage.Finalizing, state.Epoch, 0, 0, double.NaN, 0, $"averaging the last {n} checkpoints");
                var epochs = checkpoints.AverageLast(n, model);
                Report(TrainingStage.Finalizing, state.Epoch, 0, 0, double.NaN, 0, $"averaged epochs {string.Join(", ", epochs)}");
            }
        }
        model.to(CPU);
        model.eval();
        Report(TrainingStage.Finished, state.Epoch, 0, 0, _history.Count > 0 ? _history[^1].TrainLoss : double.NaN, 0, "done");
        return model;
    }

    /// <summary>
    /// Encoder output frames for <paramref name="frames"/> input frames encoded alone: conv2d ((T−1)/2−1)/2, conv2d2 (T−1)/2,
    /// then ⌈T/s⌉ per stride layer (a lower bound in a padded batch, where WeNet's conv2d2 mask may keep one frame more).
    /// </summary>
    internal static int OutputFrames(Models.EncoderConfig c, int frames)
    {
        int t = c.InputLayer == "conv2d2" ? (frames - 1) / 2 : ((frames - 1) / 2 - 1) / 2;
        foreach (int s in c.Stride) t = (t + s - 1) / s;
        return t;
    }

    /// <summary>Frames CTC needs for a label sequence: one per token plus a blank between equal neighbours.</summary>
    internal static int CtcMinimumFrames(int[] tokens)
    {
        int n = tokens.Length;
        for (int i = 1; i < tokens.Length; i++) if (tokens[i] == tokens[i - 1]) n++;
        return n;
    }

    // CTC with zero_infinity silently gives no gradient for an utterance whose tokens do not fit its frames: refuse data
    // where that happens often, instead of training a CTC head that never learns.
    private Models.EncoderConfig CheckCtcFeasibility(Models.EncoderConfig c, List<Item> train)
    {
        var (fraction, message) = Infeasible(c, train);
        if (fraction == 0) return c;
        if (fraction > _o.MaxCtcInfeasibleFraction && _o.RemoveStrideLayers is null && c.Stride.Length > 0)
        {
            var dropped = c.Clone();
            dropped.StrideLayerIdx = Array.Empty<int>();
            dropped.Stride = Array.Empty<int>();
            dropped.Validate();
            var (f2, _) = Infeasible(dropped, train);
            if (f2 <= _o.MaxCtcInfeasibleFraction)
            {
                Report(TrainingStage.Preparing, 0, 0, 0, double.NaN, 0, "note: " + message + "; dropping the encoder's stride layers (RemoveStrideLayers / --no-stride; --keep-stride to refuse instead)");
                return CheckCtcFeasibility(dropped, train);   // no stride layers left: returns it (with a warning if some still do not fit)
            }
        }
        if (fraction > _o.MaxCtcInfeasibleFraction)
            throw new InvalidOperationException(message + "; use a front end with less subsampling (InputLayer conv2d2 / --input-layer conv2d2) or drop the stride layers (RemoveStrideLayers / --no-stride)");
        Report(TrainingStage.Preparing, 0, 0, 0, double.NaN, 0, "warning: " + message + " (they add attention loss only)");
        return c;
    }

    private static (double Fraction, string Message) Infeasible(Models.EncoderConfig c, List<Item> train)
    {
        int bad = train.Count(t => OutputFrames(c, t.Features.Frames) < CtcMinimumFrames(t.Tokens));
        double fraction = bad / (double)train.Count;
        int sub = (c.InputLayer == "conv2d2" ? 2 : 4) * c.Stride.Aggregate(1, (a, s) => a * s);
        double tokensPerSecond = train.Sum(t => CtcMinimumFrames(t.Tokens)) / (train.Sum(t => (double)t.Features.Frames) / 100.0);
        return (fraction, FormattableString.Invariant(
            $"{bad} of {train.Count} training utterances ({fraction:P0}) have more characters than encoder frames: the encoder subsamples {sub}x ({sub * 10} ms per frame) but the transcripts need {tokensPerSecond:F1} tokens per second, so CTC cannot align them"));
    }

    private static FeatureUtterance Augment(FeatureUtterance u, SpecAugment? aug, Random rng, int dim)
    {
        if (aug is null) return u;
        var copy = (float[])u.Features.Clone();
        aug.Apply(copy, u.Frames, dim, rng);
        return new FeatureUtterance(copy, u.Frames);
    }

    private (double Loss, double Cer, double Wer) Validate(AsrModel model, List<Item> dev, BatchCollator collator, int dim)
    {
        model.eval();
        var frames = dev.Select(d => d.Features.Frames).ToList();
        var sampler = new SortedBatchSampler(frames, new BatchSamplerOptions { MaxFramesPerBatch = _o.MaxFramesPerBatch, MaxBatchSize = _o.BatchSize, Seed = _o.Seed });
        double lossSum = 0;
        int count = 0;
        var pairs = new (string, string)[dev.Count];
        foreach (var indices in sampler.Batches)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var batch = collator.CollateWithTokens(dev.Select(d => d.Features).ToList(), dev.Select(d => d.Tokens).ToList(), indices);
            using (var loss = model.ComputeLoss(batch.Features, batch.Lengths, batch.Targets!, batch.TargetLengths!))
            {
                double l = loss.Loss.to_type(ScalarType.Float64).item<double>();
                if (double.IsFinite(l)) { lossSum += l * indices.Length; count += indices.Length; }
            }
            var hyps = model.Decode(batch.Features, batch.Lengths, AsrDecodingMode.CtcGreedy);
            for (int i = 0; i < indices.Length; i++) pairs[indices[i]] = (dev[indices[i]].Text, Tokenizer.Decode(hyps[i]));
        }
        model.train();
        return (count > 0 ? lossSum / count : double.NaN, ErrorRates.Cer(pairs), ErrorRates.Wer(pairs));
    }

    private List<Item> Extract(AsrFeatureExtractor extractor, List<(string Path, string Text)> rows, bool dither, string what)
    {
        var items = new Item[rows.Count];
        int done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _o.Threads > 0 ? _o.Threads : Environment.ProcessorCount };
        try
        {
            ExtractAll();
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Surface the file's own error (FileNotFoundException, InvalidDataException naming it), not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return items.ToList();

        void ExtractAll() => Parallel.For(0, rows.Count, parallel, i =>
        {
            var (path, text) = rows[i];
            // One generator per utterance, seeded by its index: the same features whatever the thread schedule.
            var rng = dither && _o.Dither > 0 ? new Random(Determinism.DeriveSeed(_o.Seed, i, DitherStream)) : null;
            var fbank = extractor.Extract(path, rng);
            string normalized = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            items[i] = new Item(new FeatureUtterance(fbank.Data, fbank.Frames), Tokenizer.Encode(normalized), normalized);
            int n = Interlocked.Increment(ref done);
            if (n % 50 == 0 || n == rows.Count)
                Report(TrainingStage.Preparing, 0, n, rows.Count, double.NaN, 0, $"{what} features {n}/{rows.Count}");
        });
    }

    private static AsrEpochReport FromRecord(EpochRecord r)
    {
        double M(string k) => r.Metrics.TryGetValue(k, out var v) ? v : double.NaN;
        return new AsrEpochReport(r.Epoch, M("train_loss"), M("dev_loss"), M("dev_cer"), M("dev_wer"), r.Seconds, double.NaN);
    }

    private void Report(TrainingStage stage, int epoch, long step, long steps, double loss, double lr, string? message, TimeSpan? eta = null) =>
        _o.Progress?.Report(new TrainingProgress(stage, epoch, _o.Epochs, step, steps, loss, lr, _clock.Elapsed, eta, message));

    private void Report(TrainingStage stage, int epoch, long step, long steps, double loss, double lr, string? message) =>
        Report(stage, epoch, step, steps, loss, lr, message, null);
}
