using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Data;

namespace Qieemo.ML.Tests.Data;

/// <summary>CSV/TSV manifests: RFC 4180 quoting, delimiter detection, column mapping, relative paths and errors.</summary>
[TestClass]
public sealed class ManifestReaderTests
{
    [TestCleanup]
    public void Cleanup() => TempDirs.DeleteAll();

    private static string Fixture(string name) => TestSupport.TestData("data", "manifest", name);

    private static string WriteManifest(string content, string name = "m.csv")
    {
        string dir = TempDirs.Make("manifest");
        Directory.CreateDirectory(Path.Combine(dir, "audio"));
        File.WriteAllBytes(Path.Combine(dir, "audio", "a.wav"), []);
        File.WriteAllBytes(Path.Combine(dir, "audio", "b.wav"), []);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [TestMethod]
    public void CsvWithQuotesCommasNewlinesAndRelativePaths()
    {
        var rows = ManifestReader.Read(Fixture("train.csv"));
        string dir = Path.GetDirectoryName(Fixture("train.csv"))!;
        Assert.AreEqual(3, rows.Count, "the blank line is skipped");
        Assert.AreEqual(Path.Combine(dir, "audio", "a.wav"), rows[0].Path);
        Assert.AreEqual("a", rows[0].Id);
        Assert.AreEqual("neu", rows[0].Label);
        Assert.AreEqual("spk1", rows[0].Speaker);
        Assert.AreEqual("1", rows[0].Session);
        Assert.AreEqual("Hello, world", rows[0].Text);
        Assert.AreEqual(Path.Combine(dir, "audio", "b c.wav"), rows[1].Path);
        Assert.AreEqual("She said \"stop\", then left", rows[1].Text);
        Assert.AreEqual(Path.Combine(dir, "audio", "sub", "c.wav"), rows[2].Path);
        Assert.AreEqual("two\nlines", rows[2].Text);
        Assert.IsTrue(float.IsNaN(rows[0].Duration));
    }

    [TestMethod]
    public void TsvIsDetectedAndColumnNamesAreConfigurable()
    {
        var rows = ManifestReader.Read(Fixture("custom.tsv"), new ManifestOptions
        {
            PathColumn = "WAV", LabelColumn = "emotion", TextColumn = "transcript",
        });
        Assert.AreEqual(2, rows.Count);
        Assert.AreEqual("hap", rows[0].Label);
        Assert.AreEqual("Ses01F", rows[0].Speaker);
        Assert.AreEqual("Session1", rows[0].Session);
        Assert.AreEqual("What a day, really", rows[0].Text, "commas are data in a TSV");
        Assert.AreEqual("", rows[1].Text);
    }

    [TestMethod]
    public void DelimiterDetection()
    {
        Assert.AreEqual('\t', ManifestReader.DetectDelimiter("path\tlabel\n"));
        Assert.AreEqual(',', ManifestReader.DetectDelimiter("path,label\n"));
        Assert.AreEqual(';', ManifestReader.DetectDelimiter("path;label;text\n"));
        Assert.AreEqual(',', ManifestReader.DetectDelimiter("\"a;b;c\",label\n"), "delimiters inside quotes do not count");
        Assert.AreEqual(',', ManifestReader.DetectDelimiter("path\n"));
    }

    [TestMethod]
    public void ExplicitDelimiterAndAbsolutePaths()
    {
        string abs = Path.Combine(TempDirs.Make("abs"), "x.wav");
        File.WriteAllBytes(abs, []);
        string path = WriteManifest($"path|label\n{abs}|sad\naudio/a.wav|neu\n");
        var rows = ManifestReader.Read(path, new ManifestOptions { Delimiter = '|' });
        Assert.AreEqual(abs, rows[0].Path);
        Assert.AreEqual(Path.Combine(Path.GetDirectoryName(path)!, "audio", "a.wav"), rows[1].Path);
        Assert.AreEqual("sad", rows[0].Label);
    }

    [TestMethod]
    [DataRow("path,label\naudio/a.wav,neu\naudio/b.wav,neu,extra\n", ":3:", "expected 2 fields")]
    [DataRow("path,label\naudio/a.wav,neu\n\naudio/b.wav\n", ":4:", "expected 2 fields")]
    [DataRow("path,label\naudio/a.wav,\"neu\naudio/b.wav,ang\n", ":2:", "not closed")]
    [DataRow("path,label\naudio/a.wav,\"neu\"x\n", ":2:", "after a closing quote")]
    [DataRow("path,label\naudio/a.wav,ne\"u\n", ":2:", "quote inside an unquoted field")]
    [DataRow("file,label\naudio/a.wav,neu\n", ":1:", "no 'path' column")]
    [DataRow("path,label\n,neu\n", ":2:", "empty 'path'")]
    [DataRow("path,label,path\naudio/a.wav,neu,x\n", ":1:", "appears twice")]
    public void MalformedManifestNamesFileAndLine(string content, string line, string expected)
    {
        string path = WriteManifest(content);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ManifestReader.Read(path));
        StringAssert.Contains(e.Message, path + line);
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void RequireLabel()
    {
        string path = WriteManifest("path,label\naudio/a.wav,neu\naudio/b.wav,\n");
        Assert.AreEqual(2, ManifestReader.Read(path).Count);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ManifestReader.Read(path, new ManifestOptions { RequireLabel = true }));
        StringAssert.Contains(e.Message, path + ":3:");
        string noLabel = WriteManifest("path\naudio/a.wav\n");
        Assert.AreEqual("", ManifestReader.Read(noLabel)[0].Label);
        Assert.ThrowsExactly<InvalidDataException>(() => ManifestReader.Read(noLabel, new ManifestOptions { RequireLabel = true }));
    }

    [TestMethod]
    public void MissingAudioListsFilesUnlessUnchecked()
    {
        string path = WriteManifest("path,label\naudio/a.wav,neu\naudio/missing.wav,ang\n");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ManifestReader.Read(path));
        StringAssert.Contains(e.Message, "1 audio file(s) missing");
        StringAssert.Contains(e.Message, "missing.wav (line 3)");
        Assert.AreEqual(2, ManifestReader.Read(path, new ManifestOptions { CheckAudioExists = false }).Count);
        Assert.ThrowsExactly<FileNotFoundException>(() => ManifestReader.Read(Path.Combine(Path.GetDirectoryName(path)!, "none.csv")));
        var empty = WriteManifest("");
        Assert.ThrowsExactly<InvalidDataException>(() => ManifestReader.Read(empty));
    }

    [TestMethod]
    public void LoadManifestIntoMLNet()
    {
        var view = new MLContext(1).Data.LoadManifest(Fixture("train.csv"));
        CollectionAssert.AreEqual(new[] { "neu", "ang", "sad" }, view.GetColumn<string>("Label").ToArray());
        Assert.IsInstanceOfType<TextDataViewType>(view.Schema["Path"].Type);
    }
}
