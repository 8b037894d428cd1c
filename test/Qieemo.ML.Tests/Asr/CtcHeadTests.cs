using Qieemo.ML.Modules.Asr;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Asr;

[TestClass]
public sealed class CtcHeadTests
{
    private static CtcHead LoadFixtureHead()
    {
        var weight = AsrFixture.Floats("ctc_weight.npy");   // [V, D]
        var bias = AsrFixture.Floats("ctc_bias.npy");
        var head = new CtcHead("ctc", new CtcHeadOptions { InputDim = (int)weight.shape[1], VocabularySize = (int)weight.shape[0] });
        var sd = head.state_dict();
        using (no_grad())
        {
            sd["ctc_lo.weight"].copy_(weight);
            sd["ctc_lo.bias"].copy_(bias);
        }
        return head;
    }

    [TestMethod]
    public void LossMatchesTorchCtcLossFixture()
    {
        using var scope = NewDisposeScope();
        var head = LoadFixtureHead();
        var x = AsrFixture.Floats("ctc_encoder_out.npy");
        var lengths = AsrFixture.Longs("ctc_encoder_lengths.npy");
        var targets = AsrFixture.Longs("ctc_targets.npy");           // padded with -1
        var targetLengths = AsrFixture.Longs("ctc_target_lengths.npy");
        long b = x.shape[0];

        // Log-probs of the head equal torch's log_softmax(x W^T + b).
        AsrFixture.AssertClose(AsrFixture.Values(AsrFixture.Floats("ctc_log_probs.npy")), AsrFixture.Values(head.forward(x)), 1e-5, "log-probs");

        double expectedSum = AsrFixture.Doubles("ctc_loss_sum.npy")[0];
        var loss = head.Loss(x, lengths, targets, targetLengths);
        Assert.AreEqual(0, loss.dim());
        Assert.AreEqual(expectedSum / b, loss.item<float>(), 1e-4 * expectedSum / b, "loss = sum / B");

        // Per utterance (reduction None) incl. the infeasible one zeroed by zero_infinity.
        var perUtt = CtcHead.LossFromLogProbs(head.forward(x), lengths, targets, targetLengths, reduction: nn.Reduction.None);
        double[] expected = AsrFixture.Doubles("ctc_loss_none.npy");
        float[] actual = AsrFixture.Values(perUtt);
        for (int i = 0; i < b; i++) Assert.AreEqual(expected[i], actual[i], 1e-4 * Math.Max(expected[i], 1), $"utterance {i}");
        Assert.AreEqual(0.0, expected[^1], "fixture: last utterance is infeasible");
        Assert.IsTrue(double.IsPositiveInfinity(AsrFixture.Doubles("ctc_loss_none_inf.npy")[^1]));
    }

    [TestMethod]
    public void GradientMatchesTorchFixture()
    {
        using var scope = NewDisposeScope();
        var head = LoadFixtureHead();
        var x = AsrFixture.Floats("ctc_encoder_out.npy").requires_grad_(true);
        var loss = head.Loss(x, AsrFixture.Longs("ctc_encoder_lengths.npy"), AsrFixture.Longs("ctc_targets.npy"), AsrFixture.Longs("ctc_target_lengths.npy"));
        loss.backward();
        float[] expected = AsrFixture.Values(AsrFixture.Floats("ctc_grad_encoder_out.npy"));
        float[] actual = AsrFixture.Values(x.grad!);
        double maxAbs = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-4 * maxAbs, $"grad[{i}]");
        // Padded frames and the infeasible utterance get no gradient.
        Assert.AreEqual(0f, AsrFixture.Values(x.grad![3]).Max(Math.Abs));
        Assert.AreEqual(0f, AsrFixture.Values(x.grad![2].narrow(0, 12, 8)).Max(Math.Abs));
    }

    [TestMethod]
    public void GreedyDecodeCollapsesRepeatsDropsBlanksAndRespectsLengths()
    {
        using var scope = NewDisposeScope();
        // Hand-made per-frame argmax paths (blank = 0), one-hot-ish log-probs.
        int[][] paths =
        {
            new[] { 0, 2, 2, 0, 2, 3, 3, 3, 0, 0, 4, 1 },
            new[] { 3, 0, 0, 3, 3, 2, 0, 4, 4, 4, 4, 4 },  // length 7: the trailing 4s are padding
            new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
        };
        long[] lengths = { 12, 7, 12 };
        int v = 5, t = 12;
        var scores = new float[paths.Length * t * v];
        var rng = new Random(3);
        for (int b = 0; b < paths.Length; b++)
            for (int f = 0; f < t; f++)
                for (int k = 0; k < v; k++)
                    scores[(b * t + f) * v + k] = k == paths[b][f] ? 2.0f : (float)rng.NextDouble();
        var logProbs = tensor(scores, new long[] { paths.Length, t, v }).log_softmax(-1);
        var decoded = CtcHead.GreedyDecodeLogProbs(logProbs, tensor(lengths));
        CollectionAssert.AreEqual(new[] { 2, 2, 3, 4, 1 }, decoded[0]);
        CollectionAssert.AreEqual(new[] { 3, 3, 2 }, decoded[1]);
        CollectionAssert.AreEqual(Array.Empty<int>(), decoded[2]);

        // A non-zero blank id.
        var decodedBlank3 = CtcHead.GreedyDecodeLogProbs(logProbs, tensor(lengths), blankId: 3);
        CollectionAssert.AreEqual(new[] { 0, 2, 0, 2, 0, 4, 1 }, decodedBlank3[0]);
    }

    [TestMethod]
    public void RejectsBadShapes()
    {
        using var scope = NewDisposeScope();
        var head = new CtcHead("ctc", new CtcHeadOptions { InputDim = 4, VocabularySize = 5 });
        Assert.ThrowsExactly<ArgumentException>(() => head.forward(zeros(2, 3, 5)));
        Assert.ThrowsExactly<ArgumentException>(() => head.Loss(zeros(2, 3, 4), tensor(new long[] { 3, 4 }), zeros(2, 2, ScalarType.Int64), tensor(new long[] { 1, 1 })));
        Assert.ThrowsExactly<ArgumentException>(() => head.Loss(zeros(2, 3, 4), tensor(new long[] { 3, 3 }), zeros(2, 2, ScalarType.Int64), tensor(new long[] { 1 })));
    }
}
