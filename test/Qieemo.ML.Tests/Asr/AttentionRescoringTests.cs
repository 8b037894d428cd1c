using Qieemo.ML.Modules.Asr;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Asr;

[TestClass]
public sealed class AttentionRescoringTests
{
    [TestMethod]
    public void TeacherForcedScoresMatchReference()
    {
        using var scope = NewDisposeScope();
        var decoder = TransformerDecoderTests.LoadFixtureDecoder();
        var memory = AsrFixture.Floats("dec_memory.npy")[0];              // utterance 0, 9 frames, no padding
        var flat = AsrFixture.Longs("dec_rescore_hyps.npy");              // padded with -1
        var hyps = Enumerable.Range(0, (int)flat.shape[0])
            .Select(i => flat[i].data<long>().ToArray().Where(x => x >= 0).Select(x => (int)x).ToArray()).ToList();
        double[] expected = AsrFixture.Doubles("dec_rescore_scores.npy");
        double[] actual = AttentionRescoring.ScoreHypotheses(decoder, memory, hyps);
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"hypothesis {i} [{string.Join(",", hyps[i])}]");
    }

    [TestMethod]
    public void PicksArgmaxOfAttentionPlusWeightedCtc()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(13);
        var decoder = new TransformerDecoder("decoder", new TransformerDecoderOptions { VocabularySize = 7, AttentionDim = 16, AttentionHeads = 2, LinearUnits = 16, NumBlocks = 1 });
        var ctc = new CtcHead("ctc", new CtcHeadOptions { InputDim = 16, VocabularySize = 7 });
        decoder.eval();
        ctc.eval();
        var x = randn(2, 10, 16);
        var lengths = tensor(new long[] { 10, 7 });
        var options = new AttentionRescoringOptions { BeamSize = 4, CtcWeight = 0.3 };
        var nbest = AttentionRescoring.Decode(ctc, decoder, x, lengths, options);
        Assert.AreEqual(2, nbest.Length);
        for (int b = 0; b < 2; b++)
        {
            var logProbs = ctc.forward(x.narrow(0, b, 1))[0];
            var beam = CtcPrefixBeamSearch.Search(logProbs, 4, length: lengths[b].item<long>());
            Assert.AreEqual(beam.Count, nbest[b].Length);
            var memory = x[b].narrow(0, 0, lengths[b].item<long>());
            double[] att = AttentionRescoring.ScoreHypotheses(decoder, memory, beam.Select(h => h.Tokens).ToList());
            int best = Enumerable.Range(0, beam.Count).OrderByDescending(i => att[i] + 0.3 * beam[i].Score).First();
            CollectionAssert.AreEqual(beam[best].Tokens, nbest[b][0].Tokens);
            foreach (var h in nbest[b])
            {
                Assert.AreEqual(h.AttentionScore + 0.3 * h.CtcScore, h.Score, 1e-12);
                Assert.IsTrue(h.AttentionScore < 0);
            }
            for (int i = 1; i < nbest[b].Length; i++) Assert.IsTrue(nbest[b][i - 1].Score >= nbest[b][i].Score);
        }
        // Scoring one hypothesis alone equals scoring it in a padded batch.
        var mem0 = x[0];
        var batch = AttentionRescoring.ScoreHypotheses(decoder, mem0, new[] { new[] { 2, 3 }, new[] { 4, 4, 5, 1, 2 }, Array.Empty<int>() });
        var alone = AttentionRescoring.ScoreHypotheses(decoder, mem0, new[] { new[] { 2, 3 } });
        Assert.AreEqual(alone[0], batch[0], 1e-5);
    }
}
