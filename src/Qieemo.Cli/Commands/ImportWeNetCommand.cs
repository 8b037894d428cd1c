using System.CommandLine;
using Microsoft.ML;
using Qieemo.ML.Asr;

namespace Qieemo.Cli.Commands;

/// <summary>
/// `qieemo import-wenet --checkpoint X.pt --config train.yaml [--cmvn global_cmvn] [--units units.txt] --out M`: a WeNet
/// checkpoint as an ASR model zip (encoder; plus CTC/decoder when the checkpoint has them and units are given), which
/// `encode`, `transcribe` (with heads) and stage 2 accept.
/// </summary>
internal static class ImportWeNetCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "WeNet checkpoint (torch.save(model.state_dict()), zip format).", Required = true };
        var config = new Option<string>("--config") { Description = "WeNet training yaml (train.yaml).", Required = true };
        var cmvn = new Option<string?>("--cmvn") { Description = "WeNet global_cmvn statistics (JSON); default: the checkpoint's encoder.global_cmvn buffers." };
        var units = new Option<string?>("--units") { Description = "WeNet units.txt: also import ctc.* and decoder.* so the model can transcribe." };
        var output = new Option<string>("--out") { Description = "Output model zip.", Required = true };
        var command = new Command("import-wenet", "Import a WeNet conformer checkpoint as a Qieemo ASR model zip.");
        foreach (var o in new Option[] { checkpoint, config, cmvn, units, output }) command.Options.Add(o);
        command.SetHandler(p =>
        {
            string ckpt = CliSupport.ExistingFile(p.GetValue(checkpoint)!).FullName;
            string yaml = CliSupport.ExistingFile(p.GetValue(config)!).FullName;
            string? cmvnPath = p.GetValue(cmvn) is { } c ? CliSupport.ExistingFile(c).FullName : null;
            string? unitsPath = p.GetValue(units) is { } u ? CliSupport.ExistingFile(u).FullName : null;
            string outPath = p.GetValue(output)!;
            var ml = new MLContext(seed: 0);
            var asr = ml.Speech().ImportWeNet(ckpt, yaml, cmvnPath, unitsPath);
            asr.Save(ml, outPath);
            var cfg = asr.EncoderConfig;
            string heads = asr.CanTranscribe ? $"CTC + decoder ({asr.Tokenizer!.VocabularySize} units)"
                : unitsPath is null ? "encoder only (no --units)" : "encoder only (the checkpoint has no ctc.*/decoder.* weights)";
            Console.WriteLine($"{ckpt}: {cfg.EncoderType}, {cfg.NumBlocks} blocks x {cfg.OutputSize}, {asr.Encoder.ParameterCount():N0} encoder parameters; {heads} -> {outPath}");
            return 0;
        });
        return command;
    }
}
