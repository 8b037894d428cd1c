using Qieemo.ML.Modules.Emotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Emotion;

[TestClass]
public sealed class MultimodalFusionTests
{
    private static MultimodalFusionOptions Small(bool learnable = true, BlockWeightMode mode = BlockWeightMode.Softmax, float[]? init = null) => new()
    {
        LearnableBlockWeights = learnable,
        BlockWeightMode = mode,
        InitialBlockWeights = init,
        ConvLayers = new(),
        EmotionDim = 6,
    };

    private static MultimodalFusionOptions SmallWithConv(bool learnable = true, BlockWeightMode mode = BlockWeightMode.Softmax, float[]? init = null)
    {
        var o = Small(learnable, mode, init);
        o.ConvLayers = new() { new Conv2dLayerOptions { Channels = 4, StrideTime = 2 } };
        return o;
    }

    [TestMethod]
    public void FrozenBlockWeightsStayWhileConvWeightsLearn()
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var init = new[] { 0.5f, 1.5f, -2f };
        var mmf = new MultimodalFusion(3, 8, SmallWithConv(learnable: false, mode: BlockWeightMode.Raw, init: init));
        Assert.IsFalse(mmf.BlockWeightsLearnable);
        Assert.IsFalse(mmf.named_parameters().Any(p => p.name == "block_weights"), "frozen weights are not handed to optimizers");
        Assert.IsTrue(mmf.state_dict().ContainsKey("block_weights"), "frozen weights are still saved");
        using var data = EncoderBlocks.Random(1, new long[] { 10, 7 }, 3, 8);
        var conv0 = mmf.state_dict()["convs.0.weight"].clone();

        var opt = optim.Adam(mmf.parameters(), lr: 0.01);
        opt.zero_grad();
        var (e, _) = mmf.forward(data.Blocks, data.Lengths);
        e.square().mean().backward();
        opt.step();

        CollectionAssert.AreEqual(init, mmf.BlockWeights);
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(conv0, mmf.state_dict()["convs.0.weight"]) > 1e-4, "conv weights were updated");
    }

    [TestMethod]
    public void LearnableBlockWeightsReceiveGradientsAndMove()
    {
        using var scope = NewDisposeScope();
        manual_seed(22);
        var mmf = new MultimodalFusion(3, 8, SmallWithConv());
        Assert.IsTrue(mmf.BlockWeightsLearnable);
        var param = mmf.named_parameters().Single(p => p.name == "block_weights").parameter;
        using var data = EncoderBlocks.Random(2, new long[] { 10, 7 }, 3, 8);
        var before = mmf.BlockWeights;
        var opt = optim.Adam(mmf.parameters(), lr: 0.05);
        var (e, _) = mmf.forward(data.Blocks, data.Lengths);
        (e * randn_like(e)).sum().backward();
        Assert.IsNotNull(param.grad);
        Assert.IsTrue(param.grad!.abs().sum().item<float>() > 0, "gradient reaches the block weights");
        opt.step();
        var after = mmf.BlockWeights;
        Assert.IsTrue(before.Zip(after).Any(p => Math.Abs(p.First - p.Second) > 1e-4), "weights moved");
        Assert.AreEqual(1.0, after.Sum(), 1e-5, "softmax weights still sum to one");
    }

    [TestMethod]
    public void BlockWeightModesReportTheMultipliersInUse()
    {
        var soft = new MultimodalFusion(3, 4, Small(init: new[] { 1f, 2f, 5f }));
        CollectionAssert.AreEqual(new[] { 0.125f, 0.25f, 0.625f }, soft.BlockWeights.Select(w => MathF.Round(w, 6)).ToArray());
        var uniform = new MultimodalFusion(4, 4, Small());
        CollectionAssert.AreEqual(new[] { 0.25f, 0.25f, 0.25f, 0.25f }, uniform.BlockWeights.Select(w => MathF.Round(w, 6)).ToArray());
        var raw = new MultimodalFusion(2, 4, Small(mode: BlockWeightMode.Raw));
        CollectionAssert.AreEqual(new[] { 1f, 1f }, raw.BlockWeights);
        Assert.ThrowsExactly<ArgumentException>(() => new MultimodalFusion(2, 4, Small(init: new[] { 1f, 0f })));
        Assert.ThrowsExactly<ArgumentException>(() => new MultimodalFusion(2, 4, Small(init: new[] { 1f, 2f, 3f })));
    }

    /// <summary>
    /// Batched, padded, mixed-rate MMF (eval mode) against a per-utterance reference built from
    /// torch.nn.functional ops on the unpadded utterance with the module's own parameters.
    /// </summary>
    [TestMethod]
    public void BatchedMixedRateOutputEqualsPerUtteranceReference()
    {
        using var scope = NewDisposeScope();
        manual_seed(23);
        long[] lengths = { 13, 6, 9 };
        const int n = 4, d = 8;
        var mmf = new MultimodalFusion(n, d, SmallWithConv(mode: BlockWeightMode.Raw, init: new[] { 0.7f, -1.2f, 2f, 0.3f }));
        using var data = EncoderBlocks.Random(3, lengths, n, d, halfRateFrom: 2);  // blocks 0,1 at T=13, 2,3 at 7
        mmf.train();
        for (int i = 0; i < 3; i++) mmf.forward(data.Blocks, data.Lengths);          // give BatchNorm running statistics
        mmf.eval();
        var (e, eLen) = mmf.forward(data.Blocks, data.Lengths);
        // Lowest rate T = 7 (lengths 7, 3, 5), then the stride-2 conv: ceil(/2).
        CollectionAssert.AreEqual(new long[] { 4, 2, 3 }, eLen.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 3, 4, 6 }, e.shape);
        CollectionAssert.AreEqual(new long[] { 4, 2, 3 }, mmf.OutputLengths(tensor(new[] { 7, 3, 5 })).data<long>().ToArray());

        var p = mmf.state_dict();
        var w = tensor(mmf.BlockWeights);
        for (int b = 0; b < lengths.Length; b++)
        {
            long l = lengths[b], lHalf = (l + 1) / 2;
            var chans = new List<Tensor>();
            for (int k = 0; k < n; k++)
            {
                var x = data.Blocks[k][b];
                Tensor aligned = k < 2
                    ? stack(Enumerable.Range(0, (int)lHalf).Select(i => x.narrow(0, 2 * i, Math.Min(2, l - 2 * i)).mean(new long[] { 0 })).ToArray(), 0)
                    : x.narrow(0, 0, lHalf);
                chans.Add(aligned * w[k]);
            }
            var img = stack(chans, 0).unsqueeze(0);                                          // [1, N, L, D]
            var y = nn.functional.conv2d(img, p["convs.0.weight"], null, strides: new long[] { 2, 1 }, padding: new long[] { 1, 1 });
            var c = y.shape[1];
            y = (y - p["norms.0.running_mean"].view(1, c, 1, 1)) / (p["norms.0.running_var"].view(1, c, 1, 1) + 1e-5).sqrt()
                * p["norms.0.weight"].view(1, c, 1, 1) + p["norms.0.bias"].view(1, c, 1, 1);
            y = nn.functional.relu(y);
            y = nn.functional.conv2d(y, p["output_conv.weight"], p["output_conv.bias"], padding: new long[] { 1, 1 });
            var expected = nn.functional.linear(y.squeeze(0).squeeze(0), p["projection.weight"], p["projection.bias"]); // [n_b, d_e]
            long nb = expected.shape[0];
            Assert.AreEqual(eLen[b].item<long>(), nb);
            Assert.IsTrue(EncoderBlocks.MaxAbsDiff(e[b].narrow(0, 0, nb), expected) < 1e-5, $"utterance {b}");
            if (nb < e.shape[1]) Assert.AreEqual(0f, e[b].narrow(0, nb, e.shape[1] - nb).abs().max().item<float>(), "padded E positions are zero");
        }
    }

    [TestMethod]
    public void PaddedFramesDoNotLeakInTrainingMode()
    {
        using var scope = NewDisposeScope();
        manual_seed(24);
        var mmf = new MultimodalFusion(3, 8, SmallWithConv());
        mmf.train();
        using var data = EncoderBlocks.Random(4, new long[] { 11, 4, 8 }, 3, 8, halfRateFrom: 1);
        using var other = data.WithNewPadding(99);
        var (e1, l1) = mmf.forward(data.Blocks, data.Lengths);
        var (e2, l2) = mmf.forward(other.Blocks, other.Lengths);
        Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(e1, e2));
        Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(l1, l2));
    }

    [TestMethod]
    public void RejectsBadInputs()
    {
        using var scope = NewDisposeScope();
        var mmf = new MultimodalFusion(2, 8, Small());
        using var data = EncoderBlocks.Random(5, new long[] { 5, 3 }, 3, 8);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => mmf.forward(data.Blocks, data.Lengths));
        StringAssert.Contains(ex.Message, "expects 2 blocks");
        var tooLong = new List<Tensor> { data.Lengths[0], tensor(new long[] { 9, 3 }) };
        ex = Assert.ThrowsExactly<ArgumentException>(() => mmf.forward(data.Blocks.Take(2).ToList(), tooLong));
        StringAssert.Contains(ex.Message, "block 1");
    }
}
