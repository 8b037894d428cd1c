using Qieemo.ML;
using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using Qieemo.ML.Asr;
using Qieemo.ML.Data;
using Qieemo.ML.Models;
using Qieemo.ML.Training;
using Spectre.Console;

namespace Qieemo.Cli.Commands;

/// <summary>
/// `qieemo pretrain --corpus librispeech:DIR [--dev librispeech:DIR] --preset NAME --epochs N --out DIR [...]`: stage-1 ASR
/// pretraining. Writes DIR/model.zip and per-epoch checkpoints in DIR/checkpoints/; rerunning the same command resumes
/// after the last completed epoch. Progress goes to stderr (a bar on a terminal, plain lines otherwise); one line per
/// epoch goes to stdout.
/// </summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var d = new AsrPretrainingOptions();
        var corpus = new Option<string>("--corpus") { Description = "Training data: librispeech:DIR (a subset folder or a LibriSpeech root).", Required = true };
        var dev = new Option<string?>("--dev") { Description = "Validation data scored after every epoch: librispeech:DIR." };
        var preset = new Option<string>("--preset") { Description = $"Encoder preset: {string.Join(", ", EncoderConfig.PresetNames)}.", DefaultValueFactory = _ => d.Preset };
        var epochs = new Option<int>("--epochs") { Description = "Epochs.", DefaultValueFactory = _ => d.Epochs };
        var output = new Option<string>("--out") { Description = "Output folder (model.zip, checkpoints/).", Required = true };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => d.Device };
        var threads = new Option<int>("--threads") { Description = "TorchSharp threads (0 = default).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => d.Seed };
        var batchFrames = new Option<int>("--batch-frames") { Description = "Most padded frames per batch.", DefaultValueFactory = _ => d.MaxFramesPerBatch };
        var batchSize = new Option<int>("--batch-size") { Description = "Most utterances per batch.", DefaultValueFactory = _ => d.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (Adam, WarmupLR).", DefaultValueFactory = _ => d.LearningRate };
        var warmup = new Option<int>("--warmup") { Description = "Warmup updates.", DefaultValueFactory = _ => d.WarmupSteps };
        var accum = new Option<int>("--accum-grad") { Description = "Micro-batches per update.", DefaultValueFactory = _ => d.AccumGrad };
        var average = new Option<int>("--average") { Description = "Average the last N epoch checkpoints at the end.", DefaultValueFactory = _ => d.AverageLastN };
        var maxMinutes = new Option<double?>("--max-minutes") { Description = "Time budget: stop after the epoch during which it runs out (then save and average)." };
        var decoderBlocks = new Option<int>("--decoder-blocks") { Description = "Attention decoder blocks.", DefaultValueFactory = _ => d.DecoderBlocks };
        var inputLayer = new Option<string?>("--input-layer") { Description = "Override the preset's front end: conv2d (4x) or conv2d2 (2x)." };
        var noStride = new Option<bool>("--no-stride") { Description = "Drop the efficient conformer's stride layers (output frame rate = front end's). Default: only when CTC could not align the transcripts otherwise." };
        var keepStride = new Option<bool>("--keep-stride") { Description = "Keep the preset's stride layers even when CTC cannot align the transcripts (training then fails)." };
        var noSpecAug = new Option<bool>("--no-spec-augment") { Description = "Train without SpecAugment." };
        var decoding = new Option<string>("--decoding") { Description = "Decoding of the saved model: ctc_greedy or attention_rescoring.", DefaultValueFactory = _ => "ctc_greedy" };

        var command = new Command("pretrain", "Stage-1 ASR pretraining of a conformer encoder (CTC + attention) on a LibriSpeech-layout corpus.");
        foreach (var o in new Option[] { corpus, dev, preset, epochs, output, device, threads, seed, batchFrames, batchSize, lr, warmup, accum, average, maxMinutes, decoderBlocks, inputLayer, noStride, keepStride, noSpecAug, decoding })
            command.Options.Add(o);
        command.SetHandler(p =>
        {
            var trainSpec = LibriSpeech(p.GetValue(corpus)!, "--corpus");
            var devSpec = p.GetValue(dev) is { } dv ? LibriSpeech(dv, "--dev") : null;
            string outDir = Path.GetFullPath(p.GetValue(output)!);
            Directory.CreateDirectory(outDir);
            string presetName = p.GetValue(preset)!;
            if (!EncoderConfig.PresetNames.Contains(presetName))
                throw new UsageException($"unknown preset '{presetName}' ({string.Join(", ", EncoderConfig.PresetNames)})");
            if (p.GetValue(noStride) && p.GetValue(keepStride)) throw new UsageException("--no-stride and --keep-stride exclude each other");
            var mode = p.GetValue(decoding) switch
            {
                "ctc_greedy" => AsrDecodingMode.CtcGreedy,
                "attention_rescoring" => AsrDecodingMode.AttentionRescoring,
                var x => throw new UsageException($"unknown decoding '{x}' (ctc_greedy, attention_rescoring)"),
            };
            var ml = new MLContext(seed: p.GetValue(seed));
            var train = ml.Data.LoadLibriSpeech(trainSpec);
            var options = new AsrPretrainingOptions
            {
                Preset = presetName, Epochs = p.GetValue(epochs), Device = p.GetValue(device)!, Threads = p.GetValue(threads),
                Seed = p.GetValue(seed), MaxFramesPerBatch = p.GetValue(batchFrames), BatchSize = p.GetValue(batchSize),
                LearningRate = p.GetValue(lr), WarmupSteps = p.GetValue(warmup), AccumGrad = p.GetValue(accum),
                AverageLastN = p.GetValue(average), DecoderBlocks = p.GetValue(decoderBlocks), UseSpecAugment = !p.GetValue(noSpecAug),
                CheckpointDirectory = Path.Combine(outDir, "checkpoints"), Decoding = mode,
                InputLayer = p.GetValue(inputLayer), RemoveStrideLayers = p.GetValue(noStride) ? true : p.GetValue(keepStride) ? false : null,
                MaxTrainingTime = p.GetValue(maxMinutes) is double m ? TimeSpan.FromMinutes(m) : null,
                ValidationData = devSpec is null ? null : ml.Data.LoadLibriSpeech(devSpec),
                EpochProgress = new SynchronousProgress<AsrEpochReport>(r => Console.WriteLine(FormatEpoch(r))),
            };
            string modelPath = Path.Combine(outDir, "model.zip");
            var asr = TrainWithDisplay(ml, options, train);
            asr.Save(ml, modelPath);
            Console.WriteLine($"model: {modelPath} ({asr.Encoder.ParameterCount():N0} encoder parameters, {asr.Tokenizer!.VocabularySize} units)");
            return 0;
        });
        return command;
    }

    private static string LibriSpeech(string text, string option)
    {
        var spec = CorpusSpec.Parse(text);
        if (spec.Layout != "librispeech") throw new UsageException($"{option} must be librispeech:DIR, not {spec.Layout}");
        return spec.Path;
    }

    internal static string FormatEpoch(AsrEpochReport r) =>
        FormattableString.Invariant($"epoch {r.Epoch}: train loss {r.TrainLoss:F4}") +
        (double.IsNaN(r.DevLoss) ? "" : FormattableString.Invariant($", dev loss {r.DevLoss:F4}, dev CER {r.DevCer * 100:F2}%, dev WER {r.DevWer * 100:F2}%")) +
        FormattableString.Invariant($" ({r.Seconds:F0} s, elapsed {r.ElapsedSeconds / 60:F1} min)");

    private static AsrEncoderTransformer TrainWithDisplay(MLContext ml, AsrPretrainingOptions options, IDataView train)
    {
        if (!ProgressDisplay.Interactive)
        {
            string? lastMessage = null;
            long lastDecile = -1;
            options.Progress = new SynchronousProgress<TrainingProgress>(x =>
            {
                if (x.Stage == TrainingStage.Training && x.Message is null)
                {
                    long decile = x.StepsPerEpoch > 0 ? 10 * x.Step / x.StepsPerEpoch : 0;
                    if (decile == lastDecile && x.Step != 1) return;
                    lastDecile = decile;
                    ProgressDisplay.Info(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {x.Epoch}/{x.Epochs} step {x.Step}/{x.StepsPerEpoch} loss {x.Loss:F4} lr {x.LearningRate:E2} elapsed {x.Elapsed:hh\\:mm\\:ss} eta {(x.Eta is { } e ? e.ToString(@"hh\:mm\:ss") : "?")}"));
                    return;
                }
                if (x.Message is null || x.Message == lastMessage) return;
                lastMessage = x.Message;
                ProgressDisplay.Info(x.Message);
            });
            return ml.Speech().Trainers.AsrEncoder(options).Fit(train);
        }

        AsrEncoderTransformer result = null!;
        var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        err.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("preparing");
                options.Progress = new SynchronousProgress<TrainingProgress>(x =>
                {
                    if (x.Stage == TrainingStage.Training && x.Message is null)
                    {
                        task.MaxValue = Math.Max(1, x.StepsPerEpoch);
                        task.Value = x.Step;
                        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                            $"epoch {x.Epoch}/{x.Epochs} step {x.Step}/{x.StepsPerEpoch} loss {x.Loss:F3} ETA {(x.Eta is { } e ? e.ToString(@"hh\:mm\:ss") : "?")}"));
                    }
                    else if (x.Message is not null)
                    {
                        if (x.Message.StartsWith("resuming", StringComparison.Ordinal) || x.Message.StartsWith("note:", StringComparison.Ordinal)
                            || x.Message.StartsWith("warning:", StringComparison.Ordinal) || x.Stage == TrainingStage.Finalizing)
                            err.MarkupLine(Markup.Escape(x.Message));
                        task.Description = Markup.Escape(x.Message);
                    }
                });
                result = ml.Speech().Trainers.AsrEncoder(options).Fit(train);
                task.Value = task.MaxValue;
            });
        return result;
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls its handler synchronously on the reporting thread (serialised).</summary>
