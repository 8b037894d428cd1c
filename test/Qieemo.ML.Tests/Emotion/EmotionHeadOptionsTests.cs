using System.Text.Json;
using Qieemo.ML.Modules.Emotion;

namespace Qieemo.ML.Tests.Emotion;

[TestClass]
public sealed class EmotionHeadOptionsTests
{
    [TestMethod]
    public void RoundTripsThroughJsonWithEnumNames()
    {
        var o = new EmotionHeadOptions
        {
            NumBlocks = 8,
            InputDim = 144,
            FusedBlocks = new[] { 3, 5, 7 },
            PpgBlock = 6,
            UseCma = false,
            Mmf = new MultimodalFusionOptions
            {
                BlockWeightMode = BlockWeightMode.Raw,
                InitialBlockWeights = new[] { 0.5f, 1f, 2f },
                LearnableBlockWeights = false,
                FrameRateAlignment = FrameRateAlignment.StridedPick,
                ConvLayers = new() { new Conv2dLayerOptions { Channels = 8, KernelTime = 5, StrideTime = 3, StrideFeature = 2 } },
                OutputKernel = 1,
                BatchNorm = false,
                EmotionDim = 64,
            },
            Cma = new CrossModalAttentionOptions { AttentionDim = 96, Heads = 4, ProjectionBias = true },
            ClassifierHidden = 32,
            Dropout = 0.25,
            NumClasses = 6,
        };
        string json = o.ToJson();
        StringAssert.Contains(json, "\"StridedPick\"");
        StringAssert.Contains(json, "\"Raw\"");
        var back = EmotionHeadOptions.FromJson(json);
        Assert.AreEqual(json, back.ToJson());
        Assert.AreEqual(FrameRateAlignment.StridedPick, back.Mmf.FrameRateAlignment);
        CollectionAssert.AreEqual(new[] { 3, 5, 7 }, back.FusedBlocks);
        Assert.AreEqual(5, back.Mmf.ConvLayers[0].KernelTime);
        Assert.AreEqual(1, back.Mmf.ConvLayers.Count, "the default conv layer is not duplicated on read");

        // A head built from the round-tripped options has the same parameters.
        var a = new EmotionHead(o).named_parameters().Select(p => $"{p.name}:{string.Join("x", p.parameter.shape)}").ToArray();
        var b = new EmotionHead(back).named_parameters().Select(p => $"{p.name}:{string.Join("x", p.parameter.shape)}").ToArray();
        CollectionAssert.AreEqual(a, b);
    }

    [TestMethod]
    public void DefaultsRoundTrip()
    {
        var json = new EmotionHeadOptions().ToJson();
        var back = EmotionHeadOptions.FromJson(json);
        Assert.AreEqual(1, back.Mmf.ConvLayers.Count);
        Assert.AreEqual(BlockWeightMode.Softmax, back.Mmf.BlockWeightMode);
        Assert.IsNull(back.FusedBlocks);
        Assert.AreEqual(json, back.ToJson());
    }

    [TestMethod]
    public void InvalidOptionsNameTheSetting()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new EmotionHeadOptions { FusedBlocks = new[] { 3, 12 } }.Validate());
        StringAssert.Contains(ex.Message, "FusedBlocks");
        ex = Assert.ThrowsExactly<ArgumentException>(() => new EmotionHeadOptions { Cma = new CrossModalAttentionOptions { Heads = 3 } }.Validate());
        StringAssert.Contains(ex.Message, "Heads");
        ex = Assert.ThrowsExactly<ArgumentException>(() => new EmotionHeadOptions { Mmf = new MultimodalFusionOptions { ConvLayers = new() { new Conv2dLayerOptions { KernelTime = 4 } } } }.Validate());
        StringAssert.Contains(ex.Message, "ConvLayers[0].KernelTime");
        ex = Assert.ThrowsExactly<ArgumentException>(() => new EmotionHeadOptions { PpgBlock = 12 }.Validate());
        StringAssert.Contains(ex.Message, "PpgBlock");
        // Fused-block checks do not apply to the no-MMF ablation.
        new EmotionHeadOptions { UseMmf = false, FusedBlocks = new[] { 40 } }.Validate();
    }

    [TestMethod]
    public void BadJsonThrowsInvalidDataNamingTheSource()
    {
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => EmotionHeadOptions.FromJson("{\n \"NumBlocks\": \"twelve\"\n}", "model.zip:head.json"));
        StringAssert.Contains(ex.Message, "model.zip:head.json");
        StringAssert.Contains(ex.Message, "line 2");
        ex = Assert.ThrowsExactly<InvalidDataException>(() => EmotionHeadOptions.FromJson("{ \"Mmf\": { \"BlockWeightMode\": \"Cubic\" } }", "h.json"));
        StringAssert.Contains(ex.Message, "h.json");
        ex = Assert.ThrowsExactly<InvalidDataException>(() => EmotionHeadOptions.FromJson("{ \"NumClasses\": 1 }", "h.json"));
        StringAssert.Contains(ex.Message, "NumClasses");
    }
}
