using Qieemo.ML.Modules.Asr;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Asr;

[TestClass]
public sealed class LabelSmoothingLossTests
{
    [TestMethod]
    public void MatchesWeNetFormulaFixture()
    {
        using var scope = NewDisposeScope();
        var logits = AsrFixture.Floats("ls_logits.npy");    // [3, 7, 11]
        var targets = AsrFixture.Longs("ls_targets.npy");   // padded with -1
        double[] expected = AsrFixture.Doubles("ls_expected.npy");
        int v = (int)logits.shape[2];
        var byBatch = new LabelSmoothingLoss("ls", v, -1, 0.1, normalizeLength: false).forward(logits, targets).item<float>();
        var byTokens = new LabelSmoothingLoss("ls", v, -1, 0.1, normalizeLength: true).forward(logits, targets).item<float>();
        Assert.AreEqual(expected[0], byBatch, 1e-5 * expected[0]);
        Assert.AreEqual(expected[1], byTokens, 1e-5 * expected[1]);
    }

    [TestMethod]
    public void PaddedPositionsAreIgnoredAndNoSmoothingIsCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var logits = AsrFixture.Floats("ls_logits.npy");
        var targets = AsrFixture.Longs("ls_targets.npy");
        int v = (int)logits.shape[2];
        var loss = new LabelSmoothingLoss("ls", v, -1, 0.1);
        float reference = loss.forward(logits, targets).item<float>();
        // Changing logits where the target is padding changes nothing.
        var noisy = where(targets.eq(-1).unsqueeze(2).expand_as(logits), randn_like(logits) * 5, logits);
        Assert.AreEqual(reference, loss.forward(noisy, targets).item<float>(), 0f);
        // smoothing 0: the KL divergence to a one-hot is the cross-entropy (sum / B).
        var ce = nn.functional.cross_entropy(logits.reshape(-1, v), targets.reshape(-1), ignore_index: -1, reduction: nn.Reduction.Sum).item<float>() / logits.shape[0];
        Assert.AreEqual(ce, new LabelSmoothingLoss("ls0", v, -1, 0.0).forward(logits, targets).item<float>(), 1e-5 * ce);
    }
}
