using Qieemo.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Training;

[TestClass]
public sealed class GradientTests
{
    private static Sequential Mlp() => nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 3));

    private static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var _ = no_grad();
        foreach (var (a, b) in from.parameters().Zip(to.parameters())) b.copy_(a);
    }

    [TestMethod]
    public void TwoHalfBatchesAccumulatedEqualOneFullBatch()
    {
        Determinism.Seed(10);
        using var full = Mlp();
        using var accum = Mlp();
        CopyWeights(full, accum);
        var x = randn(8, 6);
        var y = randint(0, 3, new long[] { 8 });

        nn.functional.cross_entropy(full.call(x), y).backward();
        foreach (var half in new[] { (0, 4), (4, 8) })
        {
            using var loss = nn.functional.cross_entropy(accum.call(x.narrow(0, half.Item1, half.Item2 - half.Item1)), y.narrow(0, half.Item1, half.Item2 - half.Item1));
            using var scaled = GradientUtilities.ScaleForAccumulation(loss, 2);
            scaled.backward();
        }
        var gradsFull = full.parameters().Select(p => p.grad!).ToArray();
        var gradsAcc = accum.parameters().Select(p => p.grad!).ToArray();
        for (int i = 0; i < gradsFull.Length; i++)
        {
            Assert.IsTrue(gradsFull[i].abs().max().item<float>() > 1e-3f, "non-trivial gradient");
            Assert.IsTrue((gradsFull[i] - gradsAcc[i]).abs().max().item<float>() < 1e-6f, $"gradient {i}");
        }
    }

    [TestMethod]
    public void AccumulatorUpdateEqualsFullBatchUpdate()
    {
        Determinism.Seed(11);
        using var full = Mlp();
        using var accum = Mlp();
        CopyWeights(full, accum);
        var x = randn(10, 6);
        var y = randint(0, 3, new long[] { 10 });
        using var optFull = OptimizerFactory.Create(new OptimizerSettings { LearningRate = 0.05 }, full.parameters());
        using var optAcc = OptimizerFactory.Create(new OptimizerSettings { LearningRate = 0.05 }, accum.parameters());
        var schedFull = new LearningRateScheduler(optFull, new WarmupLR(3));
        var schedAcc = new LearningRateScheduler(optAcc, new WarmupLR(3));
        var stepFull = new GradientAccumulator(optFull, full.parameters(), 1, clipNorm: 1.0, schedFull);
        var stepAcc = new GradientAccumulator(optAcc, accum.parameters(), 2, clipNorm: 1.0, schedAcc);
        for (int round = 0; round < 3; round++)
        {
            var o1 = stepFull.Backward(nn.functional.cross_entropy(full.call(x), y));
            var a1 = stepAcc.Backward(nn.functional.cross_entropy(accum.call(x.narrow(0, 0, 5)), y.narrow(0, 0, 5)));
            var a2 = stepAcc.Backward(nn.functional.cross_entropy(accum.call(x.narrow(0, 5, 5)), y.narrow(0, 5, 5)));
            Assert.IsTrue(o1.Updated && !a1.UpdateAttempted && a2.Updated);
            Assert.AreEqual(o1.GradNorm, a2.GradNorm, 1e-5 * o1.GradNorm);
        }
        Assert.AreEqual(3, stepAcc.Updates);
        Assert.AreEqual(3, schedAcc.StepCount);
        foreach (var (a, b) in full.parameters().Zip(accum.parameters()))
            Assert.IsTrue((a - b).abs().max().item<float>() < 1e-6f);
    }

    [TestMethod]
    public void ClippingBoundsTheNormAndReturnsThePreClipNorm()
    {
        Determinism.Seed(12);
        using var m = Mlp();
        (m.call(randn(16, 6)) * 100).pow(2).sum().backward();
        var ps = m.parameters().ToArray();
        double manual = Math.Sqrt(ps.Sum(p => p.grad!.to_type(ScalarType.Float64).pow(2).sum().item<double>()));
        Assert.AreEqual(manual, GradientUtilities.GradNorm(ps), manual * 1e-9);
        Assert.IsTrue(manual > 10, $"test needs a large gradient, got {manual}");
        double returned = GradientUtilities.ClipGradNorm(ps, 1.0);
        Assert.AreEqual(manual, returned, manual * 1e-5);
        double clipped = GradientUtilities.GradNorm(ps);
        Assert.IsTrue(clipped <= 1.0 + 1e-5 && clipped > 0.99, $"norm after clipping {clipped}");
    }

    [TestMethod]
    public void NonFiniteGradientSkipsTheUpdateAndCountsIt()
    {
        Determinism.Seed(13);
        using var m = Mlp();
        using var opt = OptimizerFactory.Create(new OptimizerSettings { LearningRate = 0.1 }, m.parameters());
        var sched = new LearningRateScheduler(opt, new ConstantSchedule());
        var acc = new GradientAccumulator(opt, m.parameters(), 1, clipNorm: 5, sched);
        var before = m.parameters().Select(p => p.detach().clone()).ToArray();
        var outcome = acc.Backward(m.call(randn(4, 6)).sum() * float.NaN);
        Assert.IsTrue(outcome.UpdateAttempted && outcome.Skipped && !outcome.Updated);
        Assert.IsTrue(double.IsNaN(outcome.GradNorm));
        Assert.AreEqual(1, acc.SkippedUpdates);
        Assert.AreEqual(1, acc.Updates);
        Assert.AreEqual(1, sched.StepCount, "WeNet steps the scheduler even when the update is skipped");
        foreach (var (a, b) in m.parameters().Zip(before)) Assert.IsTrue(a.detach().equal(b).all().item<bool>(), "parameters must be untouched");
        foreach (var p in m.parameters()) Assert.AreEqual(0f, p.grad!.abs().sum().item<float>(), "gradients zeroed after the skip");
        // A finite step afterwards works normally (no NaN leaked into Adam's moments).
        var ok = acc.Backward(m.call(randn(4, 6)).pow(2).mean());
        Assert.IsTrue(ok.Updated);
        foreach (var p in m.parameters()) Assert.IsTrue(isfinite(p).all().item<bool>());
    }
}
