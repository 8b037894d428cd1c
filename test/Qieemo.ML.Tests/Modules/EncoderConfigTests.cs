using Qieemo.ML.Models;

namespace Qieemo.ML.Tests.Modules;

[TestClass]
public sealed class EncoderConfigTests
{
    [TestMethod]
    public void ReadsTheEfficientFixtureYaml()
    {
        var c = EncoderConfig.FromWeNetYaml(TestSupport.TestData("wenet", "efficient-conformer-v1-small", "config.yaml"));
        Assert.AreEqual("efficientConformer", c.EncoderType);
        Assert.AreEqual(80, c.InputDim);
        Assert.AreEqual(64, c.OutputSize);
        Assert.AreEqual(4, c.AttentionHeads);
        Assert.AreEqual(256, c.LinearUnits);
        Assert.AreEqual(6, c.NumBlocks);
        Assert.AreEqual("layer_norm", c.CnnModuleNorm);
        CollectionAssert.AreEqual(new[] { 2 }, c.StrideLayerIdx);
        CollectionAssert.AreEqual(new[] { 2 }, c.Stride);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, c.GroupLayerIdx);
        Assert.AreEqual(3, c.GroupSize);
        Assert.IsTrue(c.StrideKernel);
        Assert.IsTrue(c.UseGlobalCmvn);
        Assert.AreEqual("global_cmvn.json", c.CmvnFile);
        CollectionAssert.AreEqual(new[] { 15, 15, 15, 7, 7, 7 }, c.ConvKernelPerBlock());
    }

    [TestMethod]
    public void ReadsTheConformerFixtureYamlWithFlowMapping()
    {
        var c = EncoderConfig.FromWeNetYaml(TestSupport.TestData("wenet", "conformer-small", "config.yaml"));
        Assert.AreEqual("conformer", c.EncoderType);
        Assert.AreEqual(4, c.NumBlocks);
        Assert.AreEqual("batch_norm", c.CnnModuleNorm);
        Assert.AreEqual(0, c.StrideLayerIdx.Length);
        Assert.AreEqual(0, c.GroupLayerIdx.Length);
    }

    private static string WriteYaml(string text)
    {
        string path = Path.Combine(TestSupport.TempDir("qieemo-yaml"), "train.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private const string Base = "input_dim: 80\nencoder: conformer\nencoder_conf:\n  output_size: 64\n  attention_heads: 4\n  num_blocks: 2\n";

    [TestMethod]
    public void CausalIsRejectedWithTheFileName()
    {
        string path = WriteYaml(Base + "  causal: true\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => EncoderConfig.FromWeNetYaml(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "causal");
        Assert.ThrowsExactly<NotSupportedException>(() => new EncoderConfig { Causal = true }.Validate());
    }

    [TestMethod]
    public void UnknownKeyIsRejectedWithFileAndLine()
    {
        string path = WriteYaml(Base + "  fancy_new_option: 3\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => EncoderConfig.FromWeNetYaml(path));
        StringAssert.Contains(e.Message, $"{path}:7:");
        StringAssert.Contains(e.Message, "fancy_new_option");
    }

    [TestMethod]
    public void NeutralNewerKeysAreAcceptedOnlyAtTheirDefault()
    {
        Assert.AreEqual(2, EncoderConfig.FromWeNetYaml(WriteYaml(Base + "  use_sdpa: false\n  key_bias: true\n")).NumBlocks);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => EncoderConfig.FromWeNetYaml(WriteYaml(Base + "  key_bias: false\n")));
        StringAssert.Contains(e.Message, "key_bias");
    }

    [TestMethod]
    public void ScalarEfficientIndicesAndMissingFilesAreHandled()
    {
        var c = EncoderConfig.FromWeNetYaml(WriteYaml(
            "input_dim: 80\nencoder: efficientConformer\nencoder_conf:\n  output_size: 64\n  num_blocks: 4\n  cnn_module_kernel: 15\n" +
            "  efficient_conf:\n    stride_layer_idx: 1\n    stride: 2\n    group_layer_idx: 0\n"));
        CollectionAssert.AreEqual(new[] { 1 }, c.StrideLayerIdx);
        CollectionAssert.AreEqual(new[] { 0 }, c.GroupLayerIdx);
        Assert.IsFalse(c.UseGlobalCmvn);
        Assert.ThrowsExactly<FileNotFoundException>(() => EncoderConfig.FromWeNetYaml("/nonexistent/train.yaml"));
    }

    [TestMethod]
    public void InvalidStructuresAreRejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new EncoderConfig { OutputSize = 66, AttentionHeads = 4 }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => new EncoderConfig { EncoderType = "efficientConformer", StrideLayerIdx = new[] { 1 }, Stride = Array.Empty<int>() }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => new EncoderConfig { StrideLayerIdx = new[] { 1 }, Stride = new[] { 2 } }.Validate());
        // 9 // 2 = 4: an even kernel after the stride block cannot be centred.
        Assert.ThrowsExactly<ArgumentException>(() => new EncoderConfig { EncoderType = "efficientConformer", CnnModuleKernel = 9, StrideLayerIdx = new[] { 1 }, Stride = new[] { 2 } }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => EncoderConfig.Preset("huge"));
        foreach (var name in EncoderConfig.PresetNames) EncoderConfig.Preset(name).Validate();
    }
}
