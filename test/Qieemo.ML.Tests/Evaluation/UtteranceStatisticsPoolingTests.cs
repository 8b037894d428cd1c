using System.Text.Json;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Tests.Evaluation;

/// <summary>Mean + std pooling against numpy (test/reference/evaluation_make_fixtures.py, pooling_cases.json).</summary>
[TestClass]
public sealed class UtteranceStatisticsPoolingTests
{
    public static IEnumerable<object[]> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestSupport.TestData("evaluation", "pooling_cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! }).ToList();
    }

    private static JsonElement Case(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestSupport.TestData("evaluation", "pooling_cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).Clone();
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void MatchesNumpy(string name)
    {
        var c = Case(name);
        int dim = c.GetProperty("dim").GetInt32();
        float[] x = c.GetProperty("x").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        bool[] mask = c.GetProperty("mask").ValueKind == JsonValueKind.Null
            ? Array.Empty<bool>()
            : c.GetProperty("mask").EnumerateArray().Select(v => v.GetBoolean()).ToArray();
        double[] mean = c.GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        double[] std = c.GetProperty("std").EnumerateArray().Select(v => v.GetDouble()).ToArray();

        float[] pooled = UtteranceStatisticsPooling.Pool(x, dim, mask);
        Assert.HasCount(2 * dim, pooled);
        for (int d = 0; d < dim; d++)
        {
            // float32 output of a float64 statistic: half an ulp of float, relative.
            Assert.AreEqual(mean[d], pooled[d], 1e-6 * Math.Max(1, Math.Abs(mean[d])), $"{name} mean[{d}]");
            Assert.AreEqual(std[d], pooled[dim + d], 1e-6 * Math.Max(1, Math.Abs(std[d])), $"{name} std[{d}]");
        }
    }

    [TestMethod]
    public void ValidFramesEqualsATailMask()
    {
        var c = Case("mask_tail");
        int dim = c.GetProperty("dim").GetInt32();
        float[] x = c.GetProperty("x").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        bool[] mask = c.GetProperty("mask").EnumerateArray().Select(v => v.GetBoolean()).ToArray();
        CollectionAssert.AreEqual(UtteranceStatisticsPooling.Pool(x, dim, mask), UtteranceStatisticsPooling.Pool(x, dim, mask.Count(m => m)));
    }

    [TestMethod]
    public void BadShapesThrow()
    {
        float[] x = new float[12];
        Assert.ThrowsExactly<ArgumentException>(() => UtteranceStatisticsPooling.Pool(x, 5));
        Assert.ThrowsExactly<ArgumentException>(() => UtteranceStatisticsPooling.Pool(x, 0));
        Assert.ThrowsExactly<ArgumentException>(() => UtteranceStatisticsPooling.Pool(x, 4, new bool[2]));
        Assert.ThrowsExactly<ArgumentException>(() => UtteranceStatisticsPooling.Pool(x, 4, new bool[3]));
        Assert.ThrowsExactly<ArgumentException>(() => UtteranceStatisticsPooling.Pool(x, 4, validFrames: 4));
        Assert.ThrowsExactly<ArgumentException>(() => UtteranceStatisticsPooling.Pool(x, 4, validFrames: 0));
    }
}
