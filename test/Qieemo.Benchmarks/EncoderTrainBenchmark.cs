using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Qieemo.ML.IO;
using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using Qieemo.ML.Modules.Asr;
using Qieemo.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.Benchmarks;

/// <summary>
/// Training-step time of a conformer encoder + CTC head in TorchSharp, set beside a plain-PyTorch
/// re-implementation (test/reference/bench_encoder_torch.py) that loads the very weights and batch
/// written here. Options: --out DIR (required: state_dict.pt, ctc_lo_*.npy, feats/lengths/targets .npy,
/// config.json, eval-mode output.npy), --preset small, --threads 1, --batch 4, --frames 600, --vocab 100,
/// --warmup 3, --steps 10, --seed 1, --lr 1e-3, --no-dropout (all dropout rates 0, so the losses of the
/// two implementations can be compared step by step).
/// One step = zero_grad, encoder forward (train mode), CTC loss (sum / B), backward, Adam step, loss.item().
/// Prints "ours_step_seconds_median: X" (wall time), "ours_step_cpu_seconds_median: X" (process CPU time,
/// all threads: steadier than wall time on a loaded machine) and every step's loss.
/// </summary>
public sealed class EncoderTrainBenchmark : IBenchmark
{
    public string Name => "encoder-train";
    public string Description => "encoder + CTC training step time (TorchSharp); --out DIR [--preset small] [--threads 1] [--steps 10]";

    public int Run(string[] args)
    {
        string outDir = Program.Arg(args, "--out", "");
        if (outDir == "") { Console.Error.WriteLine("encoder-train: --out DIR is required"); return 2; }
        string preset = Program.Arg(args, "--preset", "small");
        int threads = int.Parse(Program.Arg(args, "--threads", "1"), CultureInfo.InvariantCulture);
        int batch = int.Parse(Program.Arg(args, "--batch", "4"), CultureInfo.InvariantCulture);
        int frames = int.Parse(Program.Arg(args, "--frames", "600"), CultureInfo.InvariantCulture);
        int vocab = int.Parse(Program.Arg(args, "--vocab", "100"), CultureInfo.InvariantCulture);
        int warmup = int.Parse(Program.Arg(args, "--warmup", "3"), CultureInfo.InvariantCulture);
        int steps = int.Parse(Program.Arg(args, "--steps", "10"), CultureInfo.InvariantCulture);
        int seed = int.Parse(Program.Arg(args, "--seed", "1"), CultureInfo.InvariantCulture);
        double lr = double.Parse(Program.Arg(args, "--lr", "1e-3"), CultureInfo.InvariantCulture);
        bool noDropout = args.Contains("--no-dropout");
        if (batch < 1 || frames < 40 || steps < 1 || warmup < 0 || threads < 1 || vocab < 2)
        {
            Console.Error.WriteLine("encoder-train: need --batch >= 1, --frames >= 40, --steps >= 1, --warmup >= 0, --threads >= 1, --vocab >= 2");
            return 2;
        }
        Directory.CreateDirectory(outDir);

        TorchRuntime.SetThreads(threads);   // loads libtorch the way every Qieemo entry point does (incl. NativeMemoryTuning)
        torch.manual_seed(seed);
        var config = EncoderConfig.Preset(preset);
        if (noDropout) { config.DropoutRate = 0; config.PositionalDropoutRate = 0; config.AttentionDropoutRate = 0; }
        using var encoder = new ConformerEncoder(config);
        using var head = new CtcHead("ctc", new CtcHeadOptions { InputDim = config.OutputSize, VocabularySize = vocab });

        // A fixed fbank-like batch: lengths T, 0.9T, 0.8T, ... (zero-padded, as WeNet pads before CMVN).
        var batchData = MakeBatch(encoder, batch, frames, vocab, config.InputDim);
        using var feats = batchData.Feats;
        using var lengths = batchData.Lengths;
        using var targets = batchData.Targets;
        using var targetLengths = batchData.TargetLengths;

        // Reference data for the PyTorch side, written before any training step changes the weights.
        WeNetCheckpoint.SaveWeNetStateDict(encoder, Path.Combine(outDir, "state_dict.pt"));
        foreach (var (name, p) in head.named_parameters())
        {
            var shape = p.shape.Select(d => (int)d).ToArray();
            NpyArray.FromFloats(p.detach().contiguous().data<float>().ToArray(), shape).Save(Path.Combine(outDir, $"ctc_{name.Replace('.', '_')}.npy"));
        }
        SaveFloats(feats, Path.Combine(outDir, "feats.npy"));
        SaveLongs(lengths, Path.Combine(outDir, "lengths.npy"));
        SaveLongs(targets, Path.Combine(outDir, "targets.npy"));
        SaveLongs(targetLengths, Path.Combine(outDir, "target_lengths.npy"));
        float evalLoss;
        using (var _ = no_grad())
        {
            encoder.eval();
            head.eval();
            using var scope = NewDisposeScope();
            using var o = encoder.call(feats, lengths);
            SaveFloats(o.Output, Path.Combine(outDir, "output.npy"));
            SaveLongs(o.OutputLengths, Path.Combine(outDir, "output_lengths.npy"));
            evalLoss = head.Loss(o.Output, o.OutputLengths, targets, targetLengths).item<float>();
        }
        var json = new Dictionary<string, object>
        {
            ["preset"] = preset, ["encoder"] = config, ["vocab"] = vocab, ["blank"] = 0, ["threads"] = threads,
            ["warmup"] = warmup, ["steps"] = steps, ["lr"] = lr, ["eval_loss"] = evalLoss, ["seed"] = seed,
        };
        File.WriteAllText(Path.Combine(outDir, "config.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));

        // Training: 'warmup' untimed steps, then 'steps' timed ones, Adam on encoder + head.
        encoder.train();
        head.train();
        var parameters = encoder.parameters().Concat(head.parameters()).ToList();
        using var optimizer = optim.Adam(parameters, lr: lr, beta1: 0.9, beta2: 0.999);   // PyTorch's defaults (TorchSharp's beta2 default is 0.99)
        var times = new List<double>();
        var cpuTimes = new List<double>();
        var losses = new List<float>();
        var phaseTimes = new[] { new List<double>(), new List<double>(), new List<double>(), new List<double>() };
        var phases = new double[3];
        using var process = Process.GetCurrentProcess();
        long faults0 = 0;
        for (int i = 0; i < warmup + steps; i++)
        {
            if (i == warmup) faults0 = MinorFaults();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            float loss = Step(encoder, head, optimizer, feats, lengths, targets, targetLengths, phases);
            sw.Stop();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpu0;
            losses.Add(loss);
            if (i >= warmup)
            {
                times.Add(sw.Elapsed.TotalSeconds);
                cpuTimes.Add(cpu.TotalSeconds);
                for (int k = 0; k < 3; k++) phaseTimes[k].Add(phases[k]);
                phaseTimes[3].Add(sw.Elapsed.TotalSeconds - phases.Sum());          // disposing the step's tensors
            }
        }
        double faultsPerStep = faults0 < 0 ? -1 : (MinorFaults() - faults0) / (double)steps;
        double median = Median(times), cpuMedian = Median(cpuTimes);
        var (gflops, smallOp) = Micro();
        // The PyTorch side compares its losses with these when every dropout rate is 0.
        File.WriteAllText(Path.Combine(outDir, "ours_losses.json"), JsonSerializer.Serialize(losses));

        long paramCount = parameters.Sum(p => p.numel());
        Console.WriteLine($"ours_preset: {preset}");
        Console.WriteLine($"ours_parameters: {paramCount}");
        Console.WriteLine($"ours_batch: {batch}x{frames}x{config.InputDim} lengths [{string.Join(", ", lengths.data<long>().ToArray())}]");
        Console.WriteLine($"ours_threads: {torch.get_num_threads()}");
        Console.WriteLine($"ours_eval_loss: {evalLoss.ToString("R", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"ours_losses: {string.Join(" ", losses.Select(l => l.ToString("F5", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"ours_step_seconds: {string.Join(" ", times.Select(t => t.ToString("F4", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"ours_step_seconds_median: {median.ToString("F4", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"ours_step_cpu_seconds_median: {cpuMedian.ToString("F4", CultureInfo.InvariantCulture)}");
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"ours_phase_medians: forward+loss {Median(phaseTimes[0]):F4} backward {Median(phaseTimes[1]):F4} adam {Median(phaseTimes[2]):F4} dispose {Median(phaseTimes[3]):F4}"));
        if (faultsPerStep >= 0) Console.WriteLine(string.Create(inv, $"ours_minor_page_faults_per_step: {faultsPerStep:F0}"));
        Console.WriteLine(string.Create(inv, $"ours_matmul512_gflops: {gflops:F1}"));
        double stepGflop = StepGflop(config, batch, frames, vocab);
        Console.WriteLine(string.Create(inv, $"step_gflop: {stepGflop:F2} (matmul and convolution work of one training step, from the shapes)"));
        Console.WriteLine(string.Create(inv, $"ours_step_gflops: {stepGflop / median:F1} (step_gflop / median step)"));
        Console.WriteLine(string.Create(inv, $"ours_small_op_microseconds: {smallOp:F2}"));
        return 0;
    }

    /// <summary>
    /// Floating-point operations (multiply and add counted separately) of the matrix products and
    /// convolutions in one training step of this encoder + CTC head on a padded batch of
    /// <paramref name="batch"/> × <paramref name="frames"/>, in GFLOP: forward work × 3 (forward, gradient
    /// of the input, gradient of the weights), except the first convolution, whose input needs no gradient.
    /// Elementwise work (norms, activations, softmax, dropout, Adam) is not counted. The PyTorch side
    /// runs exactly the same products, so this bounds both from below at a given GFLOP/s.
    /// </summary>
    internal static double StepGflop(EncoderConfig c, int batch, int frames, int vocab)
    {
        double b = batch, d = c.OutputSize, macs = 0;
        long t = (frames - 1) / 2, f = (c.InputDim - 1) / 2;                 // first 3x3 stride-2 convolution
        double first = b * t * f * d * 9;
        if (c.InputLayer == "conv2d")
        {
            t = (t - 1) / 2;
            f = (f - 1) / 2;
            macs += b * t * f * d * d * 9;                                   // second convolution
        }
        macs += b * t * (d * f) * d;                                         // out linear
        var kernels = c.ConvKernelPerBlock();
        for (int i = 0; i < c.NumBlocks; i++)
        {
            if (c.MacaronStyle) macs += 2 * b * t * d * c.LinearUnits;      // half-step FFN before attention
            macs += 4 * b * t * d * d + t * d * d;                           // q, k, v, out; linear_pos on T rows
            if (Array.IndexOf(c.GroupLayerIdx, i) >= 0)
            {
                double tg = Math.Ceiling(t / (double)c.GroupSize);
                macs += 3 * b * tg * tg * c.GroupSize * d;                   // q·kᵀ, q·pᵀ, attn·v on groups of g frames
            }
            else
            {
                macs += 3 * b * (double)t * t * d;
            }
            if (c.UseCnnModule)
            {
                int s = Array.IndexOf(c.StrideLayerIdx, i) is int k && k >= 0 ? c.Stride[k] : 1;
                long tOut = (t + s - 1) / s;
                macs += b * t * d * 2 * d + b * tOut * d * kernels[i] + b * tOut * d * d;
                t = tOut;
            }
            macs += 2 * b * t * d * c.LinearUnits;                           // FFN (after a stride: on T/s frames)
        }
        macs += b * t * d * vocab;                                           // CTC projection
        return (2 * 3 * macs + 2 * 2 * first) / 1e9;
    }

    /// <summary>Median of a non-empty list (mean of the two middle values for an even count).</summary>
    internal static double Median(IReadOnlyList<double> values)
    {
        var s = values.OrderBy(v => v).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : 0.5 * (s[s.Count / 2 - 1] + s[s.Count / 2]);
    }

    /// <summary>One training step; phases[0..2] += seconds of forward + loss, backward, optimizer step.</summary>
    private static float Step(ConformerEncoder encoder, CtcHead head, optim.Optimizer optimizer,
        Tensor feats, Tensor lengths, Tensor targets, Tensor targetLengths, double[] phases)
    {
        var sw = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        using var o = encoder.call(feats, lengths);
        var loss = head.Loss(o.Output, o.OutputLengths, targets, targetLengths);
        float value = loss.item<float>();
        double t1 = sw.Elapsed.TotalSeconds;
        loss.backward();
        double t2 = sw.Elapsed.TotalSeconds;
        optimizer.step();
        double t3 = sw.Elapsed.TotalSeconds;
        phases[0] = t1;
        phases[1] = t2 - t1;
        phases[2] = t3 - t2;
        return value;
    }

    /// <summary>Minor page faults of this process so far (Linux /proc/self/stat), or -1 elsewhere.</summary>
    private static long MinorFaults()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            // Fields after the parenthesised command name: state is field 3, minflt field 10.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Framework overheads for the profile lines: float32 matmul speed (512 x 512) and the wall time of one
    /// tiny op (a + b on 16 elements, result disposed), i.e. the fixed cost every operation pays.
    /// </summary>
    private static (double Gflops, double SmallOpMicroseconds) Micro()
    {
        using var scope = NewDisposeScope();
        var a = randn(512, 512);
        var b = randn(512, 512);
        for (int i = 0; i < 2; i++) matmul(a, b).Dispose();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 10; i++) matmul(a, b).Dispose();
        double gflops = 2.0 * 512 * 512 * 512 / (sw.Elapsed.TotalSeconds / 10) / 1e9;
        var x = randn(16);
        var y = randn(16);
        for (int i = 0; i < 1000; i++) (x + y).Dispose();
        sw.Restart();
        const int n = 20000;
        for (int i = 0; i < n; i++) (x + y).Dispose();
        return (gflops, sw.Elapsed.TotalSeconds / n * 1e6);
    }

    private sealed record Batch(Tensor Feats, Tensor Lengths, Tensor Targets, Tensor TargetLengths);

    /// <summary>
    /// feats (B, T, F) = 10 + 3·N(0, 1) on valid frames, 0 on padding; lengths T, 0.9T, …; targets (B, S)
    /// uniform in [1, V) with S per utterance = a third of its encoder output frames, padded with -1.
    /// CMVN statistics of the encoder are set to the batch's valid frames.
    /// </summary>
    private static Batch MakeBatch(ConformerEncoder encoder, int batch, int frames, int vocab, int dim)
    {
        using var scope = NewDisposeScope();
        var lens = Enumerable.Range(0, batch).Select(i => (long)Math.Max(40, (int)Math.Round(frames * (1.0 - 0.1 * (i % 5))))).ToArray();
        var mask = EncoderOutput.MaskFromLengths(tensor(lens), frames).squeeze(1).unsqueeze(-1);      // (B, T, 1)
        var feats = (randn(batch, frames, dim) * 3 + 10).masked_fill(mask.logical_not(), 0.0f);
        using (var _ = no_grad())
        {
            var valid = feats.masked_select(mask.expand(batch, frames, dim)).view(-1, dim);          // (N, F)
            var mean = valid.mean(new long[] { 0 });
            var istd = valid.var(0).clamp_min(1e-20).rsqrt();
            encoder.GlobalCmvn?.SetStatistics(mean.data<float>().ToArray(), istd.data<float>().ToArray());
        }
        long sub = encoder.TotalSubsampling;
        var tlens = lens.Select(l => Math.Max(1L, encoder.Embed.OutputFrames(l) / (sub / encoder.Embed.SubsamplingRate) / 3)).ToArray();
        long maxT = tlens.Max();
        var targets = randint(1, vocab, new long[] { batch, maxT }, dtype: ScalarType.Int64);
        var tmask = arange(maxT).unsqueeze(0).lt(tensor(tlens).unsqueeze(1));
        targets = targets.masked_fill(tmask.logical_not(), -1L);
        var lengths = tensor(lens);
        var targetLengths = tensor(tlens);
        scope.MoveToOuter(feats, lengths, targets, targetLengths);
        return new Batch(feats, lengths, targets, targetLengths);
    }

    private static void SaveFloats(Tensor t, string path) =>
        NpyArray.FromFloats(t.detach().contiguous().data<float>().ToArray(), t.shape.Select(d => (int)d).ToArray()).Save(path);

    private static void SaveLongs(Tensor t, string path) =>
        NpyArray.FromInt64(t.detach().contiguous().to_type(ScalarType.Int64).data<long>().ToArray(), t.shape.Select(d => (int)d).ToArray()).Save(path);
}
