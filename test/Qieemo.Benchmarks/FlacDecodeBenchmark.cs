using System.Diagnostics;
using Qieemo.ML.Audio;

namespace Qieemo.Benchmarks;

/// <summary>FLAC decode speed: seconds of audio decoded per second of wall time (best of several runs).</summary>
public sealed class FlacDecodeBenchmark : IBenchmark
{
    public string Name => "flac";
    public string Description => "FlacDecoder speed: --input file.flac [--repeat 5] [--no-md5]";

    public int Run(string[] args)
    {
        string input = Program.Arg(args, "--input", "");
        int repeat = int.Parse(Program.Arg(args, "--repeat", "5"));
        if (input == "") { Console.Error.WriteLine("--input file.flac is required"); return 2; }
        var options = new FlacDecoderOptions { VerifyMd5 = !args.Contains("--no-md5") };
        var info = FlacDecoder.ReadInfo(input);
        FlacDecoder.Decode(input, options); // warm-up (JIT)
        double best = double.MaxValue;
        for (int i = 0; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            var d = FlacDecoder.Decode(input, options);
            sw.Stop();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            if (d.Info.Frames != info.Frames) throw new InvalidOperationException("decoded length differs from STREAMINFO");
        }
        double audio = info.Duration.TotalSeconds;
        Console.WriteLine($"audio_seconds: {audio:F3}");
        Console.WriteLine($"decode_seconds: {best:F4}");
        Console.WriteLine($"realtime_factor: {audio / best:F1}");
        return 0;
    }
}
