using System.Text.Json;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Tests.Asr;

[TestClass]
public sealed class ErrorRatesTests
{
    private static JsonElement LoadFixture() =>
        JsonDocument.Parse(File.ReadAllText(AsrFixture.PathOf("error_rates.json"))).RootElement;

    private static List<(string reference, string hypothesis)> Pairs(JsonElement root) =>
        root.GetProperty("pairs").EnumerateArray()
            .Select(p => (p.GetProperty("ref").GetString()!, p.GetProperty("hyp").GetString()!)).ToList();

    private static void AssertCounts(JsonElement expected, EditCounts actual, string what)
    {
        Assert.AreEqual(expected.GetProperty("s").GetInt32(), actual.Substitutions, $"{what}: substitutions");
        Assert.AreEqual(expected.GetProperty("d").GetInt32(), actual.Deletions, $"{what}: deletions");
        Assert.AreEqual(expected.GetProperty("i").GetInt32(), actual.Insertions, $"{what}: insertions");
        Assert.AreEqual(expected.GetProperty("n").GetInt32(), actual.ReferenceLength, $"{what}: reference length");
    }

    [TestMethod]
    public void CorpusCerAndWerMatchReferenceScript()
    {
        var root = LoadFixture();
        var pairs = Pairs(root);
        Assert.IsTrue(pairs.Count >= 30);
        Assert.IsTrue(pairs.Any(p => p.reference.Length == 0) && pairs.Any(p => p.hypothesis.Length == 0), "fixture covers empty strings");
        Assert.AreEqual(root.GetProperty("cer").GetDouble(), ErrorRates.Cer(pairs), 1e-12);
        Assert.AreEqual(root.GetProperty("wer").GetDouble(), ErrorRates.Wer(pairs), 1e-12);

        var cer = ErrorRates.CerReport(pairs);
        Assert.AreEqual(root.GetProperty("char_edits").GetInt64(), cer.Errors);
        Assert.AreEqual(root.GetProperty("char_ref").GetInt64(), cer.ReferenceLength);
        var wer = ErrorRates.WerReport(pairs);
        Assert.AreEqual(root.GetProperty("word_edits").GetInt64(), wer.Errors);
        Assert.AreEqual(root.GetProperty("word_ref").GetInt64(), wer.ReferenceLength);
    }

    [TestMethod]
    public void PerUtteranceCountsMatchReferenceScript()
    {
        var root = LoadFixture();
        var expected = root.GetProperty("pairs").EnumerateArray().ToList();
        var pairs = Pairs(root);
        var cer = ErrorRates.CerReport(pairs);
        var wer = ErrorRates.WerReport(pairs);
        Assert.AreEqual(expected.Count, cer.Utterances.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(pairs[i].reference, cer.Utterances[i].Reference);
            Assert.AreEqual(pairs[i].hypothesis, wer.Utterances[i].Hypothesis);
            AssertCounts(expected[i].GetProperty("char"), cer.Utterances[i].Counts, $"pair {i} chars");
            AssertCounts(expected[i].GetProperty("word"), wer.Utterances[i].Counts, $"pair {i} words");
        }
        Assert.AreEqual(cer.Utterances.Sum(u => (long)u.Counts.Substitutions), cer.Substitutions);
        Assert.AreEqual(wer.Utterances.Sum(u => (long)u.Counts.Insertions), wer.Insertions);
    }

    [TestMethod]
    public void HandWorkedExamples()
    {
        // "AB" -> "BA": distance 2; the backtrace prefers the diagonal: 2 substitutions.
        Assert.AreEqual(new EditCounts(2, 0, 0, 2), ErrorRates.Align(new[] { 'A', 'B' }, new[] { 'B', 'A' }));
        // kitten -> sitting: 2 substitutions + 1 insertion.
        Assert.AreEqual(new EditCounts(2, 0, 1, 6), ErrorRates.Align("kitten".ToCharArray(), "sitting".ToCharArray()));
        // CER ignores spaces; WER splits on any whitespace.
        Assert.AreEqual(0.0, ErrorRates.Cer(new[] { ("THE CAT", "THEC AT") }));
        Assert.AreEqual(1.0, ErrorRates.Wer(new[] { ("THE CAT", "THEC AT") }));
        Assert.AreEqual(0.0, ErrorRates.Wer(new[] { (" THE\tCAT ", "THE CAT") }));
        // Corpus level: (1 + 0) / (3 + 1), not the mean of the utterance rates (1/3 and 0).
        Assert.AreEqual(0.25, ErrorRates.Cer(new[] { ("ABC", "ABD"), ("E", "E") }), 1e-15);
        // Insertions can exceed the reference length.
        Assert.AreEqual(3.0, ErrorRates.Wer(new[] { ("A", "B C D") }), 1e-15);
        // Surrogate pairs are one character.
        Assert.AreEqual(new EditCounts(1, 0, 0, 2), ErrorRates.CerReport(new[] { ("a\U0001F600", "ab") }).Utterances[0].Counts);
    }

    [TestMethod]
    public void UndefinedRatesThrow()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => ErrorRates.Cer(new[] { ("", "A"), (" ", "") }));
        StringAssert.Contains(e.Message, "no characters");
        Assert.ThrowsExactly<ArgumentException>(() => ErrorRates.Wer(Array.Empty<(string, string)>()));
        Assert.ThrowsExactly<ArgumentException>(() => ErrorRates.Wer(new[] { ("A", (string)null!) }));
    }
}
