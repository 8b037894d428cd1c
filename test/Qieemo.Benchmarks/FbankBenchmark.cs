using System.Diagnostics;
using Qieemo.ML.Features;
using Qieemo.ML.IO;

namespace Qieemo.Benchmarks;

/// <summary>Kaldi fbank throughput (WeNet setting: 80 bins, 25/10 ms, povey, waveform x 32768) on one thread.</summary>
public sealed class FbankBenchmark : IBenchmark
{
    public string Name => "fbank";
    public string Description => "KaldiFbank (WeNet setting) x real time; --input F32NPY_OR_RAW [--rate 16000] [--runs 7]";

    public int Run(string[] args)
    {
        string input = Program.Arg(args, "--input", "");
        if (input == "") { Console.Error.WriteLine("fbank: --input file.npy|file.f32 is required"); return 2; }
        int rate = int.Parse(Program.Arg(args, "--rate", "16000"));
        int runs = int.Parse(Program.Arg(args, "--runs", "7"));
        float[] wave = input.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)
            ? NpyArray.Load(input).ToFloats()
            : ReadRawF32(input);
        double seconds = wave.Length / (double)rate;

        var options = KaldiFbankOptions.WeNet();
        options.SampleFrequency = rate;
        var fbank = new KaldiFbank(options);
        var warm = fbank.Compute(wave); // JIT and tiering warm-up
        for (int i = 0; i < 2; i++) fbank.Compute(wave);
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            var r = fbank.Compute(wave);
            sw.Stop();
            if (r.Frames != warm.Frames) throw new InvalidOperationException("frame count changed between runs");
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        double median = times[times.Count / 2];
        Console.WriteLine($"fbank_input_seconds: {seconds:F2}");
        Console.WriteLine($"fbank_frames: {warm.Frames}");
        Console.WriteLine($"ours_median_seconds: {median:F5}");
        Console.WriteLine($"ours_x_realtime: {seconds / median:F1}");
        return 0;
    }

    private static float[] ReadRawF32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % 4 != 0) throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of float32 samples");
        var wave = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, wave, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("raw float32 input is read as little-endian");
        return wave;
    }
}
