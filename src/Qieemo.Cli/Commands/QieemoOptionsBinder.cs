using System.CommandLine;
using Qieemo.ML.Emotion;

namespace Qieemo.Cli.Commands;

/// <summary>The options every Qieemo-training verb shares (crossval, train, probe, demo).</summary>
internal sealed class QieemoOptionsBinder
{
    public readonly Option<string> Corpus = new("--corpus") { Description = "Emotion corpus: iemocap:DIR (4-class protocol) or manifest:FILE.", Required = true };
    public readonly Option<string?> Encoder = new("--encoder") { Description = "Pretrained encoder: a model zip from `qieemo pretrain` or `qieemo import-wenet`." };
    public readonly Option<int> Epochs = new("--epochs") { Description = "Fine-tuning epochs (the best dev epoch is kept).", DefaultValueFactory = _ => new QieemoTrainerOptions().Epochs };
    public readonly Option<double> LearningRate = new("--lr") { Description = "Peak learning rate of the head.", DefaultValueFactory = _ => new QieemoTrainerOptions().LearningRate };
    public readonly Option<double> EncoderLr = new("--encoder-lr-multiplier") { Description = "Encoder learning rate = head's × this.", DefaultValueFactory = _ => new QieemoTrainerOptions().EncoderLearningRateMultiplier };
    public readonly Option<int> Seed = new("--seed") { Description = "Seed (same seed, same result on CPU).", DefaultValueFactory = _ => 0 };
    public readonly Option<string> Device = new("--device") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => "cpu" };
    public readonly Option<int?> Threads = new("--threads") { Description = "TorchSharp threads (default: QIEEMO_THREADS or all cores)." };
    public readonly Option<string> Preset = new("--preset") { Description = "Encoder preset when no --encoder is given (a random encoder).", DefaultValueFactory = _ => "tiny" };

    public IEnumerable<Option> All => new Option[] { Corpus, Encoder, Epochs, LearningRate, EncoderLr, Seed, Device, Threads, Preset };

    public void AddTo(Command command)
    {
        foreach (var o in All) command.Options.Add(o);
    }

    public QieemoTrainerOptions Build(ParseResult p, QieemoAblation ablation = QieemoAblation.None)
    {
        string? encoder = p.GetValue(Encoder);
        if (encoder != null) CliSupport.ExistingFile(encoder);
        return new QieemoTrainerOptions
        {
            EncoderModelPath = encoder, EncoderPreset = p.GetValue(Preset)!, Ablation = ablation, Epochs = p.GetValue(Epochs),
            LearningRate = p.GetValue(LearningRate), EncoderLearningRateMultiplier = p.GetValue(EncoderLr), Seed = p.GetValue(Seed),
            Device = p.GetValue(Device)!, Threads = p.GetValue(Threads),
        };
    }

    public static QieemoAblation ParseAblation(string text) => text switch
    {
        "none" => QieemoAblation.None,
        "no-cma" => QieemoAblation.NoCma,
        "no-mmf" => QieemoAblation.NoMmf,
        "no-pretrain" => QieemoAblation.NoPretrain,
        _ => throw new UsageException($"unknown ablation '{text}' (none, no-cma, no-mmf, no-pretrain)"),
    };
}
