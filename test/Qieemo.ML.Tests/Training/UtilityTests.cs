using Qieemo.ML.Training;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Training;

[TestClass]
public sealed class UtilityTests
{
    [TestMethod]
    public void DerivedSeedsAreStableAndDistinct()
    {
        var seeds = new HashSet<int>();
        for (int epoch = 0; epoch < 200; epoch++)
        for (int stream = 0; stream < 3; stream++)
        {
            int s = Determinism.DeriveSeed(777, epoch, stream);
            Assert.IsTrue(s >= 0);
            Assert.AreEqual(s, Determinism.DeriveSeed(777, epoch, stream));
            seeds.Add(s);
        }
        Assert.AreEqual(600, seeds.Count);
        Assert.AreNotEqual(Determinism.DeriveSeed(1, 1), Determinism.DeriveSeed(2, 1));
    }

    [TestMethod]
    public void SeedMakesTorchRandomnessRepeatable()
    {
        Determinism.SeedEpoch(5, 3);
        var a = randn(100);
        var d1 = nn.functional.dropout(ones(100), 0.5, training: true);
        Determinism.SeedEpoch(5, 3);
        var b = randn(100);
        var d2 = nn.functional.dropout(ones(100), 0.5, training: true);
        Assert.IsTrue(a.equal(b).all().item<bool>());
        Assert.IsTrue(d1.equal(d2).all().item<bool>());
        Determinism.SeedEpoch(5, 4);
        Assert.IsFalse(randn(100).equal(a).all().item<bool>());
    }

    [TestMethod]
    public void RssIsPlausibleAndGrowsWithAllocatedMemory()
    {
        long before = ProcessMemory.RssBytes();
        Assert.IsTrue(before > 20L << 20 && before < 64L << 30, $"RSS {before} bytes");
        if (OperatingSystem.IsLinux())
        {
            // Cross-check against /proc/self/statm (resident pages × page size), an independent source.
            var statm = File.ReadAllText("/proc/self/statm").Split(' ');
            long statmRss = long.Parse(statm[1]) * Environment.SystemPageSize;
            Assert.AreEqual(statmRss, before, 64L << 20);
        }
        using var big = ones(64L << 18);    // 64 MiB of float32, touched by the fill
        long after = ProcessMemory.RssBytes();
        Assert.IsTrue(after - before > 48L << 20, $"RSS grew by {(after - before) >> 20} MiB after a 64 MiB tensor");
    }

    [TestMethod]
    public void EtaIsTheMovingAverageOfRecentSteps()
    {
        var eta = new EtaEstimator(window: 4);
        Assert.IsNull(eta.Estimate(10));
        foreach (var s in new[] { 10.0, 1, 1, 2, 2 }) eta.Record(TimeSpan.FromSeconds(s));
        Assert.AreEqual(1.5, eta.AverageStepTime!.Value.TotalSeconds, 1e-9, "the slow first step left the window");
        Assert.AreEqual(15.0, eta.Estimate(10)!.Value.TotalSeconds, 1e-9);
        eta.Start();
        Thread.Sleep(20);
        eta.Tick();
        Assert.IsTrue(eta.Elapsed >= TimeSpan.FromMilliseconds(15));
        var p = new TrainingProgress(TrainingStage.Training, 1, 10, 5, 100, 0.7, 1e-3, eta.Elapsed, eta.Estimate(95), "ok");
        Assert.AreEqual(TrainingStage.Training, p.Stage);
    }
}
