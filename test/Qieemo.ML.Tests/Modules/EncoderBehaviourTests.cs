using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Modules;

/// <summary>Training-mode behaviour of the tiny preset: dropout only in training, gradients reach the weights.</summary>
[TestClass]
public sealed class EncoderBehaviourTests
{
    private static (Tensor Feats, Tensor Lengths) Batch()
    {
        var g = new Generator(7);
        return (randn(new long[] { 2, 61, 80 }, generator: g), tensor(new long[] { 61, 40 }));
    }

    [TestMethod]
    public void DropoutIsActiveOnlyInTraining()
    {
        manual_seed(1);
        using var encoder = new ConformerEncoder(EncoderConfig.Preset("tiny"));
        var (feats, lengths) = Batch();
        using var _ = no_grad();
        encoder.eval();
        using (var a = encoder.call(feats, lengths))
        using (var b = encoder.call(feats, lengths))
            Assert.AreEqual(0f, (a.Output - b.Output).abs().max().item<float>());
        encoder.train();
        using (var a = encoder.call(feats, lengths))
        using (var b = encoder.call(feats, lengths))
            Assert.IsTrue((a.Output - b.Output).abs().max().item<float>() > 1e-3f, "training-mode passes should differ (dropout)");
    }

    [TestMethod]
    public void OutputShapesLengthsAndGradients()
    {
        manual_seed(2);
        using var encoder = new ConformerEncoder(EncoderConfig.Preset("tiny"));
        encoder.train();
        var (feats, lengths) = Batch();
        using var result = encoder.call(feats, lengths);
        // 61 frames: conv2d → ((61-1)/2-1)/2 = 14 frames; stride-2 block 2 → 7 frames.
        CollectionAssert.AreEqual(new long[] { 2, 14, 64 }, result.Embed.shape);
        CollectionAssert.AreEqual(new long[] { 2, 14, 64 }, result.Blocks[1].shape);
        CollectionAssert.AreEqual(new long[] { 2, 7, 64 }, result.Blocks[2].shape);
        CollectionAssert.AreEqual(new long[] { 2, 7, 64 }, result.Output.shape);
        // valid: 40 frames → (39/2-1)/2 = 9 → ceil(9/2) = 5
        CollectionAssert.AreEqual(new long[] { 14, 9 }, result.EmbedLengths.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 7, 5 }, result.OutputLengths.data<long>().ToArray());
        Assert.AreEqual(8, encoder.TotalSubsampling);

        result.Output.pow(2).mean().backward();
        var noGrad = encoder.named_parameters()
            .Where(p => p.parameter.grad is null || p.parameter.grad.abs().sum().item<float>() == 0f)
            .Select(p => p.name).ToList();
        // WeNet's StrideConformerEncoderLayer.concat_linear is never used in forward.
        CollectionAssert.AreEquivalent(new[] { "encoders.2.concat_linear.weight", "encoders.2.concat_linear.bias" }, noGrad);
    }

    [TestMethod]
    public void Conv2d2FrontEndAndTwoStrideLayers()
    {
        // efficient-v2's structure (conv2d2, stride blocks 1 and 3, grouped attention in them) at tiny size.
        manual_seed(3);
        var config = EncoderConfig.Preset("tiny");
        config.InputLayer = "conv2d2";
        config.NumBlocks = 5;
        config.StrideLayerIdx = new[] { 1, 3 };
        config.Stride = new[] { 2, 2 };
        config.GroupLayerIdx = new[] { 1, 3 };
        config.StrideKernel = false;
        using var encoder = new ConformerEncoder(config);
        encoder.eval();
        var (feats, lengths) = Batch();
        using var _ = no_grad();
        using var result = encoder.call(feats, lengths);
        // conv2d2: (61-1)/2 = 30 frames; mask[:, :, :-2:2] → 40 valid frames → 20. Strides: 30 → 15 → 8.
        CollectionAssert.AreEqual(new long[] { 2, 30, 64 }, result.Embed.shape);
        CollectionAssert.AreEqual(new long[] { 30, 20 }, result.EmbedLengths.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 2, 15, 64 }, result.Blocks[1].shape);
        CollectionAssert.AreEqual(new long[] { 15, 10 }, result.BlockLengths[1].data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 2, 8, 64 }, result.Output.shape);
        CollectionAssert.AreEqual(new long[] { 8, 5 }, result.OutputLengths.data<long>().ToArray());
        Assert.AreEqual(8, encoder.TotalSubsampling);
        Assert.IsFalse(result.Output.isnan().any().item<bool>());
        CollectionAssert.AreEqual(new[] { 15, 15, 15, 15, 15 }, encoder.Blocks.Select(b => b.Convolution!.KernelSize).ToArray());
    }

    [TestMethod]
    public void TooShortOrTooLongLengthsAreRejected()
    {
        using var encoder = new ConformerEncoder(EncoderConfig.Preset("tiny"));
        var (feats, _) = Batch();
        Assert.ThrowsExactly<ArgumentException>(() => encoder.call(feats, tensor(new long[] { 61, 5 })));
        Assert.ThrowsExactly<ArgumentException>(() => encoder.call(feats, tensor(new long[] { 62, 40 })));
        Assert.ThrowsExactly<ArgumentException>(() => encoder.call(feats.narrow(2, 0, 40), tensor(new long[] { 61, 40 })));
    }
}
