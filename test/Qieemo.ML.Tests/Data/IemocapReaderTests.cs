using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Data;

namespace Qieemo.ML.Tests.Data;

/// <summary>IemocapReader against hand-written EmoEvaluation files in the real IEMOCAP format (TestData/data/iemocap).</summary>
[TestClass]
public sealed class IemocapReaderTests
{
    [TestCleanup]
    public void Cleanup() => TempDirs.DeleteAll();

    // Every turn of the fixture, as written by hand in the EmoEvaluation files.
    private static readonly string[] AllTurns =
    [
        "Ses01F_impro01_F000", "Ses01F_impro01_M000", "Ses01F_impro01_F001", "Ses01F_impro01_M001", "Ses01F_impro01_F002",
        "Ses01M_script01_1_F000", "Ses01M_script01_1_M000", "Ses01M_script01_1_M001",
        "Ses01M_script01_2_F000", "Ses01M_script01_2_M000",
        "Ses02F_impro02_F000", "Ses02F_impro02_M000",
    ];

    /// <summary>Copies the fixture to a temp folder and creates (empty) WAV files for the given turns.</summary>
    private static string MakeCorpus(IEnumerable<string>? withAudio = null)
    {
        string root = TempDirs.Make("iemocap");
        CopyDir(TestSupport.TestData("data", "iemocap"), root);
        foreach (var turn in withAudio ?? AllTurns)
        {
            string session = $"Session{int.Parse(turn[3..5])}";
            string dir = Path.Combine(root, session, "sentences", "wav", turn[..^5]);
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, turn + ".wav"), []);
        }
        return root;
    }

    internal static void CopyDir(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    [TestMethod]
    public void FourClassKeepsNeuHapAngSadAndMergesExcIntoHap()
    {
        string root = MakeCorpus();
        // macOS AppleDouble files ship in some IEMOCAP copies; they are not annotation files.
        File.WriteAllText(Path.Combine(root, "Session1", "dialog", "EmoEvaluation", "._Ses01F_impro01.txt"), "[garbage\t\n");
        var corpus = IemocapReader.Read(root);
        var s = corpus.Summary;
        Assert.AreEqual(9, s.Utterances);
        Assert.AreEqual(9, corpus.Utterances.Count);
        Assert.AreEqual(3, s.Dropped, "fru, xxx and sur are dropped");
        CollectionAssert.AreEqual(new[] { "ang", "hap", "neu", "sad" }, s.Labels.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 2, 3, 2 }, s.Labels.Values.ToArray());
        CollectionAssert.AreEqual(new[] { "Session1", "Session2" }, s.Sessions.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { 7, 2 }, s.Sessions.Values.ToArray());
        CollectionAssert.AreEqual(new[] { "Ses01F", "Ses01M", "Ses02F", "Ses02M" }, s.Speakers.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 4, 1, 1 }, s.Speakers.Values.ToArray());

        var exc = corpus.Utterances.Single(u => u.Id == "Ses01F_impro01_M000");
        Assert.AreEqual("hap", exc.Label);
        // A male turn in a dialog whose name starts with Ses01F is spoken by the session's male actor.
        Assert.AreEqual("Ses01M", exc.Speaker);
        Assert.AreEqual("M", exc.Gender);
        Assert.AreEqual("Ses01F_impro01", exc.Dialog);
        Assert.AreEqual(10.01f, exc.Start, 1e-5f);
        Assert.AreEqual(11.3925f, exc.End, 1e-5f);
        Assert.AreEqual(1.3825f, exc.Duration, 1e-4f);
        Assert.AreEqual(4.0f, exc.Valence);
        Assert.AreEqual(3.5f, exc.Arousal);
        Assert.AreEqual(3.0f, exc.Dominance);
        Assert.AreEqual(Path.Combine(root, "Session1", "sentences", "wav", "Ses01F_impro01", "Ses01F_impro01_M000.wav"), exc.Path);
        Assert.AreEqual("Do you have your forms?", exc.Text);
    }

    [TestMethod]
    public void ScriptDialogPartsMapToTheirOwnWavFolders()
    {
        string root = MakeCorpus();
        var corpus = IemocapReader.Read(root);
        var part2 = corpus.Utterances.Single(u => u.Id == "Ses01M_script01_2_F000");
        Assert.AreEqual("Ses01M_script01_2", part2.Dialog);
        Assert.AreEqual("Ses01F", part2.Speaker);
        Assert.AreEqual(Path.Combine(root, "Session1", "sentences", "wav", "Ses01M_script01_2", "Ses01M_script01_2_F000.wav"), part2.Path);
        Assert.AreEqual(1.6667f, part2.Arousal, 1e-5f);
        Assert.AreEqual("", part2.Text, "no transcription file for this dialog");
        var part1 = corpus.Utterances.Single(u => u.Id == "Ses01M_script01_1_M000");
        Assert.AreEqual("Ses01M_script01_1", part1.Dialog);
        Assert.AreEqual("I miss her so much.", part1.Text);
        Assert.AreEqual("", corpus.Utterances.Single(u => u.Id == "Ses01M_script01_1_M001").Text, "turn without transcript line");
    }

    [TestMethod]
    public void UtterancesAreSortedBySessionThenTurn()
    {
        var ids = IemocapReader.Read(MakeCorpus()).Utterances.Select(u => u.Id).ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "Ses01F_impro01_F000", "Ses01F_impro01_M000", "Ses01F_impro01_M001", "Ses01M_script01_1_F000", "Ses01M_script01_1_M000",
            "Ses01M_script01_1_M001", "Ses01M_script01_2_F000", "Ses02F_impro02_F000", "Ses02F_impro02_M000",
        }, ids);
    }

    [TestMethod]
    public void AllAndSixClassLabelSets()
    {
        string root = MakeCorpus();
        var all = IemocapReader.Read(root, new IemocapOptions { LabelSet = IemocapLabelSets.All });
        Assert.AreEqual(12, all.Summary.Utterances);
        Assert.AreEqual(0, all.Summary.Dropped);
        Assert.AreEqual(1, all.Summary.Labels["xxx"]);
        Assert.AreEqual(1, all.Summary.Labels["exc"]);

        var six = IemocapReader.Read(root, new IemocapOptions { LabelSet = IemocapLabelSets.SixClass });
        CollectionAssert.AreEqual(new[] { "ang", "exc", "fru", "hap", "neu", "sad" }, six.Summary.Labels.Keys.ToArray());
        Assert.AreEqual(10, six.Summary.Utterances);
        Assert.AreEqual(2, six.Summary.Dropped);

        var custom = IemocapReader.Read(root, new IemocapOptions
        {
            LabelSet = new Dictionary<string, string?> { ["ang"] = "negative", ["sad"] = "negative", ["fru"] = "negative", ["hap"] = "positive", ["exc"] = "positive", ["neu"] = null },
        });
        CollectionAssert.AreEqual(new[] { 5, 2 }, custom.Summary.Labels.Values.ToArray());
        Assert.AreEqual(5, custom.Summary.Dropped);
    }

    [TestMethod]
    public void ImprovisedOnlyDropsScriptedDialogs()
    {
        var corpus = IemocapReader.Read(MakeCorpus(), new IemocapOptions { ImprovisedOnly = true });
        CollectionAssert.AreEqual(new[] { "Ses01F_impro01_F000", "Ses01F_impro01_M000", "Ses01F_impro01_M001", "Ses02F_impro02_F000", "Ses02F_impro02_M000" },
            corpus.Utterances.Select(u => u.Id).ToArray());
        Assert.AreEqual(7, corpus.Summary.Dropped, "5 scripted turns + fru + xxx");
    }

    [TestMethod]
    public void SessionFilterAndTranscriptsOff()
    {
        var corpus = IemocapReader.Read(MakeCorpus(), new IemocapOptions { Sessions = [2], ReadTranscripts = false });
        CollectionAssert.AreEqual(new[] { "Session2" }, corpus.Summary.Sessions.Keys.ToArray());
        Assert.AreEqual(2, corpus.Summary.Utterances);
        Assert.IsTrue(corpus.Utterances.All(u => u.Text == ""));
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => IemocapReader.Read(MakeCorpus(), new IemocapOptions { Sessions = [3] }));
        Assert.ThrowsExactly<ArgumentException>(() => IemocapReader.Read(MakeCorpus(), new IemocapOptions { Sessions = [6] }));
    }

    [TestMethod]
    [DataRow("[6.2901 - ]\tSes01F_impro01_F009\tneu\t[2.5000, 2.5000, 2.5000]", "time range")]
    [DataRow("[8.2 - 6.1]\tSes01F_impro01_F009\tneu\t[2.5000, 2.5000, 2.5000]", "time range")]
    [DataRow("[6.2901 - 8.2357]\tSes01F_impro01_F009\tneu", "4 tab-separated fields")]
    [DataRow("[6.2901 - 8.2357]\tSes01F_impro01_F009\tneu\t[2.5000, 2.5000]", "valence")]
    [DataRow("[6.2901 - 8.2357]\tSes01F_impro01_F009\tneu\t[2.5000, high, 2.5000]", "valence")]
    [DataRow("[6.2901 - 8.2357]\tSes01F_impro01\tneu\t[2.5000, 2.5000, 2.5000]", "turn name")]
    [DataRow("[6.2901 - 8.2357]\tSes03F_impro01_F009\tneu\t[2.5000, 2.5000, 2.5000]", "session")]
    public void MalformedSummaryLineNamesFileAndLine(string badLine, string expected)
    {
        string root = MakeCorpus();
        string file = Path.Combine(root, "Session1", "dialog", "EmoEvaluation", "Ses01M_script01_2.txt");
        var lines = File.ReadAllLines(file).ToList();
        lines.Insert(9, badLine); // after the first block: becomes line 10
        File.WriteAllLines(file, lines);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => IemocapReader.Read(root));
        StringAssert.Contains(e.Message, file + ":10:");
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void MissingAudioIsAnErrorListingCountAndPaths()
    {
        var withAudio = AllTurns.Where(t => t != "Ses01F_impro01_M000" && t != "Ses02F_impro02_F000" && t != "Ses01F_impro01_F001").ToArray();
        string root = MakeCorpus(withAudio);
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => IemocapReader.Read(root));
        // Only kept labels need audio: the fru turn F001 does not count.
        StringAssert.Contains(e.Message, "2 WAV file(s) missing");
        StringAssert.Contains(e.Message, "Ses01F_impro01_M000.wav");
        StringAssert.Contains(e.Message, "Ses02F_impro02_F000.wav");

        var skipped = IemocapReader.Read(root, new IemocapOptions { SkipMissingAudio = true });
        Assert.AreEqual(7, skipped.Summary.Utterances);
        Assert.AreEqual(2, skipped.Summary.MissingAudioSkipped);
        Assert.IsFalse(skipped.Utterances.Any(u => u.Id == "Ses01F_impro01_M000"));
    }

    [TestMethod]
    public void EmptySessionIsAnError()
    {
        string root = MakeCorpus();
        string eval = Path.Combine(root, "Session3", "dialog", "EmoEvaluation");
        Directory.CreateDirectory(eval);
        File.WriteAllText(Path.Combine(eval, "Ses03F_impro01.txt"), "% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]\n\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => IemocapReader.Read(root));
        StringAssert.Contains(e.Message, "Session3 is empty");

        Directory.Delete(Path.Combine(root, "Session3", "dialog"), true);
        var e2 = Assert.ThrowsExactly<InvalidDataException>(() => IemocapReader.Read(root));
        StringAssert.Contains(e2.Message, "Session3");
    }

    [TestMethod]
    public void EmptySessionByLabelFilterIsNotAnError()
    {
        // Session2 holds utterances, but none survive this label set: counted with 0, not an error.
        var corpus = IemocapReader.Read(MakeCorpus(), new IemocapOptions { LabelSet = new Dictionary<string, string?> { ["sad"] = "sad" } });
        Assert.AreEqual(0, corpus.Summary.Sessions["Session2"]);
        Assert.AreEqual(2, corpus.Summary.Sessions["Session1"]);
    }

    [TestMethod]
    public void MissingRootIsDirectoryNotFound() =>
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => IemocapReader.Read(Path.Combine(TempDirs.Make("iemocap-none"), "nope")));

    [TestMethod]
    public void LoadIemocapGivesTextAndFloatColumns()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadIemocap(MakeCorpus());
        Assert.IsInstanceOfType<TextDataViewType>(view.Schema["Label"].Type);
        Assert.IsInstanceOfType<TextDataViewType>(view.Schema["Speaker"].Type);
        Assert.AreEqual(NumberDataViewType.Single, view.Schema["Valence"].Type);
        Assert.AreEqual(NumberDataViewType.Single, view.Schema["Duration"].Type);
        var labels = view.GetColumn<string>("Label").ToArray();
        Assert.AreEqual(9, labels.Length);
        Assert.AreEqual(3, labels.Count(l => l == "neu"));
        var rows = ml.Data.CreateEnumerable<Utterance>(view, reuseRowObject: false).ToList();
        Assert.AreEqual("Ses01M", rows.Single(r => r.Id == "Ses01F_impro01_M001").Speaker);
    }
}
