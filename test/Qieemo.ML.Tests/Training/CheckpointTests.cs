using Qieemo.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Training;

[TestClass]
public sealed class CheckpointTests
{
    private static int _threads;

    [TestInitialize]
    public void SingleThread()
    {
        // Bit-identical CPU results need the same reduction order: one thread.
        _threads = get_num_threads();
        set_num_threads(1);
    }

    [TestCleanup]
    public void RestoreThreads() => set_num_threads(_threads);

    private static void AssertSameParameters(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, string what)
    {
        CollectionAssert.AreEquivalent(expected.Keys.ToArray(), actual.Keys.ToArray(), what);
        foreach (var (k, v) in expected) CollectionAssert.AreEqual(v, actual[k], $"{what}: {k}");
    }

    [TestMethod]
    public void ResumeAfterACrashGivesTheSameRunAsTrainingStraight()
    {
        string straightDir = TestSupport.TempDir(), resumeDir = TestSupport.TempDir();
        try
        {
            var straight = TinyTraining.Run(straightDir, lastEpoch: 3, seed: 21);
            var firstPart = TinyTraining.Run(resumeDir, lastEpoch: 2, seed: 21);     // then everything is disposed: the "crash"
            var warnings = new List<string>();
            var secondPart = TinyTraining.Run(resumeDir, lastEpoch: 3, seed: 21, warnings.Add);

            Assert.AreEqual(0, warnings.Count, string.Join("\n", warnings));
            Assert.AreEqual(3, straight.State.Epoch);
            Assert.IsTrue(straight.StepLosses.Count > 12, "several steps per epoch");
            CollectionAssert.AreEqual(straight.StepLosses, firstPart.StepLosses.Concat(secondPart.StepLosses).ToList(), "loss sequence");
            AssertSameParameters(straight.FinalParameters, secondPart.FinalParameters, "final parameters");
            Assert.AreEqual(straight.State.GlobalStep, secondPart.State.GlobalStep);
            Assert.AreEqual(straight.State.SchedulerStep, secondPart.State.SchedulerStep);
            CollectionAssert.AreEqual(straight.State.History.Select(h => h.Metrics["train_loss"]).ToArray(),
                secondPart.State.History.Select(h => h.Metrics["train_loss"]).ToArray(), "history survives the resume");
            // Training really changed the weights and reduced the loss.
            Assert.IsTrue(straight.State.History[2].Metrics["train_loss"] < straight.State.History[0].Metrics["train_loss"]);

            // A different seed gives a different run (the test could fail).
            var other = TinyTraining.Run(TestSupport.TempDir(), lastEpoch: 1, seed: 22);
            CollectionAssert.AreNotEqual(straight.StepLosses.Take(other.StepLosses.Count).ToList(), other.StepLosses);

            var manifest = new CheckpointManager(new CheckpointOptions { Directory = resumeDir }).ReadManifest()!;
            CollectionAssert.AreEqual(new[] { 1, 2, 3 }, manifest.Checkpoints.Select(c => c.Epoch).ToArray());
            Assert.AreEqual("epoch_003.ckpt", manifest.Checkpoints[2].File);
            Assert.AreEqual(3, manifest.History.Count);
            Assert.AreEqual(straight.State.History[1].Metrics["train_loss"], manifest.Checkpoints[1].Metrics["train_loss"]);
        }
        finally
        {
            Directory.Delete(straightDir, true);
            Directory.Delete(resumeDir, true);
        }
    }

    [TestMethod]
    public void CorruptOrTruncatedLatestCheckpointFallsBackToThePreviousEpoch()
    {
        string dir = TestSupport.TempDir();
        try
        {
            var run = TinyTraining.Run(dir, lastEpoch: 2, seed: 3);
            var manager = new CheckpointManager(new CheckpointOptions { Directory = dir });
            string latest = manager.PathFor(2);
            byte[] original = File.ReadAllBytes(latest);

            foreach (var damage in new[] { "truncated", "flipped" })
            {
                var bytes = damage == "truncated" ? original.AsSpan(0, original.Length / 2).ToArray() : (byte[])original.Clone();
                if (damage == "flipped") bytes[bytes.Length / 2] ^= 0x40;
                File.WriteAllBytes(latest, bytes);
                Assert.ThrowsExactly<InvalidDataException>(() => CheckpointFile.Validate(latest), damage);

                var warnings = new List<string>();
                var m = new CheckpointManager(new CheckpointOptions { Directory = dir, Warning = warnings.Add });
                using var model = new TinyClassifier(TinyTraining.Dim, TinyTraining.Classes);
                var state = m.TryResume(model, null);
                Assert.IsNotNull(state, damage);
                Assert.AreEqual(1, state.Epoch, damage);
                Assert.AreEqual(1, warnings.Count, damage);
                StringAssert.Contains(warnings[0], "epoch_002.ckpt");
                StringAssert.Contains(warnings[0], damage == "truncated" ? "truncated" : "SHA-256");
                AssertSameParameters(run.EpochSnapshots[0], TinyTraining.Parameters(model), damage);
            }

            // An unfinished temporary write is removed when the manager opens the folder.
            File.WriteAllBytes(Path.Combine(dir, "epoch_003.ckpt.tmp"), new byte[100]);
            var w = new List<string>();
            _ = new CheckpointManager(new CheckpointOptions { Directory = dir, Warning = w.Add });
            Assert.IsFalse(File.Exists(Path.Combine(dir, "epoch_003.ckpt.tmp")));
            Assert.AreEqual(1, w.Count);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void AverageLastIsTheMeanOfTheSavedParameters()
    {
        string dir = TestSupport.TempDir();
        try
        {
            var run = TinyTraining.Run(dir, lastEpoch: 3, seed: 8);
            var manager = new CheckpointManager(new CheckpointOptions { Directory = dir });
            using var model = new TinyClassifier(TinyTraining.Dim, TinyTraining.Classes);
            var used = manager.AverageLast(2, model);
            CollectionAssert.AreEqual(new[] { 2, 3 }, used.ToArray());
            var averaged = TinyTraining.Parameters(model);
            foreach (var (name, values) in averaged)
            {
                var e2 = run.EpochSnapshots[1][name];
                var e3 = run.EpochSnapshots[2][name];
                Assert.IsFalse(e2.SequenceEqual(e3), "epochs must differ for the test to mean anything");
                for (int i = 0; i < values.Length; i++)
                    Assert.AreEqual(((double)e2[i] + e3[i]) / 2, values[i], 1e-7, $"{name}[{i}]");
            }
            Assert.ThrowsExactly<InvalidOperationException>(() => manager.AverageLast(4, model));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void KeepLastPrunesOldCheckpointsButKeepsTheBest()
    {
        string dir = TestSupport.TempDir();
        try
        {
            var manager = new CheckpointManager(new CheckpointOptions { Directory = dir, KeepLast = 2 });
            using var model = nn.Linear(3, 2);
            var state = new TrainingState { Seed = 1 };
            for (int epoch = 1; epoch <= 5; epoch++)
            {
                state.Epoch = epoch;
                state.BestEpoch = 2;
                state.BestMetric = 0.7;
                state.History.Add(new EpochRecord { Epoch = epoch, Metrics = new() { ["dev_ua"] = epoch / 10.0 } });
                manager.Save(model, null, state);
            }
            CollectionAssert.AreEqual(new[] { 2, 4, 5 }, manager.ListEpochs().ToArray());
            var manifest = manager.ReadManifest()!;
            CollectionAssert.AreEqual(new[] { 2, 4, 5 }, manifest.Checkpoints.Select(c => c.Epoch).ToArray());
            Assert.AreEqual(2, manifest.BestEpoch);
            Assert.AreEqual(5, manifest.History.Count);
            Assert.AreEqual(0.4, manifest.Checkpoints[1].Metrics["dev_ua"], 1e-12);
            Assert.AreEqual(0, Directory.GetFiles(dir, "*.tmp").Length);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void ACheckpointOfAnotherModelIsRejectedNotSkipped()
    {
        string dir = TestSupport.TempDir();
        try
        {
            var manager = new CheckpointManager(new CheckpointOptions { Directory = dir });
            using (var small = nn.Linear(4, 2)) manager.Save(small, null, new TrainingState { Epoch = 1 });
            using var other = nn.Linear(4, 3);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => manager.TryResume(other, null));
            StringAssert.Contains(e.Message, "epoch_001.ckpt");
            StringAssert.Contains(e.Message, "Shape mismatch");
            using var renamed = nn.Sequential(("lin", nn.Linear(4, 2)));
            e = Assert.ThrowsExactly<InvalidDataException>(() => manager.LoadModel(1, renamed));
            StringAssert.Contains(e.Message, "Missing: lin.weight");
            Assert.ThrowsExactly<FileNotFoundException>(() => CheckpointFile.ReadState(Path.Combine(dir, "nope.ckpt")));
            File.WriteAllText(Path.Combine(dir, "junk.ckpt"), "this is not a checkpoint at all, just some text");
            e = Assert.ThrowsExactly<InvalidDataException>(() => CheckpointFile.Validate(Path.Combine(dir, "junk.ckpt")));
            StringAssert.Contains(e.Message, "junk.ckpt");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void OptimizerStateRoundTrips()
    {
        string dir = TestSupport.TempDir();
        try
        {
            Determinism.Seed(4);
            using var model = nn.Linear(5, 2);
            using var opt = OptimizerFactory.Create(new OptimizerSettings { LearningRate = 0.1 }, model.parameters());
            model.call(randn(3, 5)).sum().backward();
            opt.step();
            var manager = new CheckpointManager(new CheckpointOptions { Directory = dir });
            manager.Save(model, opt, new TrainingState { Epoch = 1, GlobalStep = 1 });

            using var model2 = nn.Linear(5, 2);
            using var opt2 = OptimizerFactory.Create(new OptimizerSettings { LearningRate = 0.1 }, model2.parameters());
            var state = manager.TryResume(model2, opt2)!;
            Assert.AreEqual(1, state.GlobalStep);
            // Same next step from both: equal parameters afterwards only if Adam's moments were restored.
            var x = randn(3, 5);
            foreach (var (m, o) in new[] { (model, opt), (model2, opt2) })
            {
                o.zero_grad();
                m.call(x).pow(2).sum().backward();
                o.step();
            }
            foreach (var (a, b) in model.parameters().Zip(model2.parameters())) Assert.IsTrue(a.equal(b).all().item<bool>());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
