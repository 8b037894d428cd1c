using System.Text.Json;

namespace Qieemo.ML.Features;

/// <summary>
/// Global cepstral mean and variance normalisation as WeNet does it: statistics in WeNet's
/// tools/compute_cmvn_stats.py format (per-dimension sums of x and x^2 over all frames, and the frame count),
/// <see cref="Mean"/>/<see cref="Istd"/> derived exactly like wenet/utils/cmvn.py load_cmvn (float64, variance
/// floored at 1e-20, then cast to float32) and applied like wenet/transformer/cmvn.py GlobalCMVN:
/// (x - mean) * istd in float32.
/// </summary>
public sealed class GlobalCmvn
{
    /// <summary>WeNet's floor on the variance before 1/sqrt.</summary>
    public const double VarianceFloor = 1.0e-20;

    /// <summary>Builds normalisation from accumulated statistics (arrays are copied).</summary>
    public GlobalCmvn(double[] meanStat, double[] varStat, long frameNum)
    {
        ArgumentNullException.ThrowIfNull(meanStat);
        ArgumentNullException.ThrowIfNull(varStat);
        if (meanStat.Length == 0) throw new ArgumentException("mean_stat is empty", nameof(meanStat));
        if (meanStat.Length != varStat.Length)
            throw new ArgumentException($"mean_stat has {meanStat.Length} values but var_stat has {varStat.Length}", nameof(varStat));
        if (frameNum <= 0) throw new ArgumentException($"frame_num must be positive, got {frameNum}", nameof(frameNum));
        for (int i = 0; i < meanStat.Length; i++)
            if (!double.IsFinite(meanStat[i]) || !double.IsFinite(varStat[i]))
                throw new ArgumentException($"statistics of dimension {i} are not finite ({meanStat[i]}, {varStat[i]})", nameof(meanStat));
        MeanStat = (double[])meanStat.Clone();
        VarStat = (double[])varStat.Clone();
        FrameNum = frameNum;
        Mean = new float[Dim];
        Istd = new float[Dim];
        for (int i = 0; i < Dim; i++)
        {
            double mean = MeanStat[i] / FrameNum;
            double variance = VarStat[i] / FrameNum - mean * mean;
            if (variance < VarianceFloor) variance = VarianceFloor;
            Mean[i] = (float)mean;
            Istd[i] = (float)(1.0 / Math.Sqrt(variance));
        }
    }

    /// <summary>Per-dimension sum of x over all frames (WeNet "mean_stat").</summary>
    public double[] MeanStat { get; }

    /// <summary>Per-dimension sum of x^2 over all frames (WeNet "var_stat").</summary>
    public double[] VarStat { get; }

    /// <summary>Number of frames accumulated (WeNet "frame_num").</summary>
    public long FrameNum { get; }

    /// <summary>Feature dimension.</summary>
    public int Dim => MeanStat.Length;

    /// <summary>Per-dimension mean, float32 as WeNet's GlobalCMVN buffer holds it.</summary>
    public float[] Mean { get; }

    /// <summary>Per-dimension 1/stddev, float32 as WeNet's GlobalCMVN buffer holds it.</summary>
    public float[] Istd { get; }

    /// <summary>Statistics of all frames of <paramref name="features"/>.</summary>
    public static GlobalCmvn Compute(IEnumerable<FbankResult> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var acc = new CmvnAccumulator();
        foreach (var f in features) acc.Add(f);
        return acc.Build();
    }

    /// <summary>Normalises row-major [frames, <paramref name="dim"/>] features in place: (x - mean) * istd.</summary>
    public void Apply(Span<float> data, int dim)
    {
        if (dim != Dim) throw new ArgumentException($"features have dimension {dim}, CMVN statistics have {Dim}", nameof(dim));
        if (data.Length % dim != 0) throw new ArgumentException($"{data.Length} values are not whole frames of {dim}", nameof(data));
        var mean = Mean.AsSpan();
        var istd = Istd.AsSpan();
        for (int o = 0; o < data.Length; o += dim)
        {
            var row = data.Slice(o, dim);
            for (int i = 0; i < dim; i++) row[i] = (row[i] - mean[i]) * istd[i];
        }
    }

    /// <summary>Normalises <paramref name="features"/> in place.</summary>
    public void Apply(FbankResult features)
    {
        ArgumentNullException.ThrowIfNull(features);
        Apply(features.Data, features.Dim);
    }

    /// <summary>Reads WeNet's JSON CMVN file {"mean_stat": [...], "var_stat": [...], "frame_num": N}.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not such a JSON object; the message names the file.</exception>
    public static GlobalCmvn Load(string wenetJsonPath)
    {
        ArgumentNullException.ThrowIfNull(wenetJsonPath);
        if (!File.Exists(wenetJsonPath)) throw new FileNotFoundException($"{wenetJsonPath}: CMVN statistics file not found", wenetJsonPath);
        return Parse(File.ReadAllBytes(wenetJsonPath), wenetJsonPath);
    }

    /// <summary>Parses WeNet's JSON CMVN text; <paramref name="sourceName"/> names the source in errors.</summary>
    public static GlobalCmvn FromJson(string json, string sourceName) => Parse(System.Text.Encoding.UTF8.GetBytes(json), sourceName);

    private static GlobalCmvn Parse(byte[] utf8, string wenetJsonPath)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{wenetJsonPath}: line {(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{wenetJsonPath}: expected a JSON object with mean_stat, var_stat and frame_num");
            double[] mean = ReadArray(root, "mean_stat", wenetJsonPath);
            double[] var = ReadArray(root, "var_stat", wenetJsonPath);
            if (!root.TryGetProperty("frame_num", out var n) || n.ValueKind != JsonValueKind.Number)
                throw new InvalidDataException($"{wenetJsonPath}: missing numeric \"frame_num\"");
            // WeNet writes an int; accept an integral float too.
            long frames = n.TryGetInt64(out long l) ? l : (n.GetDouble() is double d && d == Math.Floor(d) && d < long.MaxValue ? (long)d : -1);
            if (frames <= 0) throw new InvalidDataException($"{wenetJsonPath}: frame_num must be a positive integer, got {n.GetRawText()}");
            if (mean.Length == 0) throw new InvalidDataException($"{wenetJsonPath}: mean_stat is empty");
            if (mean.Length != var.Length) throw new InvalidDataException($"{wenetJsonPath}: mean_stat has {mean.Length} values but var_stat has {var.Length}");
            try
            {
                return new GlobalCmvn(mean, var, frames);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{wenetJsonPath}: {e.Message}", e);
            }
        }
    }

    private static double[] ReadArray(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: missing array \"{name}\"");
        var values = new double[a.GetArrayLength()];
        int i = 0;
        foreach (var v in a.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
                throw new InvalidDataException($"{path}: {name}[{i}] is not a finite number ({v.GetRawText()})");
            values[i++] = v.GetDouble();
        }
        return values;
    }

    /// <summary>Writes WeNet's JSON CMVN format (numbers in shortest round-trip form, readable by WeNet).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllText(path, ToJson());
    }

    /// <summary>WeNet's JSON CMVN text: {"mean_stat": [...], "var_stat": [...], "frame_num": N}.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("mean_stat");
            foreach (var v in MeanStat) w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteStartArray("var_stat");
            foreach (var v in VarStat) w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteNumber("frame_num", FrameNum);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
