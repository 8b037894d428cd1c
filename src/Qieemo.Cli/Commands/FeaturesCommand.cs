using System.CommandLine;
using Microsoft.ML;
using Qieemo.ML;
using Qieemo.ML.Audio;
using Qieemo.ML.Features;
using Qieemo.ML.IO;

namespace Qieemo.Cli.Commands;

/// <summary>
/// `qieemo features --input FILE --output OUT.npy [options]`: Kaldi fbank of one audio file as a
/// float32 [frames, bins] .npy. Defaults equal torchaudio.compliance.kaldi.fbank with dither 0, at
/// the file's own sample rate unless --resample is given. With --model, the featurization pipeline
/// saved in an ML.NET model zip is applied instead (its output column, default "Features").
/// </summary>
internal static class FeaturesCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input", "-i") { Description = "Audio file (WAV or FLAC).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output .npy (float32 [frames, dim]).", Required = true };
        var d = new KaldiFbankOptions();
        var melBins = new Option<int>("--mel-bins") { Description = "Number of mel bins.", DefaultValueFactory = _ => d.NumMelBins };
        var window = new Option<string>("--window") { Description = "Window: povey, hamming, hanning, rectangular, blackman.", DefaultValueFactory = _ => d.WindowType.ToString().ToLowerInvariant() };
        var frameLength = new Option<double>("--frame-length") { Description = "Frame length (ms).", DefaultValueFactory = _ => d.FrameLengthMs };
        var frameShift = new Option<double>("--frame-shift") { Description = "Frame shift (ms).", DefaultValueFactory = _ => d.FrameShiftMs };
        var dither = new Option<double>("--dither") { Description = "Dither amount (0 = none).", DefaultValueFactory = _ => 0.0 };
        var seed = new Option<int>("--seed") { Description = "Dither seed.", DefaultValueFactory = _ => 0 };
        var preemphasis = new Option<double>("--preemphasis") { Description = "Preemphasis coefficient.", DefaultValueFactory = _ => d.PreemphasisCoefficient };
        var removeDc = new Option<bool>("--remove-dc-offset") { Description = "Subtract each frame's mean.", DefaultValueFactory = _ => d.RemoveDcOffset };
        var roundPow2 = new Option<bool>("--round-to-power-of-two") { Description = "Zero-pad frames to a power of two.", DefaultValueFactory = _ => d.RoundToPowerOfTwo };
        var snipEdges = new Option<bool>("--snip-edges") { Description = "Only frames that fit entirely (Kaldi's snip-edges).", DefaultValueFactory = _ => d.SnipEdges };
        var lowFreq = new Option<double>("--low-freq") { Description = "Lowest mel band edge (Hz).", DefaultValueFactory = _ => d.LowFreq };
        var highFreq = new Option<double>("--high-freq") { Description = "Highest mel band edge (Hz); <= 0 is an offset from Nyquist.", DefaultValueFactory = _ => d.HighFreq };
        var useEnergy = new Option<bool>("--use-energy") { Description = "Prepend log energy.", DefaultValueFactory = _ => d.UseEnergy };
        var energyFloor = new Option<double>("--energy-floor") { Description = "Energy floor.", DefaultValueFactory = _ => d.EnergyFloor };
        var rawEnergy = new Option<bool>("--raw-energy") { Description = "Energy before preemphasis and window.", DefaultValueFactory = _ => d.RawEnergy };
        var useLog = new Option<bool>("--use-log-fbank") { Description = "Log of the mel energies.", DefaultValueFactory = _ => d.UseLogFbank };
        var usePower = new Option<bool>("--use-power") { Description = "Power (not magnitude) spectrum.", DefaultValueFactory = _ => d.UsePower };
        var inputScale = new Option<double>("--input-scale") { Description = "Multiply the waveform (WeNet uses 32768).", DefaultValueFactory = _ => d.InputScale };
        var resample = new Option<int?>("--resample") { Description = "Resample to this rate (Hz) first." };
        var model = new Option<string?>("--model") { Description = "Apply the featurization pipeline saved in this ML.NET model zip instead." };
        var column = new Option<string>("--column") { Description = "With --model: the output column to write.", DefaultValueFactory = _ => "Features" };
        var pathColumn = new Option<string>("--path-column") { Description = "With --model: the model's input column of file paths.", DefaultValueFactory = _ => "Path" };

        var command = new Command("features", "Kaldi filterbank features of an audio file, written as float32 [frames, dim] .npy.");
        foreach (var o in new Option[] { input, output, melBins, window, frameLength, frameShift, dither, seed, preemphasis, removeDc, roundPow2,
                     snipEdges, lowFreq, highFreq, useEnergy, energyFloor, rawEnergy, useLog, usePower, inputScale, resample, model, column, pathColumn })
            command.Options.Add(o);

        command.SetHandler(p =>
        {
            string inPath = p.GetValue(input)!, outPath = p.GetValue(output)!;
            CliSupport.ExistingFile(inPath);
            if (p.GetValue(model) is { } modelPath)
            {
                var (data, frames, dim) = ApplyModel(CliSupport.ExistingFile(modelPath).FullName, inPath, p.GetValue(pathColumn)!, p.GetValue(column)!);
                NpyArray.FromFloats(data, frames, dim).Save(outPath);
                Console.WriteLine($"{inPath}: {frames} frames x {dim} -> {outPath} (model {modelPath})");
                return 0;
            }

            var audio = AudioFile.Read(inPath);
            float[] wave = audio.ToMono();
            int rate = audio.SampleRate;
            if (p.GetValue(resample) is int target && target != rate)
            {
                wave = Resampler.Resample(wave, rate, target);
                rate = target;
            }
            if (!Enum.TryParse<KaldiWindowType>(p.GetValue(window), ignoreCase: true, out var windowType))
                throw new UsageException($"unknown window '{p.GetValue(window)}' (povey, hamming, hanning, rectangular, blackman)");
            var options = new KaldiFbankOptions
            {
                NumMelBins = p.GetValue(melBins), WindowType = windowType, FrameLengthMs = p.GetValue(frameLength),
                FrameShiftMs = p.GetValue(frameShift), Dither = p.GetValue(dither), Seed = p.GetValue(seed),
                PreemphasisCoefficient = p.GetValue(preemphasis), RemoveDcOffset = p.GetValue(removeDc),
                RoundToPowerOfTwo = p.GetValue(roundPow2), SnipEdges = p.GetValue(snipEdges), LowFreq = p.GetValue(lowFreq),
                HighFreq = p.GetValue(highFreq), UseEnergy = p.GetValue(useEnergy), EnergyFloor = p.GetValue(energyFloor),
                RawEnergy = p.GetValue(rawEnergy), UseLogFbank = p.GetValue(useLog), UsePower = p.GetValue(usePower),
                InputScale = p.GetValue(inputScale), SampleFrequency = rate,
            };
            var result = new KaldiFbank(options).Compute(wave);
            NpyArray.FromFloats(result.Data.AsSpan(0, result.Frames * result.Dim).ToArray(), result.Frames, result.Dim).Save(outPath);
            Console.WriteLine($"{inPath}: {audio.Info.SampleRate} Hz, {audio.Info.Channels} ch, {audio.Info.Duration.TotalSeconds:F3} s -> {result.Frames} frames x {result.Dim} -> {outPath}");
            return 0;
        });
        return command;
    }

    /// <summary>Loads a saved pipeline and runs it on one file; returns the chosen column as [frames, dim].</summary>
    public static (float[] Data, int Frames, int Dim) ApplyModel(string modelPath, string audioPath, string pathColumn, string column)
    {
        var ml = new MLContext();
        var transformer = ml.Model.Load(modelPath, out _);
        var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(PathRow));
        schema[0].ColumnName = pathColumn;
        var input = ml.Data.LoadFromEnumerable(new[] { new PathRow { Path = Path.GetFullPath(audioPath) } }, schema);
        var output = transformer.Transform(input);
        var col = output.Schema.GetColumnOrNull(column) ?? throw new InvalidDataException($"{modelPath}: the model has no output column '{column}'");
        int dim = Qieemo.ML.Transforms.QieemoAnnotations.GetFrameDim(col) ?? 1;
        using var cursor = output.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(col);
        Microsoft.ML.Data.VBuffer<float> value = default;
        cursor.MoveNext();
        getter(ref value);
        return (value.DenseValues().ToArray(), value.Length / dim, dim);
    }

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }
}
