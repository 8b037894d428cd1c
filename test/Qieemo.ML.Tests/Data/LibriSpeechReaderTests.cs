using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Data;

namespace Qieemo.ML.Tests.Data;

/// <summary>LibriSpeechReader on generated corpora; durations checked against soxi.</summary>
[TestClass]
public sealed class LibriSpeechReaderTests
{
    [TestCleanup]
    public void Cleanup() => TempDirs.DeleteAll();

    private static (string Root, LibriSpeechSynthesisResult Result) Generate()
    {
        TestSupport.RequireTool("espeak-ng");
        TestSupport.RequireTool("sox");
        TestSupport.RequireTool("soxi");
        TestSupport.RequireTool("flac");
        string dir = TempDirs.Make("libri");
        return (dir, SyntheticCorpus.GenerateLibriSpeech(dir, SyntheticCorpusTests.TinyLibri()));
    }

    [TestMethod]
    public void ReadsAllSubsetsWithSoxiDurations()
    {
        var (root, result) = Generate();
        var corpus = LibriSpeechReader.Read(root);
        Assert.AreEqual(result.Utterances.Count, corpus.Summary.Utterances);
        CollectionAssert.AreEqual(result.Subsets, corpus.Summary.Subsets);
        CollectionAssert.AreEqual(result.Speakers, corpus.Summary.Speakers);
        Assert.AreEqual(6, corpus.Summary.Chapters);
        Assert.AreEqual(0, corpus.Summary.Skipped);
        CollectionAssert.AreEqual(result.Utterances.Select(u => u.Id).ToArray(), corpus.Utterances.Select(u => u.Id).ToArray());
        double total = 0;
        for (int i = 0; i < corpus.Utterances.Count; i++)
        {
            var (u, r) = (corpus.Utterances[i], result.Utterances[i]);
            Assert.AreEqual(r.Path, u.Path);
            Assert.AreEqual(r.Text, u.Text);
            Assert.AreEqual(r.Speaker, u.Speaker);
            Assert.AreEqual(r.Chapter, u.Chapter);
            Assert.AreEqual(r.Subset, u.Session);
            double soxi = double.Parse(TestSupport.Run("soxi", "-D", u.Path), CultureInfo.InvariantCulture);
            Assert.AreEqual(soxi, u.Duration, 1e-5, u.Id);
            total += soxi;
        }
        Assert.AreEqual(total / 3600, corpus.Summary.Hours, 1e-7);
        Assert.AreEqual(result.AudioSeconds, total, 1e-3);
    }

    [TestMethod]
    public void RootMayBeASubsetFolderAndSubsetsFilter()
    {
        var (root, result) = Generate();
        var dev = LibriSpeechReader.Read(Path.Combine(root, "dev-clean"));
        Assert.AreEqual(result.Subsets["dev-clean"], dev.Summary.Utterances);
        Assert.IsTrue(dev.Utterances.All(u => u.Session == "dev-clean"));

        var train = LibriSpeechReader.Read(root, new LibriSpeechOptions { Subsets = ["train-clean-100"] });
        Assert.AreEqual(result.Subsets["train-clean-100"], train.Summary.Utterances);
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => LibriSpeechReader.Read(root, new LibriSpeechOptions { Subsets = ["test-other"] }));
        Assert.ThrowsExactly<ArgumentException>(() => LibriSpeechReader.Read(Path.Combine(root, "dev-clean"), new LibriSpeechOptions { Subsets = ["train-clean-100"] }));
    }

    [TestMethod]
    public void TranscriptLineWithoutAudioNamesFileAndLine()
    {
        var (root, result) = Generate();
        var victim = result.Utterances.First(u => u.Id.EndsWith("-0001", StringComparison.Ordinal));
        File.Delete(victim.Path);
        string trans = Path.Combine(Path.GetDirectoryName(victim.Path)!, $"{victim.Speaker}-{victim.Chapter}.trans.txt");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => LibriSpeechReader.Read(root));
        StringAssert.Contains(e.Message, trans + ":2:");
        StringAssert.Contains(e.Message, victim.Id);

        var skipped = LibriSpeechReader.Read(root, new LibriSpeechOptions { SkipMismatched = true });
        Assert.AreEqual(result.Utterances.Count - 1, skipped.Summary.Utterances);
        Assert.AreEqual(1, skipped.Summary.Skipped);
    }

    [TestMethod]
    public void AudioWithoutTranscriptIsAnError()
    {
        var (root, result) = Generate();
        var u = result.Utterances[0];
        string extra = Path.Combine(Path.GetDirectoryName(u.Path)!, $"{u.Speaker}-{u.Chapter}-0099.flac");
        File.Copy(u.Path, extra);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => LibriSpeechReader.Read(root));
        StringAssert.Contains(e.Message, extra);
        Assert.AreEqual(1, LibriSpeechReader.Read(root, new LibriSpeechOptions { SkipMismatched = true }).Summary.Skipped);
    }

    [TestMethod]
    public void MalformedTranscriptLineNamesFileAndLine()
    {
        var (root, result) = Generate();
        var u = result.Utterances[0];
        string trans = Path.Combine(Path.GetDirectoryName(u.Path)!, $"{u.Speaker}-{u.Chapter}.trans.txt");
        File.AppendAllText(trans, "NOT AN ID AT ALL\n");
        int line = File.ReadAllLines(trans).Length;
        var e = Assert.ThrowsExactly<InvalidDataException>(() => LibriSpeechReader.Read(root));
        StringAssert.Contains(e.Message, $"{trans}:{line}:");
    }

    [TestMethod]
    public void WavFallbackIsReadWithWavHeaderDurations()
    {
        TestSupport.RequireTool("espeak-ng");
        TestSupport.RequireTool("soxi");
        string dir = TempDirs.Make("libri-wav");
        var options = SyntheticCorpusTests.TinyLibri();
        options.UseFlac = false;
        var result = SyntheticCorpus.GenerateLibriSpeech(dir, options);
        Assert.AreEqual(".wav", result.AudioExtension);
        var corpus = LibriSpeechReader.Read(dir);
        Assert.AreEqual(result.Utterances.Count, corpus.Summary.Utterances);
        foreach (var u in corpus.Utterances.Take(4))
        {
            StringAssert.EndsWith(u.Path, ".wav");
            Assert.AreEqual(double.Parse(TestSupport.Run("soxi", "-D", u.Path), CultureInfo.InvariantCulture), u.Duration, 1e-5);
        }
    }

    [TestMethod]
    public void LoadLibriSpeechIntoMLNet()
    {
        var (root, result) = Generate();
        var view = new Microsoft.ML.MLContext(1).Data.LoadLibriSpeech(root);
        var durations = view.GetColumn<float>("Duration").ToArray();
        Assert.AreEqual(result.Utterances.Count, durations.Length);
        Assert.IsTrue(durations.All(d => d > 0.5f));
    }
}
