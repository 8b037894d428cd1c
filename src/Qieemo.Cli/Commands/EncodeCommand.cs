using System.CommandLine;
using Qieemo.ML.Asr;
using Qieemo.ML.IO;
using TorchSharp;

namespace Qieemo.Cli.Commands;

/// <summary>
/// `qieemo encode --model M --input FEATS.npy [--lengths LENS.npy] --out DIR`: runs the model's encoder on pre-CMVN
/// fbank [B, T, F] (or [T, F]) as one padded batch and writes embed.npy, block_00.npy … (each [B, Tᵢ, D]), output.npy
/// [B, T', D], output_lengths.npy (int64 [B]) and block_lengths.npy (int64 [blocks, B]).
/// </summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "ASR model zip (pretrain or import-wenet output).", Required = true };
        var input = new Option<string>("--input") { Description = "float32 .npy of fbank features before CMVN: [B, T, F] or [T, F].", Required = true };
        var lengths = new Option<string?>("--lengths") { Description = "int .npy [B] of valid frames per utterance (default: all T)." };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var command = new Command("encode", "Run an ASR model's encoder on fbank features and write every block's output as .npy.");
        foreach (var o in new Option[] { model, input, lengths, output }) command.Options.Add(o);
        command.SetHandler(p =>
        {
            string modelPath = CliSupport.ExistingFile(p.GetValue(model)!).FullName;
            string inPath = CliSupport.ExistingFile(p.GetValue(input)!).FullName;
            var feats = NpyArray.Load(inPath);
            int[] shape = feats.Shape.Length switch
            {
                2 => new[] { 1, feats.Shape[0], feats.Shape[1] },
                3 => feats.Shape,
                _ => throw new InvalidDataException($"{inPath}: features must be [B, T, F] or [T, F], got [{string.Join(", ", feats.Shape)}]"),
            };
            long[] lens;
            if (p.GetValue(lengths) is { } lp)
            {
                var l = NpyArray.Load(CliSupport.ExistingFile(lp).FullName);
                lens = l.ToInt64();
                if (lens.Length != shape[0]) throw new InvalidDataException($"{lp}: {lens.Length} lengths for a batch of {shape[0]}");
                foreach (long v in lens)
                    if (v < 1 || v > shape[1]) throw new InvalidDataException($"{lp}: length {v} is outside [1, {shape[1]}]");
            }
            else lens = Enumerable.Repeat((long)shape[1], shape[0]).ToArray();

            var (encoder, config) = AsrEncoderTransformer.LoadEncoder(modelPath);
            if (shape[2] != config.InputDim) throw new InvalidDataException($"{inPath}: {shape[2]} features per frame but the encoder expects {config.InputDim}");
            string outDir = p.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var x = torch.tensor(feats.ToFloats(), shape.Select(s => (long)s).ToArray());
            var lenT = torch.tensor(lens);
            using var result = encoder.call(x, lenT);
            Save(result.Embed, Path.Combine(outDir, "embed.npy"));
            for (int i = 0; i < result.Blocks.Count; i++) Save(result.Blocks[i], Path.Combine(outDir, $"block_{i:00}.npy"));
            Save(result.Output, Path.Combine(outDir, "output.npy"));
            NpyArray.FromInt64(result.OutputLengths.to_type(torch.ScalarType.Int64).data<long>().ToArray(), shape[0]).Save(Path.Combine(outDir, "output_lengths.npy"));
            var blockLens = result.BlockLengths.SelectMany(t => t.to_type(torch.ScalarType.Int64).data<long>().ToArray()).ToArray();
            NpyArray.FromInt64(blockLens, result.BlockLengths.Count, shape[0]).Save(Path.Combine(outDir, "block_lengths.npy"));
            Console.WriteLine($"{inPath}: [{string.Join(", ", shape)}] -> {result.Blocks.Count} blocks, output [{string.Join(", ", result.Output.shape)}] -> {outDir}");
            encoder.Dispose();
            return 0;
        });
        return command;
    }

    private static void Save(torch.Tensor t, string path) =>
        NpyArray.FromFloats(t.contiguous().to_type(torch.ScalarType.Float32).data<float>().ToArray(), t.shape.Select(s => (int)s).ToArray()).Save(path);
}
