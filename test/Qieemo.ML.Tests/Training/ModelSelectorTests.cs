using Qieemo.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Training;

[TestClass]
public sealed class ModelSelectorTests
{
    private static void Perturb(nn.Module m, float value)
    {
        using var _ = no_grad();
        foreach (var p in m.parameters()) p.fill_(value);
    }

    [TestMethod]
    public void KeepsTheBestWeightsAndStopsAfterPatience()
    {
        foreach (bool onDisk in new[] { false, true })
        {
            string dir = TestSupport.TempDir();
            try
            {
                using var model = nn.Linear(3, 2);
                using var selector = new ModelSelector(new ModelSelectorOptions
                {
                    Goal = MetricGoal.Maximize, Patience = 2,
                    BestWeightsPath = onDisk ? Path.Combine(dir, "best.ckpt") : null,
                });
                Assert.IsFalse(selector.HasBestWeights);
                var metrics = new[] { 0.50, 0.60, 0.55, double.NaN };
                for (int e = 1; e <= metrics.Length; e++)
                {
                    Perturb(model, e);
                    bool improved = selector.Update(e, metrics[e - 1], model);
                    Assert.AreEqual(e <= 2, improved, $"epoch {e}");
                    Assert.AreEqual(e == 4, selector.ShouldStop, $"epoch {e}");
                }
                Assert.AreEqual(2, selector.BestEpoch);
                Assert.AreEqual(0.60, selector.BestMetric);
                selector.RestoreBest(model);
                foreach (var p in model.parameters()) Assert.AreEqual(2f, p.min().item<float>());

                var state = new TrainingState();
                selector.SaveTo(state);
                using var resumed = new ModelSelector(selector.Options);
                resumed.RestoreFrom(state);
                Assert.AreEqual(2, resumed.EpochsWithoutImprovement);
                Assert.IsTrue(resumed.ShouldStop);
                Assert.AreEqual(onDisk, resumed.HasBestWeights);
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [TestMethod]
    public void MinimizeWithMinDelta()
    {
        using var model = nn.Linear(2, 2);
        using var s = new ModelSelector(new ModelSelectorOptions { Goal = MetricGoal.Minimize, MinDelta = 0.01 });
        Assert.IsTrue(s.Update(1, 1.0, model));
        Assert.IsFalse(s.Update(2, 0.995, model), "within MinDelta");
        Assert.IsTrue(s.Update(3, 0.98, model));
        Assert.IsFalse(s.ShouldStop, "patience 0 never stops");
        Assert.AreEqual(3, s.BestEpoch);
    }
}
