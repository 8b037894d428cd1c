using Qieemo.ML.Modules.Asr;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Asr;

[TestClass]
public sealed class TransformerDecoderTests
{
    /// <summary>The fixture's decoder: V=10, D=16, 4 heads, 32 units, 2 blocks, weights from torch.save.</summary>
    internal static TransformerDecoder LoadFixtureDecoder()
    {
        var decoder = new TransformerDecoder("decoder", new TransformerDecoderOptions
        {
            VocabularySize = 10, AttentionDim = 16, AttentionHeads = 4, LinearUnits = 32, NumBlocks = 2,
        });
        decoder.load_py(AsrFixture.PathOf("dec_state.pt"), strict: true);
        decoder.eval();
        return decoder;
    }

    [TestMethod]
    public void ParameterNamesFollowWeNet()
    {
        var decoder = new TransformerDecoder("decoder", new TransformerDecoderOptions { VocabularySize = 10, AttentionDim = 16, AttentionHeads = 4, LinearUnits = 32, NumBlocks = 2 });
        var names = decoder.state_dict().Keys.ToHashSet();
        foreach (string n in new[] { "embed.0.weight", "after_norm.weight", "after_norm.bias", "output_layer.weight", "output_layer.bias",
                     "decoders.1.self_attn.linear_q.weight", "decoders.1.src_attn.linear_out.bias", "decoders.0.feed_forward.w_1.weight",
                     "decoders.0.feed_forward.w_2.bias", "decoders.0.norm1.weight", "decoders.0.norm3.bias" })
            Assert.IsTrue(names.Contains(n), $"missing {n}; have {string.Join(", ", names)}");
        Assert.IsFalse(names.Any(n => n.Contains("pe")), "the positional table is not persistent (as in WeNet)");
        // 2 blocks x (2 x 4 linears x 2 + 2 ffn x 2 + 3 norms x 2) + embed + after_norm x 2 + output x 2.
        Assert.AreEqual(2 * (16 + 4 + 6) + 1 + 2 + 2, names.Count);
    }

    [TestMethod]
    public void MatchesPlainTorchReferenceDecoder()
    {
        using var scope = NewDisposeScope();
        var decoder = LoadFixtureDecoder();
        var logits = decoder.forward(AsrFixture.Floats("dec_memory.npy"), AsrFixture.Longs("dec_memory_lengths.npy"),
            AsrFixture.Longs("dec_ys_in.npy"), AsrFixture.Longs("dec_ys_in_lengths.npy"));
        CollectionAssert.AreEqual(new long[] { 3, 5, 10 }, logits.shape);
        AsrFixture.AssertClose(AsrFixture.Values(AsrFixture.Floats("dec_logits.npy")), AsrFixture.Values(logits), 1e-4, "logits", floor: 1e-2);
    }

    [TestMethod]
    public void OutputShapeAndCausalMasking()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        var decoder = new TransformerDecoder("decoder", new TransformerDecoderOptions { VocabularySize = 12, AttentionDim = 24, AttentionHeads = 3, LinearUnits = 40, NumBlocks = 3 });
        decoder.eval();
        var memory = randn(2, 11, 24);
        var memoryLengths = tensor(new long[] { 11, 8 });
        var ys = randint(0, 12, new long[] { 2, 7 });
        var ysLengths = tensor(new long[] { 7, 7 });
        var logits = decoder.forward(memory, memoryLengths, ys, ysLengths);
        CollectionAssert.AreEqual(new long[] { 2, 7, 12 }, logits.shape);

        for (int k = 1; k < 7; k++)
        {
            var changed = ys.clone();
            changed[TensorIndex.Colon, TensorIndex.Single(k)] = changed[TensorIndex.Colon, TensorIndex.Single(k)].add(1).remainder(12);
            var other = decoder.forward(memory, memoryLengths, changed, ysLengths);
            // Earlier positions do not see token k ...
            Assert.AreEqual(0f, (logits.narrow(1, 0, k) - other.narrow(1, 0, k)).abs().max().item<float>(), 1e-6f, $"position < {k} changed");
            // ... position k does.
            Assert.IsTrue((logits.narrow(1, k, 1) - other.narrow(1, k, 1)).abs().max().item<float>() > 1e-4f, $"position {k} unchanged");
        }
    }

    [TestMethod]
    public void PaddedEncoderFramesAndPaddedTargetsDoNotAffectOutputs()
    {
        using var scope = NewDisposeScope();
        var decoder = LoadFixtureDecoder();
        var memory = AsrFixture.Floats("dec_memory.npy");
        var memoryLengths = AsrFixture.Longs("dec_memory_lengths.npy");   // [9, 6, 4]
        var ys = AsrFixture.Longs("dec_ys_in.npy");
        var ysLengths = AsrFixture.Longs("dec_ys_in_lengths.npy");        // [5, 3, 1]
        var reference = decoder.forward(memory, memoryLengths, ys, ysLengths);

        torch.manual_seed(9);
        var padFrames = AsrMasks.LengthMask(memoryLengths, memory.shape[1]).logical_not().unsqueeze(2).expand_as(memory);
        var noisyMemory = where(padFrames, randn_like(memory) * 10, memory);
        Assert.IsTrue((noisyMemory - memory).abs().sum().item<float>() > 1, "padding was changed");
        var withNoisyMemory = decoder.forward(noisyMemory, memoryLengths, ys, ysLengths);
        Assert.AreEqual(0f, (withNoisyMemory - reference).abs().max().item<float>(), 1e-6f);

        // Changing target padding changes nothing at the valid positions.
        var padTokens = AsrMasks.LengthMask(ysLengths, ys.shape[1]).logical_not();
        var noisyYs = where(padTokens, randint(0, 10, ys.shape, dtype: ScalarType.Int64), ys);
        var withNoisyYs = decoder.forward(memory, memoryLengths, noisyYs, ysLengths);
        var valid = AsrMasks.LengthMask(ysLengths, ys.shape[1]).unsqueeze(2).expand_as(reference);
        Assert.AreEqual(0f, (withNoisyYs - reference).masked_fill(valid.logical_not(), 0).abs().max().item<float>(), 1e-6f);

        // Trimming the batch to one utterance without padding gives the same outputs.
        var single = decoder.forward(memory.narrow(0, 1, 1).narrow(1, 0, 6), tensor(new long[] { 6 }), ys.narrow(0, 1, 1).narrow(1, 0, 3), tensor(new long[] { 3 }));
        Assert.AreEqual(0f, (single[0] - reference[1].narrow(0, 0, 3)).abs().max().item<float>(), 1e-5f);
    }

    [TestMethod]
    public void RejectsBadInputs()
    {
        using var scope = NewDisposeScope();
        var decoder = new TransformerDecoder("decoder", new TransformerDecoderOptions { VocabularySize = 6, AttentionDim = 8, AttentionHeads = 2, LinearUnits = 8, NumBlocks = 1 });
        Assert.ThrowsExactly<ArgumentException>(() => decoder.forward(zeros(2, 5, 6), tensor(new long[] { 5, 5 }), zeros(2, 3, ScalarType.Int64), tensor(new long[] { 3, 3 })));
        Assert.ThrowsExactly<ArgumentException>(() => decoder.forward(zeros(2, 5, 8), tensor(new long[] { 5, 6 }), zeros(2, 3, ScalarType.Int64), tensor(new long[] { 3, 3 })));
        Assert.ThrowsExactly<ArgumentException>(() => new TransformerDecoder("d", new TransformerDecoderOptions { VocabularySize = 6, AttentionDim = 10, AttentionHeads = 4 }));
    }
}
