using System.Text.Json;

namespace Qieemo.ML.Models;

/// <summary>
/// Minimal reader of WeNet's json CMVN statistics (<c>tools/compute_cmvn_stats.py</c>:
/// <c>{"mean_stat": [...], "var_stat": [...], "frame_num": n}</c>) giving the GlobalCMVN buffers
/// exactly as WeNet's <c>load_cmvn</c> does: in float64, mean = sum/n, var = sumsq/n − mean²,
/// clamped to ≥ 1e-20, istd = 1/sqrt(var); then rounded to float32.
/// </summary>
internal static class WeNetCmvnJson
{
    public static (float[] Mean, float[] Istd) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CMVN statistics not found: {path}", path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}:{e.LineNumber + 1}: invalid json: {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            double[] sums = ReadArray(root, "mean_stat", path);
            double[] sumSquares = ReadArray(root, "var_stat", path);
            if (!root.TryGetProperty("frame_num", out var fn) || fn.ValueKind != JsonValueKind.Number)
                throw new InvalidDataException($"{path}: missing numeric 'frame_num'");
            double count = fn.GetDouble();
            if (!(count > 0)) throw new InvalidDataException($"{path}: frame_num must be positive, got {count}");
            if (sums.Length != sumSquares.Length || sums.Length == 0)
                throw new InvalidDataException($"{path}: mean_stat has {sums.Length} values but var_stat has {sumSquares.Length}");
            var mean = new float[sums.Length];
            var istd = new float[sums.Length];
            for (int i = 0; i < sums.Length; i++)
            {
                double m = sums[i] / count;
                double v = sumSquares[i] / count - m * m;
                if (v < 1.0e-20) v = 1.0e-20;
                mean[i] = (float)m;
                istd[i] = (float)(1.0 / Math.Sqrt(v));
            }
            return (mean, istd);
        }
    }

    private static double[] ReadArray(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var arr) || arr.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: missing array '{name}'");
        var result = new double[arr.GetArrayLength()];
        int i = 0;
        foreach (var e in arr.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number) throw new InvalidDataException($"{path}: '{name}'[{i}] is not a number");
            result[i++] = e.GetDouble();
        }
        return result;
    }
}
