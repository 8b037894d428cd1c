using Qieemo.ML.Modules.Emotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Emotion;

[TestClass]
public sealed class FrameRateAlignerTests
{
    [TestMethod]
    public void AveragePoolAveragesValidFramesOfEachWindow()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        long[] lengths = { 9, 4, 1 };
        var x = randn(3, 9, 2);
        var (y, l) = FrameRateAligner.Align(x, tensor(lengths), 5, FrameRateAlignment.AveragePool);
        CollectionAssert.AreEqual(new long[] { 3, 5, 2 }, y.shape);
        CollectionAssert.AreEqual(new long[] { 5, 2, 1 }, l.data<long>().ToArray());
        var xs = x.data<float>().ToArray();
        var ys = y.data<float>().ToArray();
        for (int b = 0; b < 3; b++)
            for (int i = 0; i < 5; i++)
                for (int c = 0; c < 2; c++)
                {
                    double sum = 0; int count = 0;
                    for (long f = 2 * i; f < Math.Min(2 * i + 2, lengths[b]); f++) { sum += xs[(b * 9 + f) * 2 + c]; count++; }
                    double expected = count == 0 ? 0 : sum / count;   // the 9th frame alone forms the last window
                    Assert.AreEqual(expected, ys[(b * 5 + i) * 2 + c], 1e-6, $"b={b} i={i} c={c}");
                }
    }

    [TestMethod]
    public void StridedPickKeepsEveryRthFrame()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var x = randn(2, 8, 3);
        var (y, l) = FrameRateAligner.Align(x, tensor(new long[] { 8, 5 }), 4, FrameRateAlignment.StridedPick);
        CollectionAssert.AreEqual(new long[] { 4, 3 }, l.data<long>().ToArray());
        for (int i = 0; i < 4; i++)
        {
            Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(y[0, i], x[0, 2 * i]));
            if (i < 3) Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(y[1, i], x[1, 2 * i]));
            else Assert.AreEqual(0f, y[1, i].abs().max().item<float>(), "padded output frame is zero");
        }
    }

    [TestMethod]
    public void SameRateOnlyZeroesPadding()
    {
        using var scope = NewDisposeScope();
        var x = ones(2, 3, 2);
        var (y, l) = FrameRateAligner.Align(x, tensor(new long[] { 3, 2 }), 3, FrameRateAlignment.AveragePool);
        CollectionAssert.AreEqual(new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, y.data<float>().ToArray());
        CollectionAssert.AreEqual(new long[] { 3, 2 }, l.data<long>().ToArray());
    }
}
