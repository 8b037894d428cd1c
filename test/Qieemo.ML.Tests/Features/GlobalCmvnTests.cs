using System.Text.Json;
using Qieemo.ML.Features;
using Qieemo.ML.IO;

namespace Qieemo.ML.Tests.Features;

/// <summary>GlobalCmvn against the shared WeNet fixture (efficient-conformer-v1-small): its global_cmvn.json,
/// the float32 mean/istd buffers WeNet derived from it, and the feats.npy the statistics were computed from.</summary>
[TestClass]
public sealed class GlobalCmvnTests
{
    public TestContext TestContext { get; set; } = null!;

    private static string Fixture(string file) => TestSupport.TestData("fbank", file);

    private static (float[] Mean, float[] Istd) WeNetBuffers()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture("wenet_global_cmvn_float32.json")));
        float[] Read(string name) => doc.RootElement.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        return (Read("mean"), Read("istd"));
    }

    /// <summary>The valid frames of the fixture's two utterances (feats.npy is zero-padded [2, 505, 80]).</summary>
    private static List<FbankResult> WeNetFeatures()
    {
        var feats = NpyArray.Load(Fixture("wenet_feats.npy"));
        var lengths = NpyArray.Load(Fixture("wenet_feats_lengths.npy")).ToInt64();
        var all = feats.ToFloats();
        int maxT = feats.Shape[1], dim = feats.Shape[2];
        return lengths.Select((len, u) => new FbankResult(all.AsSpan(u * maxT * dim, (int)len * dim).ToArray(), (int)len, dim)).ToList();
    }

    [TestMethod]
    public void LoadDerivesWeNetsFloat32Buffers()
    {
        var cmvn = GlobalCmvn.Load(Fixture("wenet_global_cmvn.json"));
        var (mean, istd) = WeNetBuffers();
        Assert.AreEqual(80, cmvn.Dim);
        Assert.AreEqual(818, cmvn.FrameNum);
        int mismatches = 0;
        for (int i = 0; i < cmvn.Dim; i++)
        {
            // Exact: same float64 formula, then rounding to float32.
            if (cmvn.Mean[i] != mean[i] || cmvn.Istd[i] != istd[i]) mismatches++;
            Assert.IsLessThanOrEqualTo(1, UlpDistance(cmvn.Mean[i], mean[i]), $"mean[{i}] {cmvn.Mean[i]} vs {mean[i]}");
            Assert.IsLessThanOrEqualTo(1, UlpDistance(cmvn.Istd[i], istd[i]), $"istd[{i}] {cmvn.Istd[i]} vs {istd[i]}");
        }
        TestContext.WriteLine($"{mismatches} of {cmvn.Dim} dimensions differ from WeNet's float32 buffers (by at most 1 ulp)");
        Assert.AreEqual(0, mismatches);
    }

    [TestMethod]
    public void ComputeReproducesWeNetStatistics()
    {
        var expected = GlobalCmvn.Load(Fixture("wenet_global_cmvn.json"));
        var ours = GlobalCmvn.Compute(WeNetFeatures());
        Assert.AreEqual(expected.FrameNum, ours.FrameNum);
        double worstMean = 0, worstVar = 0;
        for (int i = 0; i < ours.Dim; i++)
        {
            worstMean = Math.Max(worstMean, Math.Abs(ours.MeanStat[i] - expected.MeanStat[i]) / Math.Abs(expected.MeanStat[i]));
            worstVar = Math.Max(worstVar, Math.Abs(ours.VarStat[i] - expected.VarStat[i]) / Math.Abs(expected.VarStat[i]));
        }
        TestContext.WriteLine($"relative difference vs WeNet's float32 sums: mean_stat {worstMean:E2}, var_stat {worstVar:E2}");
        Assert.IsLessThanOrEqualTo(1e-5, worstMean);
        Assert.IsLessThanOrEqualTo(1e-5, worstVar);
        var (mean, istd) = WeNetBuffers();
        for (int i = 0; i < ours.Dim; i++)
        {
            Assert.AreEqual(mean[i], ours.Mean[i], 1e-5 * Math.Abs(mean[i]));
            Assert.AreEqual(istd[i], ours.Istd[i], 1e-4 * Math.Abs(istd[i]));
        }
    }

    [TestMethod]
    public void ApplyIsWeNetsGlobalCmvn()
    {
        var cmvn = GlobalCmvn.Load(Fixture("wenet_global_cmvn.json"));
        var features = WeNetFeatures();
        var (mean, istd) = WeNetBuffers();
        var x = features[1];
        var original = (float[])x.Data.Clone();
        cmvn.Apply(x);
        for (int t = 0; t < x.Frames; t++)
            for (int i = 0; i < x.Dim; i++)
                Assert.AreEqual((original[t * 80 + i] - mean[i]) * istd[i], x.Data[t * 80 + i]);
        // Normalised over both utterances: zero mean, unit variance per dimension (float32 rounding aside).
        cmvn.Apply(features[0]);
        var check = GlobalCmvn.Compute(features);
        for (int i = 0; i < 80; i++)
        {
            Assert.AreEqual(0.0, check.MeanStat[i] / check.FrameNum, 1e-4);
            Assert.AreEqual(1.0, check.VarStat[i] / check.FrameNum, 1e-3);
        }
        Assert.ThrowsExactly<ArgumentException>(() => cmvn.Apply(new float[40], 40));
        Assert.ThrowsExactly<ArgumentException>(() => cmvn.Apply(new float[81], 80));
    }

    [TestMethod]
    public void SaveLoadRoundTripsInWeNetFormat()
    {
        var cmvn = GlobalCmvn.Compute(WeNetFeatures());
        string dir = TestSupport.TempDir("cmvn");
        try
        {
            string path = Path.Combine(dir, "global_cmvn");
            cmvn.Save(path);
            using (var doc = JsonDocument.Parse(File.ReadAllText(path)))
            {
                Assert.AreEqual(80, doc.RootElement.GetProperty("mean_stat").GetArrayLength());
                Assert.AreEqual(80, doc.RootElement.GetProperty("var_stat").GetArrayLength());
                Assert.AreEqual(818L, doc.RootElement.GetProperty("frame_num").GetInt64());
            }
            var back = GlobalCmvn.Load(path);
            CollectionAssert.AreEqual(cmvn.MeanStat, back.MeanStat);
            CollectionAssert.AreEqual(cmvn.VarStat, back.VarStat);
            CollectionAssert.AreEqual(cmvn.Mean, back.Mean);
            CollectionAssert.AreEqual(cmvn.Istd, back.Istd);
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void ConstantDimensionUsesTheVarianceFloor()
    {
        var acc = new CmvnAccumulator();
        acc.Add(new float[] { 2, 1, 2, 3 }, 2);
        var cmvn = acc.Build();
        Assert.AreEqual(2f, cmvn.Mean[0]);
        Assert.AreEqual((float)(1 / Math.Sqrt(1e-20)), cmvn.Istd[0]);
        Assert.AreEqual(2f, cmvn.Mean[1]);
        Assert.AreEqual(1f, cmvn.Istd[1]);
        Assert.ThrowsExactly<ArgumentException>(() => acc.Add(new float[3], 3));
        Assert.ThrowsExactly<InvalidOperationException>(() => new CmvnAccumulator().Build());
    }

    [TestMethod]
    [DataRow("{\"mean_stat\": [1, 2], \"var_stat\": [1], \"frame_num\": 3}", "var_stat has 1")]
    [DataRow("{\"mean_stat\": [1, 2], \"var_stat\": [1, 2]}", "frame_num")]
    [DataRow("{\"mean_stat\": [1, 2], \"var_stat\": [1, 2], \"frame_num\": 0}", "frame_num must be a positive")]
    [DataRow("{\"mean_stat\": [1, \"x\"], \"var_stat\": [1, 2], \"frame_num\": 3}", "mean_stat[1]")]
    [DataRow("{\"var_stat\": [1, 2], \"frame_num\": 3}", "mean_stat")]
    [DataRow("[1, 2]", "JSON object")]
    [DataRow("{\"mean_stat\": [1, 2],\n \"var_stat\": [1, 2,, \"frame_num\": 3}", "line 2")]
    public void LoadRejectsBadFilesNamingThem(string content, string problem)
    {
        string dir = TestSupport.TempDir("cmvn");
        try
        {
            string path = Path.Combine(dir, "bad_cmvn.json");
            File.WriteAllText(path, content);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => GlobalCmvn.Load(path));
            StringAssert.Contains(e.Message, path);
            StringAssert.Contains(e.Message, problem);
            var missing = Path.Combine(dir, "missing.json");
            var nf = Assert.ThrowsExactly<FileNotFoundException>(() => GlobalCmvn.Load(missing));
            StringAssert.Contains(nf.Message, missing);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static long UlpDistance(float a, float b)
    {
        int ia = BitConverter.SingleToInt32Bits(a), ib = BitConverter.SingleToInt32Bits(b);
        if (ia < 0) ia = int.MinValue - ia;
        if (ib < 0) ib = int.MinValue - ib;
        return Math.Abs((long)ia - ib);
    }
}
