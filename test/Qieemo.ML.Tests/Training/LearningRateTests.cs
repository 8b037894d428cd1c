using Qieemo.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Training;

[TestClass]
public sealed class LearningRateTests
{
    // WeNet wenet/utils/scheduler.py WarmupLR.get_lr, written out:
    //   step_num = last_epoch + 1
    //   lr = base_lr * warmup_steps ** 0.5 * min(step_num ** -0.5, step_num * warmup_steps ** -1.5)
    private static double WeNetWarmupLr(double baseLr, double warmup, double stepNum) =>
        baseLr * Math.Pow(warmup, 0.5) * Math.Min(Math.Pow(stepNum, -0.5), stepNum * Math.Pow(warmup, -1.5));

    [TestMethod]
    public void WarmupLRMatchesWeNetsFormula()
    {
        var s = new WarmupLR(25000);
        foreach (long step in new long[] { 1, 2, 100, 12345, 24999, 25000, 25001, 50000, 400000 })
            Assert.AreEqual(WeNetWarmupLr(0.002, 25000, step), 0.002 * s.Factor(step), 1e-15, $"step {step}");
        Assert.AreEqual(1.0, s.Factor(25000), 1e-12, "peak at warmup");
        Assert.AreEqual(1.0 / 25000, s.Factor(1), 1e-15, "linear warmup from 1/warmup");
        Assert.AreEqual(0.5, s.Factor(100000), 1e-12, "1/sqrt decay: 4× warmup → half");
        Assert.AreEqual(Math.Pow(9, -0.5), new WarmupLR(0).Factor(9), 1e-15);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s.Factor(0));
    }

    [TestMethod]
    public void WarmupCosineAndLinear()
    {
        var cos = new WarmupDecaySchedule(DecayShape.Cosine, 100, 1100, 0.1);
        var lin = new WarmupDecaySchedule(DecayShape.Linear, 100, 1100, 0.0);
        Assert.AreEqual(0.01, cos.Factor(1), 1e-15);
        Assert.AreEqual(0.5, lin.Factor(50), 1e-15);
        Assert.AreEqual(1.0, cos.Factor(100), 1e-15);
        // Half-way through the decay: cosine at 0.5 → 0.1 + 0.9·0.5; linear 0.5.
        Assert.AreEqual(0.55, cos.Factor(600), 1e-12);
        Assert.AreEqual(0.5, lin.Factor(600), 1e-12);
        // A quarter: cosine 0.5·(1+cos(π/4)).
        Assert.AreEqual(0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI / 4)), cos.Factor(350), 1e-12);
        Assert.AreEqual(0.1, cos.Factor(1100), 1e-12);
        Assert.AreEqual(0.1, cos.Factor(5000), 1e-12, "stays at the final ratio");
        Assert.AreEqual(0.0, lin.Factor(1100), 1e-12);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new WarmupDecaySchedule(DecayShape.Linear, 100, 100));
        Assert.IsInstanceOfType<WarmupDecaySchedule>(new LearningRateScheduleOptions { Kind = ScheduleKind.WarmupCosine, WarmupSteps = 10, TotalSteps = 20 }.Create());
    }

    private sealed class TwoPart : nn.Module
    {
        public readonly Linear Encoder = nn.Linear(4, 4);
        public readonly Linear Head = nn.Linear(4, 2);
        public TwoPart() : base(nameof(TwoPart))
        {
            RegisterComponents();
        }
    }

    [TestMethod]
    public void ParameterGroupsGetTheirOwnRatesAndAdamUsesThem()
    {
        Determinism.Seed(3);
        using var model = new TwoPart();
        var groups = ParameterGroupSpec.ByPrefix(model, new[] { ("encoder", "Encoder.", 0.1) }, restName: "head");
        Assert.AreEqual(2, groups.Count);
        Assert.AreEqual(2, groups[0].Parameters.Count);
        Assert.AreEqual("head", groups[1].Name);
        using var opt = OptimizerFactory.Create(new OptimizerSettings { LearningRate = 0.01 }, groups);
        var sched = new LearningRateScheduler(opt, new WarmupLR(10));
        CollectionAssert.AreEqual(new[] { 0.001, 0.01 }, sched.BaseLearningRates.ToArray());
        var lrs = sched.CurrentLearningRates;
        Assert.AreEqual(WeNetWarmupLr(0.001, 10, 1), lrs[0], 1e-15);
        Assert.AreEqual(WeNetWarmupLr(0.01, 10, 1), lrs[1], 1e-15);
        for (int i = 0; i < 4; i++) sched.Step();
        Assert.AreEqual(4, sched.StepCount);
        Assert.AreEqual(WeNetWarmupLr(0.001, 10, 5), sched.CurrentLearningRates[0], 1e-15);
        Assert.AreEqual(WeNetWarmupLr(0.01, 10, 5), sched.CurrentLearningRates[1], 1e-15);

        // Adam's first update moves each weight by lr·g/(|g|+ε) ≈ ±lr: the per-group rate is really used.
        var before = model.parameters().Select(p => p.detach().clone()).ToArray();
        var x = randn(8, 4);
        model.Head.call(model.Encoder.call(x)).pow(2).sum().backward();
        opt.step();
        var after = model.parameters().ToArray();
        double lrEnc = sched.CurrentLearningRates[0], lrHead = sched.CurrentLearningRates[1];
        for (int i = 0; i < after.Length; i++)
        {
            double expected = i < 2 ? lrEnc : lrHead;
            var delta = (after[i].detach() - before[i]).abs();
            Assert.AreEqual(expected, delta.max().item<float>(), expected * 1e-3, $"parameter {i}");
            Assert.AreEqual(expected, delta.min().item<float>(), expected * 1e-2, $"parameter {i}");
        }
        sched.SetStepCount(9);
        Assert.AreEqual(0.01, sched.CurrentLearningRates[1], 1e-15, "peak at step_num = warmup");
    }

    [TestMethod]
    public void FactoryRejectsOverlappingOrEmptyGroupsAndBuildsAdamW()
    {
        using var model = new TwoPart();
        var all = model.parameters().ToArray();
        Assert.ThrowsExactly<ArgumentException>(() => OptimizerFactory.Create(new OptimizerSettings(),
            new[] { new ParameterGroupSpec("a", all), new ParameterGroupSpec("b", all.Take(1)) }));
        Assert.ThrowsExactly<ArgumentException>(() => ParameterGroupSpec.ByPrefix(model, new[] { ("x", "Decoder.", 1.0) }));
        using var adamw = OptimizerFactory.Create(new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.01 }, all);
        Assert.IsInstanceOfType<AdamW>(adamw);
        Assert.ThrowsExactly<ArgumentException>(() => OptimizerFactory.Create(new OptimizerSettings { LearningRate = 0 }, all));
    }
}
