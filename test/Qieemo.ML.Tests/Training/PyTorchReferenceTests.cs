using System.Text.Json;
using Qieemo.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Training;

/// <summary>
/// The whole update rule (two Adam parameter groups with their own rates and weight decay,
/// WeNet's WarmupLR, accumulation, clipping) against a PyTorch run of the same MLP
/// (test/reference/training_make_fixtures.py).
/// </summary>
[TestClass]
public sealed class PyTorchReferenceTests
{
    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    [TestMethod]
    public void AdamGroupsWarmupAccumulationAndClippingMatchPyTorch()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestSupport.TestData("training", "adam_warmup_reference.json")));
        var r = doc.RootElement;
        int accum = r.GetProperty("accum_grad").GetInt32();
        double clip = r.GetProperty("clip").GetDouble(), baseLr = r.GetProperty("base_lr").GetDouble();
        float lossScale = (float)r.GetProperty("loss_scale").GetDouble();
        var mult = r.GetProperty("group_multipliers").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var wd = r.GetProperty("group_weight_decay").EnumerateArray().Select(v => v.GetDouble()).ToArray();

        var model = nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 3));
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                p.copy_(tensor(Floats(r.GetProperty("initial").GetProperty(name))).reshape(p.shape));
        var x = tensor(Floats(r.GetProperty("x"))).reshape(16, 6);
        var y = tensor(r.GetProperty("y").EnumerateArray().Select(v => v.GetInt64()).ToArray());

        var named = model.named_parameters().ToArray();
        var groups = new[]
        {
            new ParameterGroupSpec("first", named.Where(p => p.name.StartsWith("0.")).Select(p => p.parameter), mult[0], wd[0]),
            new ParameterGroupSpec("second", named.Where(p => p.name.StartsWith("2.")).Select(p => p.parameter), mult[1], wd[1]),
        };
        using var optimizer = OptimizerFactory.Create(new OptimizerSettings { LearningRate = baseLr }, groups);
        var scheduler = new LearningRateScheduler(optimizer, new WarmupLR(r.GetProperty("warmup").GetInt64()));
        var accumulator = new GradientAccumulator(optimizer, model.parameters(), accum, clip, scheduler);

        var norms = r.GetProperty("grad_norms").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var lrs = r.GetProperty("learning_rates").EnumerateArray().Select(g => g.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var losses = r.GetProperty("losses").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        int update = 0, i = 0;
        foreach (var rowsElement in r.GetProperty("micro_batches").EnumerateArray())
        {
            var rows = tensor(rowsElement.EnumerateArray().Select(v => v.GetInt64()).ToArray());
            var loss = nn.functional.cross_entropy(model.call(x.index_select(0, rows)), y.index_select(0, rows)) * lossScale;
            Assert.AreEqual(losses[i], loss.item<float>(), 2e-5, $"loss of micro-batch {i}");
            var lrBefore = scheduler.CurrentLearningRates.ToArray();
            var outcome = accumulator.Backward(loss);
            if (outcome.UpdateAttempted)
            {
                for (int g = 0; g < 2; g++) Assert.AreEqual(lrs[update][g], lrBefore[g], 1e-12, $"lr of group {g} at update {update}");
                Assert.AreEqual(norms[update], outcome.GradNorm, 1e-5 * norms[update], $"grad norm at update {update}");
                Assert.IsTrue(outcome.Updated);
                update++;
            }
            i++;
        }
        Assert.AreEqual(norms.Length, update);
        Assert.AreEqual(norms.Length, scheduler.StepCount);
        foreach (var (name, p) in model.named_parameters())
        {
            var expected = Floats(r.GetProperty("final").GetProperty(name));
            var actual = p.detach().data<float>().ToArray();
            for (int k = 0; k < expected.Length; k++) Assert.AreEqual(expected[k], actual[k], 2e-6, $"{name}[{k}]");
        }
        // The trajectory moved the weights well beyond the tolerance.
        var initial = Floats(r.GetProperty("initial").GetProperty("2.weight"));
        Assert.IsTrue(initial.Zip(Floats(r.GetProperty("final").GetProperty("2.weight"))).Max(t => Math.Abs(t.First - t.Second)) > 0.05);
    }
}
