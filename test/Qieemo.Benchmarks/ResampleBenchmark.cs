using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Qieemo.ML.Audio;

namespace Qieemo.Benchmarks;

/// <summary>
/// Speed of <see cref="Resampler"/> from 8000, 22050, 44100 and 48000 Hz to 16 kHz on one thread.
/// Options: --input FILE (any file sox reads; sox rate -v makes each input rate from it, as
/// resample.bench.sh does for its sox reference) or, without it, a synthetic speech-like signal;
/// --seconds S (default 60; with --input the file's own length is used); --runs N (default 7);
/// --rates R1,R2,... Prints "ours_rtf_x_RATE: X" (times faster than real time, median of the runs).
/// </summary>
public sealed class ResampleBenchmark : IBenchmark
{
    public string Name => "resample";
    public string Description => "polyphase resampling to 16 kHz (8k/22.05k/44.1k/48k), times real time";

    public int Run(string[] args)
    {
        string? input = Program.Arg(args, "--input", "") is { Length: > 0 } s ? s : null;
        double seconds = double.Parse(Program.Arg(args, "--seconds", "60"), CultureInfo.InvariantCulture);
        int runs = int.Parse(Program.Arg(args, "--runs", "7"), CultureInfo.InvariantCulture);
        int[] rates = Program.Arg(args, "--rates", "8000,22050,44100,48000").Split(',').Select(int.Parse).ToArray();
        const int target = 16000;

        foreach (int rate in rates)
        {
            float[] x = input is null ? SpeechLike(rate, seconds, seed: 1234) : ReadWithSox(input, rate);
            double duration = (double)x.Length / rate;

            var sw = Stopwatch.StartNew();
            var resampler = new Resampler(rate, target);
            double designMs = sw.Elapsed.TotalMilliseconds;
            resampler.Process(x); // warm-up (JIT, caches)

            // Wall time is what counts; CPU time of the process is printed too because on a shared,
            // oversubscribed machine the wall clock also measures other people's work.
            var times = new double[runs];
            var cpu = new double[runs];
            using var self = Process.GetCurrentProcess();
            for (int r = 0; r < runs; r++)
            {
                self.Refresh();
                var cpu0 = self.TotalProcessorTime;
                sw.Restart();
                float[] y = resampler.Process(x);
                times[r] = sw.Elapsed.TotalSeconds;
                self.Refresh();
                cpu[r] = (self.TotalProcessorTime - cpu0).TotalSeconds;
                GC.KeepAlive(y);
            }
            Array.Sort(times);
            Array.Sort(cpu);
            double median = times[runs / 2], cpuMedian = cpu[runs / 2];
            Console.WriteLine($"# {rate} -> {target}: {duration:F1} s of audio, L/M = {resampler.UpFactor}/{resampler.DownFactor}, " +
                              $"{resampler.TapsPerPhase} taps x {resampler.UpFactor} phases, design {designMs:F1} ms, " +
                              $"median {median * 1000:F1} ms over {runs} runs (min {times[0] * 1000:F1} ms)");
            Console.WriteLine(FormattableString.Invariant($"ours_seconds_{rate}: {median:F4}"));
            Console.WriteLine(FormattableString.Invariant($"ours_rtf_x_{rate}: {duration / median:F1}"));
            Console.WriteLine(FormattableString.Invariant($"ours_cpu_rtf_x_{rate}: {duration / Math.Max(cpuMedian, 1e-6):F1}"));
        }
        return 0;
    }

    /// <summary>The file as mono float32 at <paramref name="rate"/>, converted by sox (rate -v, no dither).</summary>
    private static float[] ReadWithSox(string path, int rate)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Benchmark input '{path}' does not exist.", path);
        string raw = Path.Combine(Path.GetTempPath(), $"qieemo-resample-{Guid.NewGuid():N}.f32");
        try
        {
            var psi = new ProcessStartInfo("sox") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-D", path, "-t", "f32", "-c", "1", raw, "rate", "-v", rate.ToString(CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start sox");
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidDataException($"sox could not read '{path}': {err}");
            return MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(raw)).ToArray();
        }
        finally
        {
            File.Delete(raw);
        }
    }

    /// <summary>
    /// Deterministic source-filter "speech": a glottal pulse train with a wandering pitch plus
    /// fricative noise, shaped by three moving formant resonators and a syllable-rate envelope.
    /// The resampler's cost does not depend on content; this only keeps the input realistic.
    /// </summary>
    private static float[] SpeechLike(int rate, double seconds, int seed)
    {
        var rng = new Random(seed);
        var x = new float[(int)(rate * seconds)];
        double phase = 0;
        var f1 = new Resonator(); var f2 = new Resonator(); var f3 = new Resonator();
        for (int i = 0; i < x.Length; i++)
        {
            double t = (double)i / rate;
            double f0 = 140 + 40 * Math.Sin(2 * Math.PI * 0.7 * t) + 15 * Math.Sin(2 * Math.PI * 3.1 * t);
            phase += f0 / rate;
            double source = 0;
            if (phase >= 1) { phase -= 1; source = 1; }
            double syllable = 0.5 - 0.5 * Math.Cos(2 * Math.PI * 4 * t);
            double voiced = Math.Sin(2 * Math.PI * 0.37 * t) > -0.3 ? 1 : 0; // voiced vs fricative stretches
            source = voiced * source + (1 - voiced) * 0.3 * (rng.NextDouble() * 2 - 1);
            if (i % 64 == 0)
            {
                f1.Tune(500 + 250 * Math.Sin(2 * Math.PI * 1.3 * t), 80, rate);
                f2.Tune(1500 + 600 * Math.Sin(2 * Math.PI * 0.9 * t), 120, rate);
                f3.Tune(Math.Min(2600 + 400 * Math.Sin(2 * Math.PI * 0.5 * t), 0.45 * rate), 160, rate);
            }
            double v = f1.Step(source) + 0.5 * f2.Step(source) + 0.25 * f3.Step(source);
            x[i] = (float)(0.1 * syllable * v);
        }
        return x;
    }

    /// <summary>Two-pole resonator at a centre frequency and bandwidth (Hz).</summary>
    private sealed class Resonator
    {
        private double _a1, _a2, _g, _y1, _y2;

        public void Tune(double freq, double bandwidth, int rate)
        {
            double r = Math.Exp(-Math.PI * bandwidth / rate);
            _a1 = 2 * r * Math.Cos(2 * Math.PI * freq / rate);
            _a2 = -r * r;
            _g = 1 - r;
        }

        public double Step(double x)
        {
            double y = _g * x + _a1 * _y1 + _a2 * _y2;
            _y2 = _y1;
            _y1 = y;
            return y;
        }
    }
}
