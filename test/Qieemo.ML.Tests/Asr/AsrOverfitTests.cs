using Qieemo.ML.Modules.Asr;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Asr;

/// <summary>A real training loop on a fixed random "encoder output": the heads must memorise the targets.</summary>
[TestClass]
public sealed class AsrOverfitTests
{
    [TestMethod]
    public void CtcAttentionTrainingReproducesTargets()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(2024);
        const int v = 8, d = 32;   // 0 blank, 1 unk, 2..6 characters, 7 sos/eos
        int[][] targets = { new[] { 2, 3, 4, 3 }, new[] { 5, 5, 6 }, new[] { 6, 2 }, new[] { 4, 4, 4 } };
        long[] frames = { 12, 10, 9, 7 };
        var encoderOut = randn(4, 12, d);
        var encoderLengths = tensor(frames);
        var padded = full(4, 4, -1L, dtype: ScalarType.Int64);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < targets[i].Length; j++) padded[i, j] = tensor((long)targets[i][j]);
        var targetLengths = tensor(targets.Select(t => (long)t.Length).ToArray());

        var ctc = new CtcHead("ctc", new CtcHeadOptions { InputDim = d, VocabularySize = v });
        var decoder = new TransformerDecoder("decoder", new TransformerDecoderOptions
        {
            VocabularySize = v, AttentionDim = d, AttentionHeads = 4, LinearUnits = 64, NumBlocks = 2,
        });
        var model = new HybridCtcAttentionLoss("asr", ctc, decoder, new HybridCtcAttentionLossOptions { CtcWeight = 0.3 });
        var optimizer = optim.Adam(model.parameters(), lr: 5e-3);
        model.train();
        double first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            using var result = model.Compute(encoderOut, encoderLengths, padded, targetLengths);
            result.Loss.backward();
            optimizer.step();
            if (step == 0) first = result.Loss.item<float>();
            last = result.Loss.item<float>();
        }
        model.eval();
        Assert.IsTrue(last < first / 5, $"loss {first} -> {last}");

        using (var final = model.Compute(encoderOut, encoderLengths, padded, targetLengths))
            Assert.AreEqual(1.0, final.AttentionAccuracy!.Value, "teacher-forced decoder accuracy");

        var greedy = ctc.GreedyDecode(encoderOut, encoderLengths);
        var rescored = AttentionRescoring.DecodeBest(ctc, decoder, encoderOut, encoderLengths, new AttentionRescoringOptions { BeamSize = 4 });
        // CTC weight 0: the decoder alone must pick the target out of the CTC n-best.
        var attentionOnly = AttentionRescoring.DecodeBest(ctc, decoder, encoderOut, encoderLengths, new AttentionRescoringOptions { BeamSize = 4, CtcWeight = 0 });
        for (int i = 0; i < 4; i++)
        {
            CollectionAssert.AreEqual(targets[i], greedy[i], $"CTC greedy, utterance {i}: [{string.Join(",", greedy[i])}]");
            CollectionAssert.AreEqual(targets[i], rescored[i], $"attention rescoring, utterance {i}: [{string.Join(",", rescored[i])}]");
            CollectionAssert.AreEqual(targets[i], attentionOnly[i], $"attention-only rescoring, utterance {i}: [{string.Join(",", attentionOnly[i])}]");
        }
    }
}
