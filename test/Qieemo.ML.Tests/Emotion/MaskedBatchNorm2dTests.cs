using Qieemo.ML.Modules.Emotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Emotion;

/// <summary>Masked BatchNorm against libtorch's own BatchNorm2d (the independent reference).</summary>
[TestClass]
public sealed class MaskedBatchNorm2dTests
{
    [TestMethod]
    public void WithoutPaddingEqualsTorchBatchNorm2d()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = randn(3, 4, 7, 5) * 2 + 1;
        var mine = new MaskedBatchNorm2d(4);
        var reference = nn.BatchNorm2d(4);
        mine.train();
        reference.train();
        for (int step = 0; step < 2; step++)
        {
            var y1 = mine.forward(x, tensor(new long[] { 7, 7, 7 }));
            var y2 = reference.forward(x);
            Assert.IsTrue(EncoderBlocks.MaxAbsDiff(y1, y2) < 1e-5, "train output");
        }
        var state = mine.state_dict();
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(state["running_mean"], reference.running_mean!) < 1e-6);
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(state["running_var"], reference.running_var!) < 1e-6);
        Assert.AreEqual(2L, state["num_batches_tracked"].item<long>());
        mine.eval();
        reference.eval();
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(mine.forward(x, tensor(new long[] { 7, 7, 7 })), reference.forward(x)) < 1e-5, "eval output");
    }

    [TestMethod]
    public void WithPaddingEqualsTorchBatchNorm2dOverValidFramesOnly()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        long[] lengths = { 7, 3, 5 };
        var x = randn(3, 4, 7, 5) * 3 - 2;
        var mine = new MaskedBatchNorm2d(4);
        var reference = nn.BatchNorm2d(4);
        var y = mine.forward(x, tensor(lengths));
        // Valid frames of all utterances side by side along time: [1, C, sum(L), F].
        var valid = cat(lengths.Select((l, b) => x.narrow(0, b, 1).narrow(2, 0, l)).ToArray(), 2);
        var yRef = reference.forward(valid);
        var yValid = cat(lengths.Select((l, b) => y.narrow(0, b, 1).narrow(2, 0, l)).ToArray(), 2);
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(yValid, yRef) < 1e-5);
        var state = mine.state_dict();
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(state["running_mean"], reference.running_mean!) < 1e-6);
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(state["running_var"], reference.running_var!) < 1e-6);
    }
}
