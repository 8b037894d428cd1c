using Qieemo.ML.Modules.Asr;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Asr;

[TestClass]
public sealed class HybridCtcAttentionLossTests
{
    [TestMethod]
    public void AddSosEosMatchesWeNet()
    {
        using var scope = NewDisposeScope();
        var targets = AsrFixture.Longs("hyb_targets.npy");
        var lengths = AsrFixture.Longs("hyb_target_lengths.npy");
        using var batch = AttentionTargets.AddSosEos(targets, lengths, 9, 9, -1);
        CollectionAssert.AreEqual(AsrFixture.Longs("hyb_ys_in.npy").data<long>().ToArray(), batch.Input.data<long>().ToArray());
        CollectionAssert.AreEqual(AsrFixture.Longs("hyb_ys_out.npy").data<long>().ToArray(), batch.Output.data<long>().ToArray());
        CollectionAssert.AreEqual(lengths.add(1).data<long>().ToArray(), batch.Lengths.data<long>().ToArray());
    }

    [TestMethod]
    public void MatchesReferenceLossPartsAndAccuracy()
    {
        using var scope = NewDisposeScope();
        var decoder = TransformerDecoderTests.LoadFixtureDecoder();
        var ctc = new CtcHead("ctc", new CtcHeadOptions { InputDim = 16, VocabularySize = 10 });
        ctc.load_py(AsrFixture.PathOf("hyb_ctc_state.pt"), strict: true);
        var model = new HybridCtcAttentionLoss("asr", ctc, decoder);
        model.eval();
        double[] expected = AsrFixture.Doubles("hyb_expected.npy");  // total, ctc, att, accuracy

        var memory = AsrFixture.Floats("dec_memory.npy");
        var memoryLengths = AsrFixture.Longs("dec_memory_lengths.npy");
        var targets = AsrFixture.Longs("hyb_targets.npy");
        var targetLengths = AsrFixture.Longs("hyb_target_lengths.npy");
        using var result = model.Compute(memory, memoryLengths, targets, targetLengths);
        Assert.AreEqual(expected[0], result.Loss.item<float>(), 1e-4 * expected[0], "total");
        Assert.AreEqual(expected[1], result.Ctc!.item<float>(), 1e-4 * expected[1], "ctc");
        Assert.AreEqual(expected[2], result.Attention!.item<float>(), 1e-4 * expected[2], "attention");
        Assert.AreEqual(expected[3], result.AttentionAccuracy!.Value, 1e-12, "accuracy");
        Assert.AreEqual(expected[0], model.forward(memory, memoryLengths, targets, targetLengths).item<float>(), 1e-4 * expected[0]);

        // Parameter names as in WeNet's ASRModel (without the encoder).
        var names = model.state_dict().Keys.ToList();
        CollectionAssert.Contains(names, "ctc.ctc_lo.weight");
        CollectionAssert.Contains(names, "decoder.embed.0.weight");
        CollectionAssert.Contains(names, "decoder.decoders.1.src_attn.linear_v.bias");

        // Weights 0 and 1 skip a branch.
        using var ctcOnly = new HybridCtcAttentionLoss("a", ctc, decoder, new HybridCtcAttentionLossOptions { CtcWeight = 1.0 }).Compute(memory, memoryLengths, targets, targetLengths);
        Assert.IsNull(ctcOnly.Attention);
        Assert.AreEqual(expected[1], ctcOnly.Loss.item<float>(), 1e-4 * expected[1]);
        using var attOnly = new HybridCtcAttentionLoss("a", ctc, decoder, new HybridCtcAttentionLossOptions { CtcWeight = 0.0 }).Compute(memory, memoryLengths, targets, targetLengths);
        Assert.IsNull(attOnly.Ctc);
        Assert.AreEqual(expected[2], attOnly.Loss.item<float>(), 1e-4 * expected[2]);
    }

    [TestMethod]
    public void AccuracyIgnoresPadding()
    {
        using var scope = NewDisposeScope();
        // argmax per position: 1, 2, 0 | 3, 3, 3
        var logits = tensor(new float[]
        {
            0, 5, 0, 0,  0, 0, 5, 0,  5, 0, 0, 0,
            0, 0, 0, 5,  0, 0, 0, 5,  0, 0, 0, 5,
        }, new long[] { 2, 3, 4 });
        var targets = tensor(new long[] { 1, 1, 0, 3, -1, -1 }, new long[] { 2, 3 });
        Assert.AreEqual(3.0 / 4.0, AttentionDecoderLoss.Accuracy(logits, targets, -1), 1e-15);
    }
}
