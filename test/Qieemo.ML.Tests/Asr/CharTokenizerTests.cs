using System.Text;
using Qieemo.ML.Text;

namespace Qieemo.ML.Tests.Asr;

[TestClass]
public sealed class CharTokenizerTests
{
    private static readonly string[] Transcripts =
    {
        "HE HOPED THERE WOULD BE STEW FOR DINNER",
        "STUFF IT INTO YOU HIS BELLY COUNSELLED HIM",
        "HE'S NOT  HERE ",
    };

    [TestMethod]
    public void BuildsWeNetStyleUnitsFromTranscripts()
    {
        var tok = CharTokenizer.Build(Transcripts);
        string letters = new string(Transcripts.SelectMany(t => t).Where(c => c != ' ').Distinct().OrderBy(c => c).ToArray());
        var expected = new List<string> { "<blank>", "<unk>" };
        expected.AddRange(letters.Select(c => c.ToString()));  // "'" < 'A'..'Z' in ordinal order
        expected.Add("\u2581");                                 // U+2581 sorts after ASCII
        expected.Add("<sos/eos>");
        CollectionAssert.AreEqual(expected, tok.Units.ToList());
        Assert.AreEqual(0, tok.BlankId);
        Assert.AreEqual(1, tok.UnkId);
        Assert.AreEqual(expected.Count - 1, tok.SosEosId);
        Assert.AreEqual(expected.Count, tok.VocabularySize);
    }

    [TestMethod]
    public void EncodeDecodeRoundTrip()
    {
        var tok = CharTokenizer.Build(Transcripts);
        int[] ids = tok.Encode("  HE'S  HERE ");
        string[] units = ids.Select(tok.IdToToken).ToArray();
        CollectionAssert.AreEqual(new[] { "H", "E", "'", "S", "\u2581", "H", "E", "R", "E" }, units);
        Assert.AreEqual("HE'S HERE", tok.Decode(ids));
        foreach (string t in Transcripts)
            Assert.AreEqual(string.Join(' ', t.Split(' ', StringSplitOptions.RemoveEmptyEntries)), tok.Decode(tok.Encode(t)));
        // Blank and <sos/eos> are not text.
        Assert.AreEqual("HE", tok.Decode(new[] { tok.BlankId, tok.Encode("H")[0], tok.BlankId, tok.Encode("E")[0], tok.SosEosId }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => tok.Decode(new[] { tok.VocabularySize }));
    }

    [TestMethod]
    public void UnknownCharactersAndMinCount()
    {
        var tok = CharTokenizer.Build(Transcripts, new CharTokenizerOptions { MinCount = 2 });
        Assert.IsFalse(tok.Units.Contains("'"), "' occurs once");
        Assert.IsFalse(tok.Units.Contains("Q"));
        int[] ids = tok.Encode("HE'S Q");
        Assert.AreEqual(tok.UnkId, ids[2]);
        Assert.AreEqual(tok.UnkId, ids[^1]);
        Assert.AreEqual("HE<unk>S <unk>", tok.Decode(ids));
        Assert.ThrowsExactly<ArgumentException>(() => CharTokenizer.Build(new[] { "A\u2581B" }));
    }

    [TestMethod]
    public void SaveWritesWeNetUnitsFormatAndLoadsBack()
    {
        var tok = CharTokenizer.Build(Transcripts);
        string dir = TestSupport.TempDir();
        string path = Path.Combine(dir, "units.txt");
        tok.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.IsFalse(bytes.Length >= 3 && bytes[0] == 0xEF, "no BOM");
        string[] lines = Encoding.UTF8.GetString(bytes).Split('\n');
        Assert.AreEqual("", lines[^1], "ends with a newline");
        Assert.AreEqual("<blank> 0", lines[0]);
        Assert.AreEqual("<unk> 1", lines[1]);
        Assert.AreEqual("' 2", lines[2]);
        Assert.AreEqual($"\u2581 {tok.VocabularySize - 2}", lines[^3]);
        Assert.AreEqual($"<sos/eos> {tok.VocabularySize - 1}", lines[^2]);

        var loaded = CharTokenizer.Load(path);
        CollectionAssert.AreEqual(tok.Units.ToList(), loaded.Units.ToList());
        CollectionAssert.AreEqual(tok.Encode(Transcripts[1]), loaded.Encode(Transcripts[1]));
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void LoadsWeNetUnitsFiles()
    {
        // English characters with U+2581 for space, listed out of id order.
        var en = CharTokenizer.LoadWeNetUnits(AsrFixture.PathOf("units_char_en.txt"));
        Assert.AreEqual(31, en.VocabularySize);
        Assert.AreEqual("\u2581", en.SpaceSymbol);
        Assert.AreEqual("A CAT'S", en.Decode(en.Encode("A CAT'S")));
        CollectionAssert.AreEqual(new[] { 3, 28, 5, 3, 22, 2, 21 }, en.Encode("A CAT'S"));

        // ESPnet-style "<space>" unit.
        var sp = CharTokenizer.Load(AsrFixture.PathOf("units_char_space.txt"));
        Assert.AreEqual("<space>", sp.SpaceSymbol);
        Assert.AreEqual("<space>", sp.IdToToken(sp.Encode("A B")[1]));

        // Mandarin characters (no space unit): spaces are dropped, <noise> is a whole special unit.
        var zh = CharTokenizer.Load(AsrFixture.PathOf("units_char_zh.txt"));
        Assert.IsNull(zh.SpaceSymbol);
        CollectionAssert.AreEqual(new[] { 3, 4, 2 }, zh.Encode("你 好吗"));
        Assert.AreEqual("你好<noise>", zh.Decode(new[] { 3, 4, 6 }));
    }

    [TestMethod]
    public void RejectsBpeAndMalformedUnitsFilesWithFileAndLine()
    {
        string bpe = AsrFixture.PathOf("units_bpe.txt");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => CharTokenizer.Load(bpe));
        StringAssert.Contains(e.Message, bpe + ":4:");
        StringAssert.Contains(e.Message, "BPE");

        string dir = TestSupport.TempDir();
        void Bad(string text, string expectedFragment)
        {
            string p = Path.Combine(dir, $"bad{Guid.NewGuid():N}.txt");
            File.WriteAllText(p, text);
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => CharTokenizer.Load(p));
            StringAssert.Contains(ex.Message, p);
            StringAssert.Contains(ex.Message, expectedFragment);
        }
        Bad("<blank> 0\n<unk> 1\nA\n<sos/eos> 3\n", ":3: expected 'token id'");
        Bad("<blank> 0\n<unk> 1\nA x\n<sos/eos> 3\n", ":3: id 'x'");
        Bad("<blank> 0\n<unk> 1\nA 2\nB 2\n<sos/eos> 3\n", ":4: id 2 already used");
        Bad("<blank> 0\n<unk> 1\nA 2\nA 3\n<sos/eos> 4\n", ":4: unit 'A' already listed");
        Bad("<blank> 0\n<unk> 1\nA 2\n<sos/eos> 4\n", "id 3 is missing");
        Bad("<unk> 0\n<blank> 1\nA 2\n<sos/eos> 3\n", ":1: id 0 must be <blank>");
        Bad("<blank> 0\n<unk> 1\n<sos/eos> 2\nA 3\n", ":4: id 3 must be <sos/eos>");
        Assert.ThrowsExactly<FileNotFoundException>(() => CharTokenizer.Load(Path.Combine(dir, "missing.txt")));
        Directory.Delete(dir, true);
    }
}
