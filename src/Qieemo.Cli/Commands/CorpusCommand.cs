using System.CommandLine;
using Qieemo.ML.Data;

namespace Qieemo.Cli.Commands;

/// <summary>`qieemo corpus synth|scan`: make synthetic corpora in the real layouts, and count what a corpus holds.</summary>
internal static class CorpusCommand
{
    public static Command Create()
    {
        var command = new Command("corpus", "Synthesize or scan corpora (IEMOCAP and LibriSpeech layouts).");
        command.Subcommands.Add(Synth());
        command.Subcommands.Add(Scan());
        return command;
    }

    private static Option<string> LayoutOption() => new("--layout")
    {
        Description = "iemocap or librispeech.", Required = true,
        Validators = { r => { var v = r.GetValueOrDefault<string>(); if (v is not ("iemocap" or "librispeech")) r.AddError($"--layout must be iemocap or librispeech, not '{v}'"); } },
    };

    private static Command Synth()
    {
        var layout = LayoutOption();
        var output = new Option<string>("--out") { Description = "Output folder (created; must be empty).", Required = true };
        var count = new Option<int?>("--utterances") { Description = $"Turns/utterances to write (default {SyntheticCorpusOptions.DefaultIemocapUtterances} for iemocap, {SyntheticCorpusOptions.DefaultLibriSpeechUtterances} for librispeech)." };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same corpus).", DefaultValueFactory = _ => 0 };
        var command = new Command("synth", "Generate a synthetic corpus with espeak-ng, sox and flac, in the real corpus layout.");
        command.Options.Add(layout); command.Options.Add(output); command.Options.Add(count); command.Options.Add(seed);
        command.SetHandler(p =>
        {
            string dir = p.GetValue(output)!;
            int s = p.GetValue(seed);
            if (p.GetValue(layout) == "iemocap")
            {
                int n = p.GetValue(count) ?? SyntheticCorpusOptions.DefaultIemocapUtterances;
                var result = ProgressDisplay.Run("synthesizing IEMOCAP", report =>
                    SyntheticCorpus.GenerateIemocap(dir, n, s, new Qieemo.ML.SynchronousProgress<SynthesisProgress>(x => report(x.Done, x.Total, null))));
                Console.WriteLine($"{result.Turns.Count} turns ({result.AudioSeconds / 60:F1} min of audio) in {result.Root}, {result.Elapsed.TotalSeconds:F0} s");
                Console.WriteLine("labels: " + string.Join(", ", result.RawLabels.Select(kv => $"{kv.Key} {kv.Value}")));
            }
            else
            {
                int n = p.GetValue(count) ?? SyntheticCorpusOptions.DefaultLibriSpeechUtterances;
                var result = ProgressDisplay.Run("synthesizing LibriSpeech", report =>
                    SyntheticCorpus.GenerateLibriSpeech(dir, n, s, new Qieemo.ML.SynchronousProgress<SynthesisProgress>(x => report(x.Done, x.Total, null))));
                Console.WriteLine($"{result.Utterances.Count} utterances in {result.Root}: " + string.Join(", ", result.Subsets.Select(kv => $"{kv.Key} {kv.Value}")));
            }
            return 0;
        }, "corpus synth");
        return command;
    }

    private static Command Scan()
    {
        var layout = LayoutOption();
        var root = new Option<string>("--root") { Description = "Corpus root folder.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("scan", "Read a corpus and print what it holds (the IEMOCAP 4-class protocol for iemocap).");
        command.Options.Add(layout); command.Options.Add(root); command.Options.Add(json);
        command.SetHandler(p =>
        {
            string dir = p.GetValue(root)!;
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: folder not found");
            if (p.GetValue(layout) == "iemocap")
            {
                var s = IemocapReader.Read(dir).Summary;
                if (p.GetValue(json))
                    CliSupport.WriteJson(new { utterances = s.Utterances, sessions = s.Sessions, labels = s.Labels, speakers = s.Speakers, dropped = s.Dropped });
                else
                {
                    Console.WriteLine($"{s.Utterances} utterances ({s.Dropped} dropped by the label set)");
                    Console.WriteLine("sessions: " + string.Join(", ", s.Sessions.Select(kv => $"{kv.Key} {kv.Value}")));
                    Console.WriteLine("labels:   " + string.Join(", ", s.Labels.Select(kv => $"{kv.Key} {kv.Value}")));
                    Console.WriteLine("speakers: " + string.Join(", ", s.Speakers.Select(kv => $"{kv.Key} {kv.Value}")));
                    Console.WriteLine($"(real IEMOCAP, same protocol: {IemocapReader.StandardCounts.Total} utterances)");
                }
            }
            else
            {
                var s = LibriSpeechReader.Read(dir).Summary;
                if (p.GetValue(json)) CliSupport.WriteJson(new { utterances = s.Utterances, speakers = s.Speakers.Count, hours = s.Hours });
                else Console.WriteLine($"{s.Utterances} utterances, {s.Speakers.Count} speakers, {s.Hours:F3} hours");
            }
            return 0;
        }, "corpus scan");
        return command;
    }
}
