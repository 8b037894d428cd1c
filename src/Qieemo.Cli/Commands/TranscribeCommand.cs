using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Qieemo.ML.Asr;
using Qieemo.ML.Data;
using Qieemo.ML.Evaluation;

namespace Qieemo.Cli.Commands;

/// <summary>
/// `qieemo transcribe --model M (FILE... | --corpus librispeech:DIR) [--json]`: transcribes files (one "path&lt;TAB&gt;text"
/// line each, or a JSON array), or a LibriSpeech-layout corpus scored against its transcripts; with --json and a corpus it
/// prints exactly <c>{"utterances": N, "cer": x, "wer": y}</c> (fractions).
/// </summary>
internal static class TranscribeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "ASR model zip with CTC/decoder heads (pretrain output).", Required = true };
        var corpus = new Option<string?>("--corpus") { Description = "librispeech:DIR — transcribe every utterance and score CER/WER." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var files = new Argument<string[]>("FILE") { Description = "Audio files (WAV/FLAC).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("transcribe", "Transcribe audio files or score a LibriSpeech-layout corpus with an ASR model.");
        command.Options.Add(model); command.Options.Add(corpus); command.Options.Add(json); command.Arguments.Add(files);
        command.SetHandler(p =>
        {
            string modelPath = CliSupport.ExistingFile(p.GetValue(model)!).FullName;
            string[] paths = p.GetValue(files) ?? Array.Empty<string>();
            string? corpusText = p.GetValue(corpus);
            if ((paths.Length == 0) == (corpusText is null))
                throw new UsageException("give audio FILEs or --corpus librispeech:DIR (one of them)");
            foreach (var f in paths) CliSupport.ExistingFile(f);
            var asr = AsrEncoderTransformer.Load(modelPath);
            if (!asr.CanTranscribe)
                throw new InvalidOperationException($"{modelPath}: the model is encoder-only (no CTC/decoder heads or units): it cannot transcribe");

            if (corpusText is null)
            {
                var results = paths.Select(f => (Path: f, Text: asr.Transcribe(Path.GetFullPath(f)))).ToList();
                if (p.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(results.Select(r => new Dictionary<string, string> { ["path"] = r.Path, ["transcript"] = r.Text })));
                else
                    foreach (var r in results) Console.WriteLine($"{r.Path}\t{r.Text}");
                return 0;
            }

            var spec = CorpusSpec.Parse(corpusText);
            if (spec.Layout != "librispeech") throw new UsageException($"--corpus must be librispeech:DIR, not {spec.Layout}");
            var utterances = LibriSpeechReader.Read(spec.Path).Utterances;
            var pairs = ProgressDisplay.Run("transcribing", report =>
            {
                var list = new List<(string, string)>(utterances.Count);
                foreach (var u in utterances)
                {
                    string reference = string.Join(' ', u.Text.ToUpperInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                    string hyp = asr.Transcribe(u.Path);
                    list.Add((reference, hyp));
                    if (!p.GetValue(json)) Console.WriteLine($"{u.Id}\t{hyp}");
                    report(list.Count, utterances.Count, null);
                }
                return list;
            });
            double cer = ErrorRates.Cer(pairs), wer = ErrorRates.Wer(pairs);
            if (p.GetValue(json))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"utterances\": {pairs.Count}, \"cer\": {cer:R}, \"wer\": {wer:R}}}"));
            else
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pairs.Count} utterances: CER {cer:P2}, WER {wer:P2}"));
            return 0;
        });
        return command;
    }
}
