using System.Diagnostics;
using Qieemo.ML.Asr;
using Qieemo.ML.Data;
using Qieemo.ML.Training;

namespace Qieemo.ML.Tests.AsrTraining;

/// <summary>A tiny synthetic LibriSpeech corpus shared by the ASR training tests, and helpers to run the CLI.</summary>
internal static class AsrTrainingSupport
{
    private static readonly object Gate = new();
    private static string? _corpus;

    /// <summary>24 utterances (train-clean-100 18 from 6 speakers, dev-clean 6 from 2 held-out speakers), generated once.</summary>
    public static string Corpus
    {
        get
        {
            lock (Gate)
            {
                if (_corpus is not null) return _corpus;
                TestSupport.RequireTool("espeak-ng");
                TestSupport.RequireTool("sox");
                string dir = TestSupport.TempDir("qieemo-asr-corpus");
                SyntheticCorpus.GenerateLibriSpeech(dir, 24, 5);
                return _corpus = dir;
            }
        }
    }

    public static string Train => Path.Combine(Corpus, "train-clean-100");
    public static string Dev => Path.Combine(Corpus, "dev-clean");

    /// <summary>Small, fast settings: tiny preset, one thread, several batches per epoch.</summary>
    public static AsrPretrainingOptions TinyOptions(int epochs, int seed = 3) => new()
    {
        Preset = "tiny", Epochs = epochs, Seed = seed, Threads = 1, Device = "cpu", MaxFramesPerBatch = 1200, BatchSize = 8,
        LearningRate = 5e-3, WarmupSteps = 10, AverageLastN = 1, DecoderBlocks = 1,
        // 40 ms frames: the preset's 80 ms cannot fit English characters for CTC (see CtcFeasibilityTests).
        RemoveStrideLayers = true,
    };

    /// <summary>Collects progress reports synchronously.</summary>
    public sealed class Recorder : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = new();
        public void Report(TrainingProgress value) { lock (Reports) Reports.Add(value); }
        public double[] StepLosses => Reports.Where(r => r.Stage == TrainingStage.Training && r.Message is null).Select(r => r.Loss).ToArray();
    }

    /// <summary>Starts the qieemo CLI (next to the tests) as a process with redirected output.</summary>
    public static Process StartCli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qieemo.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        return Process.Start(psi)!;
    }
}
