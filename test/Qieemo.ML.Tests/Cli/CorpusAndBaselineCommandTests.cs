using System.Text.Json;
using Qieemo.ML.Data;

namespace Qieemo.ML.Tests.Cli;

/// <summary>`qieemo corpus synth|scan` and `qieemo baseline`: counts against the generator, the fixed JSON contracts.</summary>
[TestClass]
public sealed class CorpusAndBaselineCommandTests
{
    private static string? _iemocap;

    private static string Iemocap()
    {
        if (_iemocap != null) return _iemocap;
        TestSupport.RequireTool("espeak-ng");
        TestSupport.RequireTool("sox");
        string dir = Path.Combine(TestSupport.TempDir(), "iemocap");
        var r = CliRunner.Run("corpus", "synth", "--layout", "iemocap", "--out", dir, "--utterances", "240", "--seed", "3");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        return _iemocap = dir;
    }

    [TestMethod]
    public void ScanCountsEqualWhatTheGeneratorWrote()
    {
        string dir = Iemocap();
        // The generator's own record of what it wrote, independent of the reader: every turn's raw label and speaker.
        string expectedDir = Path.Combine(TestSupport.TempDir(), "again");
        var written = SyntheticCorpus.GenerateIemocap(expectedDir, 240, 3);
        var kept = written.Turns.Where(t => t.RawLabel is "neu" or "hap" or "exc" or "ang" or "sad").ToList();

        var r = CliRunner.Run("corpus", "scan", "--layout", "iemocap", "--root", dir, "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        CollectionAssert.AreEquivalent(new[] { "utterances", "sessions", "labels", "speakers", "dropped" },
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(kept.Count, root.GetProperty("utterances").GetInt32());
        Assert.AreEqual(written.Turns.Count - kept.Count, root.GetProperty("dropped").GetInt32());
        foreach (var g in kept.GroupBy(t => t.Session))
            Assert.AreEqual(g.Count(), root.GetProperty("sessions").GetProperty(g.Key).GetInt32(), g.Key);
        foreach (var g in kept.GroupBy(t => t.RawLabel == "exc" ? "hap" : t.RawLabel))
            Assert.AreEqual(g.Count(), root.GetProperty("labels").GetProperty(g.Key).GetInt32(), g.Key);
        foreach (var g in kept.GroupBy(t => t.Speaker))
            Assert.AreEqual(g.Count(), root.GetProperty("speakers").GetProperty(g.Key).GetInt32(), g.Key);
        Assert.AreEqual(5, root.GetProperty("sessions").EnumerateObject().Count());
    }

    [TestMethod]
    public void LibriSpeechScanCountsUtterancesSpeakersHours()
    {
        TestSupport.RequireTool("espeak-ng");
        TestSupport.RequireTool("flac");
        string dir = Path.Combine(TestSupport.TempDir(), "libri");
        var written = SyntheticCorpus.GenerateLibriSpeech(dir, 24, 5);
        var r = CliRunner.Run("corpus", "scan", "--layout", "librispeech", "--root", dir, "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        CollectionAssert.AreEquivalent(new[] { "utterances", "speakers", "hours" }, root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(written.Utterances.Count, root.GetProperty("utterances").GetInt32());
        Assert.AreEqual(written.Utterances.Select(u => u.Speaker).Distinct().Count(), root.GetProperty("speakers").GetInt32());
        double seconds = written.Utterances.Sum(u => double.Parse(TestSupport.Run("soxi", "-D", u.Path).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.AreEqual(seconds / 3600, root.GetProperty("hours").GetDouble(), 1e-6);
    }

    [TestMethod]
    public void BaselineJsonHasOneFoldPerSessionAndFractions()
    {
        string dir = Iemocap();
        var r = CliRunner.Run("baseline", "--corpus", $"iemocap:{dir}", "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        var folds = root.GetProperty("folds").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { "Session1", "Session2", "Session3", "Session4", "Session5" },
            folds.Select(f => f.GetProperty("test_session").GetString()).ToArray());
        foreach (var part in new[] { root.GetProperty("mean"), root.GetProperty("std") }.Concat(folds))
            foreach (var metric in new[] { "wa", "ua", "wf1" })
            {
                double v = part.GetProperty(metric).GetDouble();
                Assert.IsTrue(v >= 0 && v <= 1, $"{metric} = {v}");
            }
        double meanWa = folds.Average(f => f.GetProperty("wa").GetDouble());
        Assert.AreEqual(meanWa, root.GetProperty("mean").GetProperty("wa").GetDouble(), 1e-12);
        Assert.IsTrue(meanWa > 0.30, $"the baseline should beat chance (25%) on the synthetic corpus: WA {meanWa}");
    }

    [TestMethod]
    public void BadCorpusArgumentsFailCleanly()
    {
        CliRunner.AssertCleanError(CliRunner.Run("baseline", "--corpus", "nolayout"), "LAYOUT:PATH");
        CliRunner.AssertCleanError(CliRunner.Run("baseline", "--corpus", "iemocap:/no/such/dir"), "/no/such/dir");
        string empty = TestSupport.TempDir();
        Directory.CreateDirectory(Path.Combine(empty, "Session1"));
        CliRunner.AssertCleanError(CliRunner.Run("corpus", "scan", "--layout", "iemocap", "--root", empty), "Session1");
    }
}
