using Qieemo.ML.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Asr;

/// <summary>Loads the reference fixtures written by test/reference/asr_make_fixtures.py.</summary>
internal static class AsrFixture
{
    public static string PathOf(string file) => TestSupport.TestData("asr", file);

    public static Tensor Floats(string file)
    {
        var a = NpyArray.Load(PathOf(file));
        return tensor(a.ToFloats(), a.Shape.Select(d => (long)d).ToArray());
    }

    public static Tensor Longs(string file)
    {
        var a = NpyArray.Load(PathOf(file));
        return tensor(a.ToInt64(), a.Shape.Select(d => (long)d).ToArray());
    }

    public static double[] Doubles(string file) => NpyArray.Load(PathOf(file)).ToDoubles();

    public static float[] Values(Tensor t) => t.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();

    /// <summary>Largest |a - b| / max(|b|, floor).</summary>
    public static void AssertClose(float[] expected, float[] actual, double tolerance, string what, double floor = 1e-3)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]) / Math.Max(Math.Abs(expected[i]), floor);
            if (err > tolerance) Assert.Fail($"{what}[{i}]: expected {expected[i]}, got {actual[i]} (relative error {err:E2} > {tolerance:E0})");
        }
    }
}
