using Qieemo.ML.Modules.Emotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Emotion;

[TestClass]
public sealed class BlockProbeHeadTests
{
    [TestMethod]
    public void PoolsValidFramesOfTheProbedBlockThenTwoLinearLayers()
    {
        using var scope = NewDisposeScope();
        manual_seed(41);
        var probe = new BlockProbeHead(new BlockProbeOptions { Block = 9, InputDim = 6, NumClasses = 4 });
        using var data = EncoderBlocks.Random(42, new long[] { 7, 3, 5 }, 12, 6, halfRateFrom: 4);
        var logits = probe.ForwardBlocks(data.Blocks, data.Lengths);
        CollectionAssert.AreEqual(new long[] { 3, 4 }, logits.shape);
        var p = probe.state_dict();
        for (int b = 0; b < 3; b++)
        {
            long l = data.Lengths[9][b].item<long>();
            var mean = data.Blocks[9][b].narrow(0, 0, l).mean(new long[] { 0 });
            var h = nn.functional.relu(nn.functional.linear(mean, p["classifier.hidden.weight"], p["classifier.hidden.bias"]));
            var expected = nn.functional.linear(h, p["classifier.output.weight"], p["classifier.output.bias"]);
            Assert.IsTrue(EncoderBlocks.MaxAbsDiff(expected, logits[b]) < 1e-5, $"utterance {b}");
        }
        using var other = data.WithNewPadding(3);
        Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(logits, probe.ForwardBlocks(other.Blocks, other.Lengths)));
        CollectionAssert.AreEqual(new long[] { 256, 6 }, p["classifier.hidden.weight"].shape);
    }
}
