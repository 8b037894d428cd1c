using Qieemo.ML.Asr;
using Qieemo.ML.Data;

namespace Qieemo.ML.Tests.AsrTraining;

/// <summary>`qieemo pretrain` killed with SIGKILL after its first checkpoint resumes and ends exactly like an uninterrupted run.</summary>
[TestClass]
public sealed class PretrainResumeTests
{
    [TestMethod]
    public void KilledRunResumesFromLastEpochAndMatchesUninterruptedRun()
    {
        TestSupport.RequireTool("espeak-ng");
        TestSupport.RequireTool("sox");
        string root = TestSupport.TempDir("qieemo-asr-resume");
        string corpus = Path.Combine(root, "corpus");
        SyntheticCorpus.GenerateLibriSpeech(corpus, new SyntheticCorpusOptions
        {
            LibriSpeechUtterances = 10, Seed = 9, TrainSpeakers = 3, DevSpeakers = 1, ChaptersPerSpeaker = 1,
        });
        string[] Args(string outDir) => new[]
        {
            "pretrain", "--corpus", "librispeech:" + Path.Combine(corpus, "train-clean-100"), "--preset", "tiny", "--epochs", "3",
            "--out", outDir, "--threads", "1", "--seed", "5", "--batch-frames", "1000", "--lr", "0.005", "--warmup", "5",
            "--decoder-blocks", "1", "--average", "2", "--device", "cpu", "--no-stride",
        };

        // Interrupted run: SIGKILL the whole process tree as soon as the epoch-1 checkpoint exists.
        string resumedDir = Path.Combine(root, "resumed");
        string firstCheckpoint = Path.Combine(resumedDir, "checkpoints", "epoch_001.ckpt");
        using (var p = AsrTrainingSupport.StartCli(Args(resumedDir)))
        {
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(firstCheckpoint) && !p.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(5);
            Assert.IsTrue(File.Exists(firstCheckpoint), $"no epoch-1 checkpoint; stderr: {(p.HasExited ? stderr.Result : "(running)")}");
            Assert.IsFalse(p.HasExited, "the run ended before it could be killed");
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.IsFalse(File.Exists(Path.Combine(resumedDir, "model.zip")), "killed before the end");
        }
        int completed = Directory.GetFiles(Path.Combine(resumedDir, "checkpoints"), "epoch_*.ckpt").Length;
        Assert.AreEqual(1, completed, "killed between epoch 1 and epoch 2's checkpoint");

        var rerun = CliRunner.Run(Args(resumedDir));
        Assert.AreEqual(0, rerun.ExitCode, rerun.Stderr);
        StringAssert.Contains(rerun.Stderr, "resuming from epoch 1");
        StringAssert.Contains(rerun.Stdout, "epoch 3:");
        Assert.IsFalse(rerun.Stdout.Contains("epoch 1:"), "epoch 1 is not trained again");

        string straightDir = Path.Combine(root, "straight");
        var straight = CliRunner.Run(Args(straightDir));
        Assert.AreEqual(0, straight.ExitCode, straight.Stderr);
        Assert.IsFalse(straight.Stderr.Contains("resuming"));

        // Same epoch-3 loss line and bit-identical final (averaged) weights.
        string Epoch3(string stdout) => stdout.Split('\n').Single(l => l.StartsWith("epoch 3:")).Split('(')[0];
        Assert.AreEqual(Epoch3(straight.Stdout), Epoch3(rerun.Stdout));
        var a = AsrEncoderTransformer.Load(Path.Combine(resumedDir, "model.zip"));
        var b = AsrEncoderTransformer.Load(Path.Combine(straightDir, "model.zip"));
        var pa = a.Model.state_dict();
        var pb = b.Model.state_dict();
        CollectionAssert.AreEquivalent(pa.Keys.ToArray(), pb.Keys.ToArray());
        foreach (var (key, t) in pa)
            Assert.IsTrue(t.eq(pb[key]).all().item<bool>(), $"{key} differs between the resumed and the uninterrupted run");
        var file = LibriSpeechReader.Read(Path.Combine(corpus, "train-clean-100")).Utterances[0].Path;
        Assert.AreEqual(b.Transcribe(file), a.Transcribe(file));
    }
}
