using Qieemo.ML.Modules.Emotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Emotion;

[TestClass]
public sealed class EmotionHeadTests
{
    public TestContext TestContext { get; set; } = null!;

    // 12 blocks like the paper's encoder, small widths to keep tests fast.
    private static EmotionHeadOptions Small(bool mmf = true, bool cma = true, double dropout = 0) => new()
    {
        NumBlocks = 12,
        InputDim = 16,
        UseMmf = mmf,
        UseCma = cma,
        Mmf = new MultimodalFusionOptions { EmotionDim = 12, ConvLayers = new() { new Conv2dLayerOptions { Channels = 4, StrideTime = 2 } } },
        Cma = new CrossModalAttentionOptions { AttentionDim = 10 },
        ClassifierHidden = 8,
        Dropout = dropout,
        NumClasses = 4,
    };

    private static readonly long[] Lengths = { 17, 9, 4, 12 };

    [TestMethod]
    public void DefaultsFuseTheLastSixBlocksAndUseTheLastAsPpg()
    {
        var o = new EmotionHeadOptions();
        CollectionAssert.AreEqual(new[] { 6, 7, 8, 9, 10, 11 }, o.ResolvedFusedBlocks);
        Assert.AreEqual(11, o.ResolvedPpgBlock);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, new EmotionHeadOptions { NumBlocks = 3 }.ResolvedFusedBlocks);
    }

    [TestMethod]
    [DataRow(true, true)]
    [DataRow(false, true)]
    [DataRow(true, false)]
    [DataRow(false, false)]
    public void PaddedFramesOfEveryBlockDoNotChangeLogits(bool mmf, bool cma)
    {
        using var scope = NewDisposeScope();
        manual_seed(31);
        var head = new EmotionHead(Small(mmf, cma));
        using var data = EncoderBlocks.Random(7, Lengths, 12, 16, halfRateFrom: 4);
        using var other = data.WithNewPadding(8);
        head.train();   // masked BatchNorm batch statistics must ignore padding too (dropout is 0 here)
        Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(head.forward(data.Blocks, data.Lengths), head.forward(other.Blocks, other.Lengths)), "train");
        head.eval();
        Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(head.forward(data.Blocks, data.Lengths), head.forward(other.Blocks, other.Lengths)), "eval");
    }

    [TestMethod]
    public void EachUtteranceAloneGivesTheSameLogitsAsInAPaddedBatch()
    {
        using var scope = NewDisposeScope();
        manual_seed(32);
        var head = new EmotionHead(Small(dropout: 0.3));
        using var data = EncoderBlocks.Random(9, Lengths, 12, 16, halfRateFrom: 4);
        head.train();
        for (int i = 0; i < 2; i++) head.forward(data.Blocks, data.Lengths);
        head.eval();
        var batched = head.forward(data.Blocks, data.Lengths);
        for (int b = 0; b < Lengths.Length; b++)
        {
            using var single = data.Single(b);
            var alone = head.forward(single.Blocks, single.Lengths);
            Assert.IsTrue(EncoderBlocks.MaxAbsDiff(alone, batched.narrow(0, b, 1)) < 1e-5, $"utterance {b}");
        }
    }

    [TestMethod]
    public void DetailedOutputHasAttentionMapsOverPpgFrames()
    {
        using var scope = NewDisposeScope();
        manual_seed(33);
        var head = new EmotionHead(Small());
        head.eval();
        using var data = EncoderBlocks.Random(10, Lengths, 12, 16, halfRateFrom: 4);
        using var o = head.ForwardDetailed(data.Blocks, data.Lengths);
        long tPpg = data.Blocks[11].shape[1];                       // 9 frames (half rate)
        long n = (tPpg + 1) / 2;                                    // MMF time stride 2
        CollectionAssert.AreEqual(new long[] { 4, 4 }, o.Logits.shape);
        CollectionAssert.AreEqual(new long[] { 4, n, 12 }, o.EmotionFeatures.shape);
        CollectionAssert.AreEqual(new long[] { 4, 1, n, tPpg }, o.QueryAttention!.shape);
        CollectionAssert.AreEqual(new long[] { 4, 1, n, tPpg }, o.OutputAttention!.shape);
        CollectionAssert.AreEqual(new long[] { 5, 3, 1, 3 }, o.EmotionLengths.data<long>().ToArray());
        // Utterance 2 has 2 valid PPG frames: no attention on the other 7.
        Assert.AreEqual(0f, o.QueryAttention[2].narrow(-1, 2, 7).abs().max().item<float>());
        // The pooled vector is the mean of O_att over the valid query positions.
        using var cmaOut = head.Attention!.forward(o.EmotionFeatures, data.Blocks[11], data.Lengths[11]);
        for (int b = 0; b < 4; b++)
        {
            long nb = o.EmotionLengths[b].item<long>();
            var expected = cmaOut[b].narrow(0, 0, nb).mean(new long[] { 0 });
            Assert.IsTrue(EncoderBlocks.MaxAbsDiff(expected, o.Pooled[b]) < 1e-6, $"pooled {b}");
        }
    }

    [TestMethod]
    public void NoCmaAblationHasNoCmaParametersAndPoolsE()
    {
        using var scope = NewDisposeScope();
        manual_seed(34);
        var head = new EmotionHead(Small(cma: false));
        head.eval();
        var names = head.named_parameters().Select(p => p.name).ToList();
        Assert.IsFalse(names.Any(s => s.StartsWith("cma.")), string.Join(", ", names));
        Assert.IsTrue(names.Any(s => s.StartsWith("mmf.")));
        Assert.IsNull(head.Attention);
        using var data = EncoderBlocks.Random(11, Lengths, 12, 16, halfRateFrom: 4);
        using var o = head.ForwardDetailed(data.Blocks, data.Lengths);
        Assert.IsNull(o.QueryAttention);
        CollectionAssert.AreEqual(new long[] { 4, 12 }, o.Pooled.shape);  // d_e, not d_att
        for (int b = 0; b < 4; b++)
        {
            long nb = o.EmotionLengths[b].item<long>();
            Assert.IsTrue(EncoderBlocks.MaxAbsDiff(o.EmotionFeatures[b].narrow(0, 0, nb).mean(new long[] { 0 }), o.Pooled[b]) < 1e-6);
        }
    }

    [TestMethod]
    public void NoMmfAblationReadsOnlyThePpgBlock()
    {
        using var scope = NewDisposeScope();
        manual_seed(35);
        var head = new EmotionHead(Small(mmf: false));
        head.eval();
        var names = head.named_parameters().Select(p => p.name).ToList();
        Assert.IsFalse(names.Any(s => s.StartsWith("mmf.")), string.Join(", ", names));
        Assert.IsTrue(names.Contains("ppg_projection.weight"));
        Assert.IsTrue(names.Any(s => s.StartsWith("cma.")));
        Assert.AreEqual(0, head.BlockWeights.Length);
        using var data = EncoderBlocks.Random(12, Lengths, 12, 16, halfRateFrom: 4);
        var logits = head.forward(data.Blocks, data.Lengths);
        // Replacing every block but the PPG changes nothing.
        using var noise = EncoderBlocks.Random(13, Lengths, 12, 16, halfRateFrom: 4);
        var mixed = noise.Blocks.Take(11).Append(data.Blocks[11]).ToList();
        Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(logits, head.forward(mixed, data.Lengths)));
        // E is the projected PPG at the PPG frame rate.
        using var o = head.ForwardDetailed(data.Blocks, data.Lengths);
        var p = head.state_dict();
        var expected = nn.functional.linear(data.Blocks[11], p["ppg_projection.weight"], p["ppg_projection.bias"]);
        CollectionAssert.AreEqual(data.Lengths[11].data<long>().ToArray(), o.EmotionLengths.data<long>().ToArray());
        for (int b = 0; b < 4; b++)
        {
            long l = data.Lengths[11][b].item<long>();
            Assert.IsTrue(EncoderBlocks.MaxAbsDiff(o.EmotionFeatures[b].narrow(0, 0, l), expected[b].narrow(0, 0, l)) < 1e-6);
        }
    }

    [TestMethod]
    public void FullHeadReadsFusedBlocksAndIgnoresTheOthers()
    {
        using var scope = NewDisposeScope();
        manual_seed(36);
        var head = new EmotionHead(Small());
        head.eval();
        CollectionAssert.AreEqual(new[] { 6, 7, 8, 9, 10, 11 }, head.FusedBlocks.ToArray());
        using var data = EncoderBlocks.Random(14, Lengths, 12, 16, halfRateFrom: 4);
        using var noise = EncoderBlocks.Random(15, Lengths, 12, 16, halfRateFrom: 4);
        var logits = head.forward(data.Blocks, data.Lengths);
        var early = data.Blocks.Select((t, k) => k < 6 ? noise.Blocks[k] : t).ToList();
        Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(logits, head.forward(early, data.Lengths)), "blocks 0-5 are not read");
        var middle = data.Blocks.Select((t, k) => k == 8 ? noise.Blocks[k] : t).ToList();
        float change = EncoderBlocks.MaxAbsDiff(logits, head.forward(middle, data.Lengths));
        TestContext.WriteLine($"max logit change when block 8 is replaced: {change:E2}");
        Assert.IsTrue(change > 0, "block 8 is fused");
        using var o1 = head.ForwardDetailed(data.Blocks, data.Lengths);
        using var o2 = head.ForwardDetailed(middle, data.Lengths);
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(o1.EmotionFeatures, o2.EmotionFeatures) > 1e-3, "block 8 changes E");
    }

    [TestMethod]
    public void ParameterCountsOfTheDefaultConfiguration()
    {
        var o = new EmotionHeadOptions();
        var head = new EmotionHead(o);
        long Count(string prefix) => head.named_parameters().Where(p => p.name.StartsWith(prefix)).Sum(p => p.parameter.numel());
        long mmf = Count("mmf."), cma = Count("cma."), cls = Count("classifier."), total = head.parameters().Sum(p => p.numel());
        TestContext.WriteLine($"EmotionHead default: MMF {mmf:N0}, CMA {cma:N0}, classifier {cls:N0}, total {total:N0} parameters");
        foreach (var (name, p) in head.named_parameters()) TestContext.WriteLine($"  {name} [{string.Join(", ", p.shape)}]");

        const long d = 256, n = 6, c = 32, de = 256, da = 256, hidden = 256, classes = 4;
        long expectedMmf = n                      // block weights
            + n * c * 3 * 3 + 2 * c               // Conv2d (no bias, BatchNorm follows) + BatchNorm affine
            + c * 3 * 3 + 1                       // Conv2d to one channel
            + d * de + de;                        // projection to d_e
        long expectedCma = 3 * da * d;            // W_Q (d_e = d here), W_K, W_V, no bias
        long expectedCls = da * hidden + hidden + hidden * classes + classes;
        Assert.AreEqual(expectedMmf, mmf);
        Assert.AreEqual(expectedCma, cma);
        Assert.AreEqual(expectedCls, cls);
        Assert.AreEqual(expectedMmf + expectedCma + expectedCls, total);

        var probe = new BlockProbeHead(new BlockProbeOptions());
        long probeCount = probe.parameters().Sum(p => p.numel());
        TestContext.WriteLine($"BlockProbeHead default: {probeCount:N0} parameters");
        Assert.AreEqual(d * 256 + 256 + 256 * classes + classes, probeCount);
    }

    [TestMethod]
    public void RejectsWrongBlockCountAndBadLengths()
    {
        using var scope = NewDisposeScope();
        var head = new EmotionHead(Small());
        using var data = EncoderBlocks.Random(16, Lengths, 11, 16);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => head.forward(data.Blocks, data.Lengths));
        StringAssert.Contains(ex.Message, "12 encoder blocks");
        using var full = EncoderBlocks.Random(16, Lengths, 12, 16);
        var lens = full.Lengths.ToList();
        lens[11] = tensor(new long[] { 17, 0, 4, 12 });
        ex = Assert.ThrowsExactly<ArgumentException>(() => head.forward(full.Blocks, lens));
        StringAssert.Contains(ex.Message, "PPG block 11");
    }
}
