using Qieemo.ML.IO;
using Qieemo.ML.Tests.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.AsrTraining;

/// <summary>import-wenet → encode in fresh processes reproduces WeNet's own tensors (reference: WeNet forward hooks).</summary>
[TestClass]
public sealed class WeNetImportEncodeTests
{
    [TestMethod]
    [DataRow("efficient-conformer-v1-small")]
    [DataRow("conformer-small")]
    public void ImportThenEncodeMatchesWeNetBlocks(string name)
    {
        var fx = new WeNetFixture(name);
        string dir = TestSupport.TempDir("qieemo-import");
        string model = Path.Combine(dir, "model.zip"), outDir = Path.Combine(dir, "enc");
        var import = CliRunner.Run("import-wenet", "--checkpoint", fx.StateDict, "--config", fx.Yaml, "--out", model);
        Assert.AreEqual(0, import.ExitCode, import.Stderr);
        StringAssert.Contains(import.Stdout, "encoder only");
        var encode = CliRunner.Run("encode", "--model", model, "--input", Path.Combine(fx.Dir, "feats.npy"),
            "--lengths", Path.Combine(fx.Dir, "feats_lengths.npy"), "--out", outDir);
        Assert.AreEqual(0, encode.ExitCode, encode.Stderr);

        for (int i = 0; i < fx.NumBlocks; i++)
        {
            using var expected = fx.Load($"block_{i:00}.npy");
            using var actual = LoadNpy(Path.Combine(outDir, $"block_{i:00}.npy"));
            double diff = WeNetFixture.MaxAbsDiffValid(actual, expected, fx.BlockLengths[i]);
            Assert.IsLessThan(1e-4, diff, $"{name} block {i}: max |diff| {diff}");
        }
        using (var expected = fx.Load("output.npy"))
        using (var actual = LoadNpy(Path.Combine(outDir, "output.npy")))
        {
            double diff = WeNetFixture.MaxAbsDiffValid(actual, expected, fx.OutputLengths);
            Assert.IsLessThan(1e-4, diff, $"{name} output: max |diff| {diff}");
        }
        CollectionAssert.AreEqual(fx.OutputLengths, NpyArray.Load(Path.Combine(outDir, "output_lengths.npy")).ToInt64());
    }

    [TestMethod]
    public void EncodeRejectsWrongFeatureDimension()
    {
        var fx = new WeNetFixture("efficient-conformer-v1-small");
        string dir = TestSupport.TempDir("qieemo-import");
        string model = Path.Combine(dir, "model.zip"), feats = Path.Combine(dir, "bad.npy");
        Assert.AreEqual(0, CliRunner.Run("import-wenet", "--checkpoint", fx.StateDict, "--config", fx.Yaml, "--out", model).ExitCode);
        NpyArray.FromFloats(new float[50 * 40], 50, 40).Save(feats);
        CliRunner.AssertCleanError(CliRunner.Run("encode", "--model", model, "--input", feats, "--out", Path.Combine(dir, "o")), "bad.npy", "80");
        CliRunner.AssertCleanError(CliRunner.Run("transcribe", "--model", model, feats), "encoder-only");
        CliRunner.AssertCleanError(CliRunner.Run("encode", "--model", Path.Combine(dir, "missing.zip"), "--input", feats, "--out", dir), "missing.zip");
    }

    private static Tensor LoadNpy(string path)
    {
        var npy = NpyArray.Load(path);
        return tensor(npy.ToFloats(), npy.Shape.Select(s => (long)s).ToArray());
    }
}
