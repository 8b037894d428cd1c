using System.Collections;
using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Modules;

[TestClass]
public sealed class CheckpointErrorTests
{
    [TestMethod]
    public void MissingAndUnexpectedKeysAreListed()
    {
        var fx = new WeNetFixture("efficient-conformer-v1-small");
        string dir = TestSupport.TempDir("qieemo-wenet-keys");
        try
        {
            var sd = WeNetCheckpoint.ReadStateDict(fx.StateDict);
            var table = new Hashtable();
            foreach (var (k, v) in sd)
                if (k != "encoder.encoders.3.conv_module.depthwise_conv.bias") table[k] = v;
            table["encoder.encoders.3.conv_module.extra_gate.weight"] = zeros(4);
            table["decoder.embed.0.weight"] = zeros(4);   // non-encoder keys of an ASR checkpoint are ignored
            string broken = Path.Combine(dir, "broken.pt");
            using (var s = File.Create(broken)) PyTorchPickler.PickleStateDict(s, table, false);

            var e = Assert.ThrowsExactly<InvalidDataException>(() => WeNetCheckpoint.LoadEncoder(broken, fx.Yaml));
            StringAssert.Contains(e.Message, broken);
            StringAssert.Contains(e.Message, "missing keys (1): encoder.encoders.3.conv_module.depthwise_conv.bias");
            StringAssert.Contains(e.Message, "unexpected keys (1): encoder.encoders.3.conv_module.extra_gate.weight");
            Assert.IsFalse(e.Message.Contains("decoder."), e.Message);
            foreach (var v in sd.Values) v.Dispose();
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void ShapeMismatchIsReported()
    {
        // The conformer fixture's checkpoint (linear_units 256) into the same network with linear_units 128.
        var fx = new WeNetFixture("conformer-small");
        var config = EncoderConfig.FromWeNetYaml(fx.Yaml);
        config.LinearUnits = 128;
        using var encoder = new ConformerEncoder(config);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeNetCheckpoint.LoadStateDict(encoder, fx.StateDict));
        StringAssert.Contains(e.Message, "encoder.encoders.0.feed_forward.w_1.weight: checkpoint [256, 64] vs encoder [128, 64]");
    }

    [TestMethod]
    public void NonCheckpointFilesAreRejectedWithTheirName()
    {
        string dir = TestSupport.TempDir("qieemo-wenet-bad");
        try
        {
            string bad = Path.Combine(dir, "not-a-checkpoint.pt");
            File.WriteAllText(bad, "this is not a zip file");
            var e = Assert.ThrowsExactly<InvalidDataException>(() => WeNetCheckpoint.ReadStateDict(bad));
            StringAssert.Contains(e.Message, bad);
            Assert.ThrowsExactly<FileNotFoundException>(() => WeNetCheckpoint.ReadStateDict(Path.Combine(dir, "missing.pt")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void CmvnJsonErrorsNameTheFile()
    {
        string dir = TestSupport.TempDir("qieemo-cmvn");
        try
        {
            string bad = Path.Combine(dir, "global_cmvn.json");
            File.WriteAllText(bad, "{\"mean_stat\": [1, 2], \"var_stat\": [1], \"frame_num\": 3}");
            var fx = new WeNetFixture("conformer-small");
            var e = Assert.ThrowsExactly<InvalidDataException>(() => WeNetCheckpoint.LoadEncoder(fx.StateDict, fx.Yaml, bad));
            StringAssert.Contains(e.Message, bad);
        }
        finally { Directory.Delete(dir, true); }
    }
}
