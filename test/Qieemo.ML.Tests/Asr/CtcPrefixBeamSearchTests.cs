using Qieemo.ML.Modules.Asr;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Asr;

[TestClass]
public sealed class CtcPrefixBeamSearchTests
{
    [TestMethod]
    public void UnprunedScoresAreExactCtcLikelihoodsAndSumToOne()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(21);
        int t = 6, v = 4;
        var logProbs = (randn(t, v) * 1.5).log_softmax(-1);
        // Beam 10000 exceeds the number of prefixes (<= 1 + 3 + ... + 3^6): nothing is pruned.
        var hyps = CtcPrefixBeamSearch.Search(logProbs, beamSize: 10000);
        Assert.AreEqual(Enumerable.Range(0, t + 1).Sum(k => (int)Math.Pow(v - 1, k)), hyps.Count, "every label sequence of length <= T");

        // The label sequences partition the alignments: their probabilities add up to the total mass of
        // all paths, prod_t sum_v p(v | t) (1 up to the float32 rounding of the log-softmax rows).
        double total = hyps.Sum(h => Math.Exp(h.Score));
        float[] lp = logProbs.data<float>().ToArray();
        double mass = 1;
        for (int f = 0; f < t; f++) mass *= Enumerable.Range(0, v).Sum(k => Math.Exp(lp[f * v + k]));
        Assert.AreEqual(mass, total, 1e-12);
        Assert.AreEqual(1.0, total, 1e-5);

        // Each score equals -ctc_loss of that sequence (libtorch's CTC, checked against torch 1.13 in CtcHeadTests).
        var batched = logProbs.unsqueeze(0);                  // [1, T, V]
        var len = tensor(new long[] { t });
        // (The 200 best are all feasible: infeasible sequences score -inf and sort last.)
        foreach (var h in hyps.Where(h => h.Tokens.Length > 0).Take(200))
        {
            var loss = CtcHead.LossFromLogProbs(batched, len, tensor(h.Tokens.Select(x => (long)x).ToArray()).unsqueeze(0),
                tensor(new long[] { h.Tokens.Length }), reduction: nn.Reduction.None);
            double expected = -loss.to(ScalarType.Float64).item<double>();
            Assert.AreEqual(expected, h.Score, 1e-4 * Math.Max(1, Math.Abs(expected)), $"[{string.Join(",", h.Tokens)}]");
        }
        // Sorted best first.
        for (int i = 1; i < hyps.Count; i++) Assert.IsTrue(hyps[i - 1].Score >= hyps[i].Score);
    }

    [TestMethod]
    public void FindsThePrefixThatGreedyMisses()
    {
        // Two frames, p(blank) = 0.6, p(a) = 0.4: greedy says "" (0.36), but "a" has 0.4*0.6*2 + 0.4*0.4 = 0.64.
        float[] probs = { 0.6f, 0.4f, 0.6f, 0.4f };
        var logProbs = tensor(probs.Select(p => MathF.Log(p)).ToArray(), new long[] { 2, 2 });
        CollectionAssert.AreEqual(Array.Empty<int>(), CtcHead.GreedyDecodeLogProbs(logProbs.unsqueeze(0), tensor(new long[] { 2 }))[0]);
        var hyps = CtcPrefixBeamSearch.Search(logProbs, beamSize: 2);
        CollectionAssert.AreEqual(new[] { 1 }, hyps[0].Tokens);
        Assert.AreEqual(Math.Log(0.64), hyps[0].Score, 1e-6);
        CollectionAssert.AreEqual(Array.Empty<int>(), hyps[1].Tokens);
        Assert.AreEqual(Math.Log(0.36), hyps[1].Score, 1e-6);
    }

    [TestMethod]
    public void RespectsLengthAndBeam()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(4);
        var logProbs = randn(9, 5).log_softmax(-1);
        var full = CtcPrefixBeamSearch.Search(logProbs, 3);
        Assert.AreEqual(3, full.Count);
        var cut = CtcPrefixBeamSearch.Search(logProbs, 3, length: 4);
        var explicitCut = CtcPrefixBeamSearch.Search(logProbs.narrow(0, 0, 4), 3);
        Assert.AreEqual(explicitCut.Count, cut.Count);
        for (int i = 0; i < cut.Count; i++)
        {
            CollectionAssert.AreEqual(explicitCut[i].Tokens, cut[i].Tokens);
            Assert.AreEqual(explicitCut[i].Score, cut[i].Score, 0.0);
        }
        Assert.ThrowsExactly<ArgumentException>(() => CtcPrefixBeamSearch.Search(logProbs, 0));
    }
}
