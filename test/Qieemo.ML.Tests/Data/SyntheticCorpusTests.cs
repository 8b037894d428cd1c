using System.Globalization;
using Qieemo.ML.Data;

namespace Qieemo.ML.Tests.Data;

/// <summary>Synthetic IEMOCAP/LibriSpeech corpora: layout, read-back counts, audio format (checked with soxi) and determinism.</summary>
[TestClass]
public sealed class SyntheticCorpusTests
{
    [TestCleanup]
    public void Cleanup() => TempDirs.DeleteAll();

    private static void RequireTools()
    {
        TestSupport.RequireTool("espeak-ng");
        TestSupport.RequireTool("sox");
        TestSupport.RequireTool("soxi");
    }

    internal static SyntheticCorpusOptions TinyLibri(int seed = 5) => new()
    {
        Seed = seed, LibriSpeechUtterances = 14, TrainSpeakers = 2, DevSpeakers = 1, ChaptersPerSpeaker = 2,
    };

    [TestMethod]
    public void GeneratedIemocapReadsBackWithTheGeneratorsCounts()
    {
        RequireTools();
        string dir = TempDirs.Make("synth-iemocap");
        var result = SyntheticCorpus.GenerateIemocap(dir, new SyntheticCorpusOptions { Seed = 11, IemocapUtterances = 40, TurnsPerDialog = 2 });
        Assert.AreEqual(40, result.Turns.Count);
        Assert.AreEqual(40, result.Sessions.Values.Sum());
        CollectionAssert.AreEqual(new[] { 8, 8, 8, 8, 8 }, result.Sessions.Values.ToArray());

        // All labels: exactly what was written.
        var all = IemocapReader.Read(dir, new IemocapOptions { LabelSet = IemocapLabelSets.All });
        CollectionAssert.AreEqual(result.RawLabels, all.Summary.Labels);
        CollectionAssert.AreEqual(result.Sessions, all.Summary.Sessions);
        CollectionAssert.AreEqual(result.Speakers, all.Summary.Speakers);
        Assert.AreEqual(10, all.Summary.Speakers.Count);

        // 4-class: distractors dropped, exc merged into hap.
        var four = IemocapReader.Read(dir);
        int distractors = result.Turns.Count(t => !new[] { "neu", "hap", "exc", "ang", "sad" }.Contains(t.RawLabel));
        Assert.AreEqual(40 - distractors, four.Summary.Utterances);
        Assert.AreEqual(distractors, four.Summary.Dropped);
        Assert.AreEqual(result.RawLabels.GetValueOrDefault("hap") + result.RawLabels.GetValueOrDefault("exc"), four.Summary.Labels.GetValueOrDefault("hap"));
        foreach (var c in new[] { "neu", "ang", "sad" }) Assert.AreEqual(result.RawLabels.GetValueOrDefault(c), four.Summary.Labels.GetValueOrDefault(c), c);

        // Each turn as the reader sees it matches the generator's record.
        var byId = result.Turns.ToDictionary(t => t.Id);
        foreach (var u in all.Utterances)
        {
            var t = byId[u.Id];
            Assert.AreEqual(t.Path, u.Path);
            Assert.AreEqual(t.Speaker, u.Speaker);
            Assert.AreEqual(t.Text, u.Text);
            Assert.AreEqual((float)t.Valence, u.Valence, 1e-4f);
        }

        // Dialog names like the real corpus: both improvised and scripted parts.
        var dialogs = result.Turns.Select(t => t.Dialog).Distinct().ToList();
        Assert.IsTrue(dialogs.Any(d => System.Text.RegularExpressions.Regex.IsMatch(d, @"^Ses0\d[FM]_impro\d\d$")));
        Assert.IsTrue(dialogs.Any(d => System.Text.RegularExpressions.Regex.IsMatch(d, @"^Ses0\d[FM]_script\d\d_1$")));
        Assert.IsTrue(dialogs.Any(d => System.Text.RegularExpressions.Regex.IsMatch(d, @"^Ses0\d[FM]_script\d\d_2$")));
        // Ten distinct voices: every speaker of every session sounds different.
        Assert.AreEqual(10, result.Turns.Select(t => (t.Speaker, t.Voice)).Distinct().Count());
        Assert.AreEqual(10, result.Turns.Select(t => t.Voice).Distinct().Count());

        // Audio format and timing, checked with sox's own tools.
        foreach (var t in result.Turns.Take(6))
        {
            Assert.AreEqual("16000", TestSupport.Run("soxi", "-r", t.Path).Trim());
            Assert.AreEqual("1", TestSupport.Run("soxi", "-c", t.Path).Trim());
            Assert.AreEqual("16", TestSupport.Run("soxi", "-b", t.Path).Trim());
            double seconds = double.Parse(TestSupport.Run("soxi", "-D", t.Path), CultureInfo.InvariantCulture);
            Assert.AreEqual(seconds, t.End - t.Start, 2e-4, t.Id);
            Assert.IsTrue(seconds > 0.5 && seconds < 8, $"{t.Id}: {seconds} s");
        }
    }

    [TestMethod]
    public void IemocapGenerationIsDeterministicForASeed()
    {
        RequireTools();
        var options = (int seed) => new SyntheticCorpusOptions { Seed = seed, IemocapUtterances = 20 };
        string a = TempDirs.Make("synth-a"), b = TempDirs.Make("synth-b"), c = TempDirs.Make("synth-c");
        var ra = SyntheticCorpus.GenerateIemocap(a, options(7));
        var rb = SyntheticCorpus.GenerateIemocap(b, options(7));
        var rc = SyntheticCorpus.GenerateIemocap(c, options(8));
        CollectionAssert.AreEqual(ra.Turns.Select(t => t.Id + "/" + t.RawLabel).ToArray(), rb.Turns.Select(t => t.Id + "/" + t.RawLabel).ToArray());
        for (int i = 0; i < ra.Turns.Count; i++)
            CollectionAssert.AreEqual(File.ReadAllBytes(ra.Turns[i].Path), File.ReadAllBytes(rb.Turns[i].Path), ra.Turns[i].Id);
        foreach (var f in Directory.GetFiles(a, "*.txt", SearchOption.AllDirectories))
            Assert.AreEqual(File.ReadAllText(f), File.ReadAllText(Path.Combine(b, Path.GetRelativePath(a, f))), f);

        Assert.IsFalse(ra.Turns.Select(t => t.RawLabel + t.Text).SequenceEqual(rc.Turns.Select(t => t.RawLabel + t.Text)), "another seed gives other labels/texts");
        Assert.IsFalse(File.ReadAllBytes(ra.Turns[0].Path).AsSpan().SequenceEqual(File.ReadAllBytes(rc.Turns[0].Path)), "another seed gives other audio");
    }

    [TestMethod]
    public void RefusesToOverwriteUnlessAsked()
    {
        RequireTools();
        string dir = TempDirs.Make("synth-ow");
        Directory.CreateDirectory(Path.Combine(dir, "Session2"));
        Assert.ThrowsExactly<IOException>(() => SyntheticCorpus.GenerateIemocap(dir, 10, 1));
        var r = SyntheticCorpus.GenerateIemocap(dir, new SyntheticCorpusOptions { IemocapUtterances = 10, Overwrite = true });
        Assert.AreEqual(10, r.Turns.Count);
        Assert.IsFalse(Directory.Exists(Path.Combine(dir, ".synth.qieemo-tmp")), "temporary files removed");
    }

    [TestMethod]
    public void GeneratedLibriSpeechHasTheRealLayout()
    {
        RequireTools();
        TestSupport.RequireTool("flac");
        string dir = TempDirs.Make("synth-libri");
        var progress = new List<SynthesisProgress>();
        var result = SyntheticCorpus.GenerateLibriSpeech(dir, TinyLibri(), new SyncProgress(progress));
        Assert.AreEqual(".flac", result.AudioExtension);
        Assert.AreEqual(14, result.Utterances.Count);
        Assert.AreEqual(3, result.Speakers.Count);
        CollectionAssert.AreEqual(new[] { "dev-clean", "train-clean-100" }, result.Subsets.Keys.ToArray());
        Assert.AreEqual(new SynthesisProgress(14, 14), progress.MaxBy(p => p.Done));
        // Held-out speakers: none of dev-clean's readers is in train-clean-100.
        var devSpeakers = result.Utterances.Where(u => u.Subset == "dev-clean").Select(u => u.Speaker).ToHashSet();
        Assert.IsFalse(result.Utterances.Any(u => u.Subset != "dev-clean" && devSpeakers.Contains(u.Speaker)));

        foreach (var u in result.Utterances)
        {
            StringAssert.Matches(Path.GetFileName(u.Path), new System.Text.RegularExpressions.Regex(@"^\d+-\d+-\d{4}\.flac$"));
            Assert.AreEqual(Path.Combine(dir, u.Subset, u.Speaker, u.Chapter, u.Id + ".flac"), u.Path);
            StringAssert.Matches(u.Text, new System.Text.RegularExpressions.Regex(@"^[A-Z' ]+$"));
        }
        // The flac tool itself validates the streams.
        TestSupport.Run("flac", ["-t", "-s", .. result.Utterances.Select(u => u.Path)]);
        var first = result.Utterances[0];
        string trans = Path.Combine(Path.GetDirectoryName(first.Path)!, $"{first.Speaker}-{first.Chapter}.trans.txt");
        StringAssert.Contains(File.ReadAllText(trans), $"{first.Id} {first.Text}\n");
    }

    /// <summary>IProgress that records synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(List<SynthesisProgress> sink) : IProgress<SynthesisProgress>
    {
        public void Report(SynthesisProgress value) { lock (sink) sink.Add(value); }
    }
}
