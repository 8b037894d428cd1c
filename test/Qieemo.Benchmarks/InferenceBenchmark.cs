using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Qieemo.ML.Runtime;
using Qieemo.ML.Features;
using Qieemo.ML.IO;
using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using Qieemo.ML.Modules.Emotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.Benchmarks;

/// <summary>
/// Real-time factor of the paper-size Qieemo model on one utterance: KaldiFbank (WeNet setting) →
/// efficient-v1 conformer encoder (12 blocks, D = 256) → EmotionHead with default options (MMF over the
/// last six blocks + CMA + classifier), eval mode, inference mode, one thread by default.
/// Options: --input F32_OR_NPY (16 kHz mono float samples in [-1, 1]; default a synthetic speech-like
/// signal), --frames 1000 (the audio is cut to exactly the samples giving this many fbank frames),
/// --runs 7, --warmup 2, --threads 1, --preset efficient-v1, --seed 1, --out DIR (also write the
/// encoder's state_dict.pt, config.json, feats.npy, lengths.npy and output.npy for
/// test/reference/bench_encoder_torch.py infer).
/// Prints the median time of each part, "inference_rtf: X" = median total wall seconds / audio seconds, and
/// "inference_rtf_cpu: X" = median process CPU seconds / audio seconds (steadier on a shared machine).
/// </summary>
public sealed class InferenceBenchmark : IBenchmark
{
    public string Name => "inference";
    public string Description => "fbank + efficient-v1 encoder + emotion head real-time factor; [--input F32|NPY] [--frames 1000] [--runs 7] [--threads 1]";

    public int Run(string[] args)
    {
        string input = Program.Arg(args, "--input", "");
        int frames = int.Parse(Program.Arg(args, "--frames", "1000"), CultureInfo.InvariantCulture);
        int runs = int.Parse(Program.Arg(args, "--runs", "7"), CultureInfo.InvariantCulture);
        int warmup = int.Parse(Program.Arg(args, "--warmup", "2"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Program.Arg(args, "--threads", "1"), CultureInfo.InvariantCulture);
        int seed = int.Parse(Program.Arg(args, "--seed", "1"), CultureInfo.InvariantCulture);
        string preset = Program.Arg(args, "--preset", "efficient-v1");
        string outDir = Program.Arg(args, "--out", "");
        if (frames < 7 || runs < 1 || warmup < 0 || threads < 1)
        {
            Console.Error.WriteLine("inference: need --frames >= 7, --runs >= 1, --warmup >= 0, --threads >= 1");
            return 2;
        }

        var fbankOptions = KaldiFbankOptions.WeNet();
        var fbank = new KaldiFbank(fbankOptions);
        int samples = fbank.WindowSize + (frames - 1) * fbank.WindowShift;
        float[] wave = input == "" ? SyntheticSpeech(samples, (int)fbankOptions.SampleFrequency, seed) : ReadSamples(input, samples);
        double audioSeconds = samples / fbankOptions.SampleFrequency;

        TorchRuntime.SetThreads(threads);
        torch.manual_seed(seed);
        var config = EncoderConfig.Preset(preset);
        using var encoder = new ConformerEncoder(config);
        using var head = new EmotionHead(new EmotionHeadOptions { NumBlocks = config.NumBlocks, InputDim = config.OutputSize });
        encoder.eval();
        head.eval();

        // CMVN statistics from this utterance, so activations have realistic scale (set once, not timed).
        var first = fbank.Compute(wave);
        if (first.Frames != frames) throw new InvalidOperationException($"expected {frames} fbank frames, got {first.Frames}");
        SetCmvn(encoder, first);
        if (outDir != "") Export(encoder, first, outDir, preset, threads);

        var fbankTimes = new List<double>();
        var encoderTimes = new List<double>();
        var headTimes = new List<double>();
        var totalTimes = new List<double>();
        var cpuTimes = new List<double>();
        int classes = 0;
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < warmup + runs; i++)
        {
            using var scope = NewDisposeScope();
            using var mode = torch.inference_mode();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var f = fbank.Compute(wave);
            var feats = tensor(f.Data, new long[] { 1, f.Frames, f.Dim });
            var lengths = tensor(new long[] { f.Frames });
            double tFbank = sw.Elapsed.TotalSeconds;
            using var o = encoder.call(feats, lengths);
            double tEncoder = sw.Elapsed.TotalSeconds;
            var logits = head.call(o.Blocks, o.BlockLengths);
            var probabilities = logits.softmax(-1).data<float>().ToArray();   // read back: the result is really there
            double tTotal = sw.Elapsed.TotalSeconds;
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            classes = probabilities.Length;
            if (i < warmup) continue;
            fbankTimes.Add(tFbank);
            encoderTimes.Add(tEncoder - tFbank);
            headTimes.Add(tTotal - tEncoder);
            totalTimes.Add(tTotal);
            cpuTimes.Add(cpu);
        }

        double total = EncoderTrainBenchmark.Median(totalTimes);
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inference_model: {preset} encoder ({encoder.ParameterCount()} parameters) + EmotionHead ({head.parameters().Sum(p => p.numel())} parameters, {classes} classes)"));
        Console.WriteLine($"inference_audio_seconds: {audioSeconds.ToString("F3", CultureInfo.InvariantCulture)} ({samples} samples, {frames} fbank frames, {(input == "" ? "synthetic" : input)})");
        Console.WriteLine($"inference_threads: {torch.get_num_threads()}");
        Console.WriteLine($"inference_runs: {runs} after {warmup} warm-up");
        Console.WriteLine($"ours_fbank_seconds_median: {F(EncoderTrainBenchmark.Median(fbankTimes))}");
        Console.WriteLine($"ours_encoder_seconds_median: {F(EncoderTrainBenchmark.Median(encoderTimes))}");
        Console.WriteLine($"ours_encoder_seconds: {string.Join(" ", encoderTimes.Select(F))}");
        Console.WriteLine($"ours_head_seconds_median: {F(EncoderTrainBenchmark.Median(headTimes))}");
        Console.WriteLine($"ours_total_seconds_median: {F(total)}");
        Console.WriteLine($"ours_total_cpu_seconds_median: {F(EncoderTrainBenchmark.Median(cpuTimes))}");
        Console.WriteLine($"inference_rtf: {(total / audioSeconds).ToString("F4", CultureInfo.InvariantCulture)} (goal <= 0.03)");
        // Process CPU time over audio time: the same figure less the time other processes took the core.
        Console.WriteLine($"inference_rtf_cpu: {(EncoderTrainBenchmark.Median(cpuTimes) / audioSeconds).ToString("F4", CultureInfo.InvariantCulture)}");
        return 0;
    }

    private static void SetCmvn(ConformerEncoder encoder, FbankResult f)
    {
        var acc = new double[f.Dim];
        var acc2 = new double[f.Dim];
        for (int t = 0; t < f.Frames; t++)
        {
            var row = f.Row(t);
            for (int d = 0; d < f.Dim; d++) { acc[d] += row[d]; acc2[d] += row[d] * (double)row[d]; }
        }
        var mean = new float[f.Dim];
        var istd = new float[f.Dim];
        for (int d = 0; d < f.Dim; d++)
        {
            double m = acc[d] / f.Frames, v = Math.Max(acc2[d] / f.Frames - m * m, 1e-20);
            mean[d] = (float)m;
            istd[d] = (float)(1.0 / Math.Sqrt(v));
        }
        encoder.GlobalCmvn?.SetStatistics(mean, istd);
    }

    /// <summary>Weights, features and the eval-mode encoder output for the PyTorch reference timing.</summary>
    private static void Export(ConformerEncoder encoder, FbankResult f, string outDir, string preset, int threads)
    {
        Directory.CreateDirectory(outDir);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var feats = tensor(f.Data, new long[] { 1, f.Frames, f.Dim });
        var lengths = tensor(new long[] { f.Frames });
        using var o = encoder.call(feats, lengths);
        WeNetCheckpoint.SaveWeNetStateDict(encoder, Path.Combine(outDir, "state_dict.pt"));
        NpyArray.FromFloats(f.Data, 1, f.Frames, f.Dim).Save(Path.Combine(outDir, "feats.npy"));
        NpyArray.FromInt64(new long[] { f.Frames }, 1).Save(Path.Combine(outDir, "lengths.npy"));
        NpyArray.FromFloats(o.Output.contiguous().data<float>().ToArray(), o.Output.shape.Select(d => (int)d).ToArray())
            .Save(Path.Combine(outDir, "output.npy"));
        NpyArray.FromInt64(o.OutputLengths.data<long>().ToArray(), 1).Save(Path.Combine(outDir, "output_lengths.npy"));
        var json = new Dictionary<string, object> { ["preset"] = preset, ["encoder"] = encoder.Config, ["threads"] = threads };
        File.WriteAllText(Path.Combine(outDir, "config.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// A deterministic speech-like test signal: a voiced source (harmonics of a gliding 100-220 Hz pitch,
    /// shaped by three moving formant resonances) alternating with noise bursts, syllable-rate amplitude
    /// modulation, peak about 0.5.
    /// </summary>
    private static float[] SyntheticSpeech(int samples, int rate, int seed)
    {
        var rng = new Random(seed);
        var wave = new float[samples];
        double phase = 0;
        for (int n = 0; n < samples; n++)
        {
            double t = n / (double)rate;
            double f0 = 160 + 60 * Math.Sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * f0 / rate;
            double syllable = 0.5 * (1 - Math.Cos(2 * Math.PI * 4 * t));                 // 4 syllables per second
            bool voiced = Math.Sin(2 * Math.PI * 1.3 * t) > -0.6;
            double s = 0;
            if (voiced)
            {
                double[] formants = { 500 + 200 * Math.Sin(2 * Math.PI * 0.9 * t), 1500 + 400 * Math.Sin(2 * Math.PI * 0.6 * t), 2500 };
                for (int h = 1; h * f0 < rate / 2.0 && h <= 40; h++)
                {
                    double fh = h * f0, gain = 0;
                    foreach (double fm in formants) gain += 1.0 / (1 + Math.Pow((fh - fm) / 120.0, 2));
                    s += gain / h * Math.Sin(h * phase);
                }
            }
            else s = 0.6 * (rng.NextDouble() * 2 - 1);
            wave[n] = (float)(0.25 * syllable * s + 0.002 * (rng.NextDouble() * 2 - 1));
        }
        float peak = wave.Max(Math.Abs);
        if (peak > 0) for (int n = 0; n < samples; n++) wave[n] *= 0.5f / peak;
        return wave;
    }

    private static float[] ReadSamples(string path, int samples)
    {
        float[] all;
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) all = NpyArray.Load(path).ToFloats();
        else
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length % 4 != 0) throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of float32 samples");
            all = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, all, 0, bytes.Length);
        }
        if (all.Length < samples)
            throw new InvalidDataException($"{path}: {all.Length} samples, the benchmark needs at least {samples} (16 kHz)");
        return all.AsSpan(0, samples).ToArray();
    }
}
