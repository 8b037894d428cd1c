using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Modules;

/// <summary>
/// Our encoders against reference tensors (torch 1.13, eval mode) for the same checkpoint and the
/// same padded batch: embed, every block and the final output, valid frames.
/// <c>efficient-conformer-v1-small</c> and <c>conformer-small</c> were dumped by WeNet itself.
/// <c>efficient-v2-topology</c> (conv2d2, stride layers [3, 7], grouped attention at the stride
/// layers, stride_kernel false) was NOT: WeNet is not available offline, so its tensors come from our
/// independent plain-PyTorch re-implementation (test/reference/bench_encoder_torch.py, driven by
/// test/reference/efficient_v2_make_fixture.py); see that fixture's README.md.
/// </summary>
[TestClass]
public sealed class WeNetParityTests
{
    private const double Tolerance = 1e-4;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("efficient-conformer-v1-small")]
    [DataRow("conformer-small")]
    [DataRow("efficient-v2-topology")]
    public void EveryBlockMatchesWeNetOnValidFrames(string fixtureName)
    {
        var fx = new WeNetFixture(fixtureName);
        using var encoder = WeNetCheckpoint.LoadEncoder(fx.StateDict, fx.Yaml, fx.CmvnJson);
        Assert.AreEqual(fx.NumBlocks, encoder.NumBlocks);
        Assert.IsFalse(encoder.training, "LoadEncoder returns an encoder in eval mode");

        using var scope = NewDisposeScope();
        var feats = fx.Load("feats.npy");
        var lengths = fx.Load("feats_lengths.npy");
        using var _ = no_grad();
        using var result = encoder.call(feats, lengths);

        var report = new List<string>();
        double embedDiff = WeNetFixture.MaxAbsDiffValid(result.Embed, fx.Load("embed.npy"), fx.EmbedLengths);
        report.Add($"embed {embedDiff:E2}");
        CollectionAssert.AreEqual(fx.EmbedLengths, result.EmbedLengths.data<long>().ToArray(), "embed lengths");
        Assert.IsTrue(embedDiff <= Tolerance, $"embed max|diff| {embedDiff}");

        for (int i = 0; i < fx.NumBlocks; i++)
        {
            CollectionAssert.AreEqual(fx.BlockLengths[i], result.BlockLengths[i].data<long>().ToArray(), $"block {i} lengths");
            double d = WeNetFixture.MaxAbsDiffValid(result.Blocks[i], fx.Load($"block_{i:00}.npy"), fx.BlockLengths[i]);
            report.Add($"block_{i:00} {d:E2}");
            Assert.IsTrue(d <= Tolerance, $"block {i} max|diff| {d} ({string.Join(", ", report)})");
        }

        var expectedLengths = fx.LoadLongs("output_lengths.npy");
        CollectionAssert.AreEqual(expectedLengths, result.OutputLengths.data<long>().ToArray(), "output lengths");
        CollectionAssert.AreEqual(fx.OutputLengths, expectedLengths);
        double outDiff = WeNetFixture.MaxAbsDiffValid(result.Output, fx.Load("output.npy"), expectedLengths);
        report.Add($"output {outDiff:E2}");
        TestContext.WriteLine($"{fixtureName}: max|diff| on valid frames: {string.Join(", ", report)}");
        Assert.IsTrue(outDiff <= Tolerance, $"output max|diff| {outDiff}");
    }

    [TestMethod]
    [DataRow("efficient-conformer-v1-small")]
    [DataRow("conformer-small")]
    [DataRow("efficient-v2-topology")]
    public void CmvnFromJsonEqualsWeNetBuffers(string fixtureName)
    {
        // Without the json the buffers come from the checkpoint (WeNet's own load_cmvn + float()).
        var fx = new WeNetFixture(fixtureName);
        using var fromCheckpoint = WeNetCheckpoint.LoadEncoder(fx.StateDict, fx.Yaml);
        using var fromJson = WeNetCheckpoint.LoadEncoder(fx.StateDict, fx.Yaml, fx.CmvnJson);
        CollectionAssert.AreEqual(fromCheckpoint.GlobalCmvn!.Mean, fromJson.GlobalCmvn!.Mean);
        CollectionAssert.AreEqual(fromCheckpoint.GlobalCmvn!.Istd, fromJson.GlobalCmvn!.Istd);
    }

    [TestMethod]
    [DataRow("efficient-conformer-v1-small")]
    [DataRow("conformer-small")]
    [DataRow("efficient-v2-topology")]
    public void ExportThenImportGivesIdenticalOutputs(string fixtureName)
    {
        var fx = new WeNetFixture(fixtureName);
        string dir = TestSupport.TempDir("qieemo-wenet-export");
        try
        {
            string exported = Path.Combine(dir, "exported.pt");
            using var original = WeNetCheckpoint.LoadEncoder(fx.StateDict, fx.Yaml);
            WeNetCheckpoint.SaveWeNetStateDict(original, exported);
            using var reloaded = WeNetCheckpoint.LoadEncoder(exported, fx.Yaml);

            var a = original.state_dict();
            var b = reloaded.state_dict();
            CollectionAssert.AreEquivalent(a.Keys.ToList(), b.Keys.ToList());
            foreach (var (k, v) in a)
                Assert.IsTrue(Same(v, b[k]), $"tensor {k} differs after the round trip");

            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var feats = fx.Load("feats.npy");
            var lengths = fx.Load("feats_lengths.npy");
            using var r1 = original.call(feats, lengths);
            using var r2 = reloaded.call(feats, lengths);
            Assert.IsTrue(Same(r1.Output, r2.Output), "outputs differ after export/import");
            for (int i = 0; i < r1.Blocks.Count; i++) Assert.IsTrue(Same(r1.Blocks[i], r2.Blocks[i]), $"block {i} differs");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    [DataRow("efficient-conformer-v1-small")]
    [DataRow("conformer-small")]
    public void StateDictKeysAndShapesEqualWeNet(string fixtureName)
    {
        var fx = new WeNetFixture(fixtureName);
        var expected = File.ReadAllLines(Path.Combine(fx.Dir, "keys.txt"))
            .Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => (Shape: p[1], DType: p[2]));
        using var encoder = new ConformerEncoder(EncoderConfig.FromWeNetYaml(fx.Yaml));
        var actual = encoder.state_dict().ToDictionary(
            kv => WeNetCheckpoint.EncoderPrefix + kv.Key,
            kv => (Shape: "[" + string.Join(", ", kv.Value.shape) + "]", DType: kv.Value.dtype == ScalarType.Int64 ? "int64" : kv.Value.dtype == ScalarType.Float32 ? "float32" : kv.Value.dtype.ToString()));
        CollectionAssert.AreEquivalent(expected.Keys.ToList(), actual.Keys.ToList(),
            $"missing: {string.Join(", ", expected.Keys.Except(actual.Keys))}; extra: {string.Join(", ", actual.Keys.Except(expected.Keys))}");
        foreach (var (k, v) in expected) Assert.AreEqual(v, actual[k], k);
    }

    private static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && (a.numel() == 0 || a.eq(b).all().item<bool>());

    [TestMethod]
    public void PositionTableMatchesCheckpointClosely()
    {
        var fx = new WeNetFixture("conformer-small");
        var sd = WeNetCheckpoint.ReadStateDict(fx.StateDict);
        try
        {
            var fromCheckpoint = sd["encoder.embed.pos_enc.pe"];
            using var computed = RelPositionalEncoding.ComputeTable(64, 5000);
            CollectionAssert.AreEqual(fromCheckpoint.shape, computed.shape);
            using var diff = (computed - fromCheckpoint).abs();
            double all = diff.max().item<float>();
            double first200 = diff.narrow(1, 0, 200).max().item<float>();
            TestContext.WriteLine($"computed pe vs checkpoint pe: max|diff| all rows {all:E2}, first 200 rows {first200:E2}");
            // sin/cos of large float32 arguments differ between libm implementations in the last bits.
            Assert.IsTrue(first200 <= 1e-5, $"first 200 rows differ by {first200}");
            Assert.IsTrue(all <= 5e-4, $"table differs by {all}");
        }
        finally { foreach (var t in sd.Values) t.Dispose(); }
    }
}
