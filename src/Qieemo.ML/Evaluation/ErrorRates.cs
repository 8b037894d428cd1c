using System.Text;

namespace Qieemo.ML.Evaluation;

/// <summary>Edit operations of one minimum-cost alignment of a hypothesis against a reference.</summary>
/// <param name="Substitutions">Reference units replaced by another unit.</param>
/// <param name="Deletions">Reference units missing from the hypothesis.</param>
/// <param name="Insertions">Hypothesis units with no reference unit.</param>
/// <param name="ReferenceLength">Number of reference units (the rate's denominator).</param>
public readonly record struct EditCounts(int Substitutions, int Deletions, int Insertions, int ReferenceLength)
{
    /// <summary>Levenshtein distance: substitutions + deletions + insertions.</summary>
    public int Errors => Substitutions + Deletions + Insertions;
    /// <summary>Reference units matched exactly.</summary>
    public int Hits => ReferenceLength - Substitutions - Deletions;
}

/// <summary>One utterance's alignment counts.</summary>
public sealed record UtteranceErrors(string Reference, string Hypothesis, EditCounts Counts);

/// <summary>Corpus-level error rate with its totals and the per-utterance details.</summary>
/// <param name="Rate">Total errors / total reference units.</param>
/// <param name="Substitutions">Substituted units over the corpus.</param>
/// <param name="Deletions">Reference units missing from the hypotheses.</param>
/// <param name="Insertions">Hypothesis units with no reference counterpart.</param>
/// <param name="ReferenceLength">Total reference units (the rate's denominator).</param>
/// <param name="Utterances">Each utterance's reference, hypothesis and counts.</param>
public sealed record ErrorRateReport(
    double Rate, long Substitutions, long Deletions, long Insertions, long ReferenceLength,
    IReadOnlyList<UtteranceErrors> Utterances)
{
    /// <summary>Total edit distance.</summary>
    public long Errors => Substitutions + Deletions + Insertions;
}

/// <summary>
/// Character and word error rates, corpus level: the sum of the utterances' Levenshtein distances divided
/// by the sum of the reference lengths (not the mean of per-utterance rates).
/// </summary>
/// <remarks>
/// <para>CER: characters are Unicode scalar values; all whitespace is removed before aligning, as WeNet's
/// compute-cer/compute-wer scripts skip space characters. Unlike those scripts (which keep runs of Latin
/// letters together as one unit), every character is its own unit here, so English text is scored
/// letter by letter.</para>
/// <para>WER: words are the whitespace-separated pieces; comparison is ordinal (case-sensitive), with no
/// punctuation removal: normalise both sides beforehand if needed.</para>
/// <para>Substitution/deletion/insertion counts: the distance is unique but its split is not (deletions minus
/// insertions is always the length difference, so only substitutions versus deletion+insertion pairs can vary).
/// The backtrace (from the end) prefers the diagonal (hit or substitution), then a deletion, then an insertion.</para>
/// </remarks>
public static class ErrorRates
{
    /// <summary>Corpus character error rate (whitespace removed).</summary>
    /// <exception cref="ArgumentException">The references hold no characters at all (the rate is undefined).</exception>
    public static double Cer(IEnumerable<(string reference, string hypothesis)> pairs) => CerReport(pairs).Rate;

    /// <summary>Corpus word error rate (whitespace-separated words).</summary>
    /// <exception cref="ArgumentException">The references hold no words at all (the rate is undefined).</exception>
    public static double Wer(IEnumerable<(string reference, string hypothesis)> pairs) => WerReport(pairs).Rate;

    /// <summary>Corpus CER with totals and per-utterance substitutions, deletions and insertions.</summary>
    public static ErrorRateReport CerReport(IEnumerable<(string reference, string hypothesis)> pairs) =>
        Report(pairs, CharUnits, "characters");

    /// <summary>Corpus WER with totals and per-utterance substitutions, deletions and insertions.</summary>
    public static ErrorRateReport WerReport(IEnumerable<(string reference, string hypothesis)> pairs) =>
        Report(pairs, WordUnits, "words");

    /// <summary>The CER units of a text: its characters (Unicode scalar values) without whitespace.</summary>
    public static string[] CharUnits(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var units = new List<string>(text.Length);
        foreach (Rune r in text.EnumerateRunes())
            if (!Rune.IsWhiteSpace(r)) units.Add(r.ToString());
        return units.ToArray();
    }

    /// <summary>The WER units of a text: its whitespace-separated words.</summary>
    public static string[] WordUnits(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Levenshtein alignment of two unit sequences (unit costs), with the tie-breaking described on the class.</summary>
    public static EditCounts Align<T>(IReadOnlyList<T> reference, IReadOnlyList<T> hypothesis, IEqualityComparer<T>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(hypothesis);
        comparer ??= EqualityComparer<T>.Default;
        int n = reference.Count, m = hypothesis.Count;
        // Full table: the backtrace needs it; utterances are short (hundreds of units).
        var d = new int[n + 1, m + 1];
        for (int i = 0; i <= n; i++) d[i, 0] = i;
        for (int j = 0; j <= m; j++) d[0, j] = j;
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= m; j++)
            {
                int diag = d[i - 1, j - 1] + (comparer.Equals(reference[i - 1], hypothesis[j - 1]) ? 0 : 1);
                d[i, j] = Math.Min(diag, Math.Min(d[i - 1, j], d[i, j - 1]) + 1);
            }

        int s = 0, del = 0, ins = 0;
        int a = n, b = m;
        while (a > 0 || b > 0)
        {
            if (a > 0 && b > 0)
            {
                int cost = comparer.Equals(reference[a - 1], hypothesis[b - 1]) ? 0 : 1;
                if (d[a, b] == d[a - 1, b - 1] + cost) { s += cost; a--; b--; continue; }
            }
            if (a > 0 && d[a, b] == d[a - 1, b] + 1) { del++; a--; }
            else { ins++; b--; }
        }
        return new EditCounts(s, del, ins, n);
    }

    private static ErrorRateReport Report(IEnumerable<(string reference, string hypothesis)> pairs, Func<string, string[]> units, string unitName)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var utterances = new List<UtteranceErrors>();
        long s = 0, d = 0, ins = 0, n = 0;
        int index = 0;
        foreach (var (reference, hypothesis) in pairs)
        {
            if (reference == null || hypothesis == null)
                throw new ArgumentException($"pair {index}: reference and hypothesis must not be null", nameof(pairs));
            var counts = Align(units(reference), units(hypothesis), StringComparer.Ordinal);
            utterances.Add(new UtteranceErrors(reference, hypothesis, counts));
            s += counts.Substitutions; d += counts.Deletions; ins += counts.Insertions; n += counts.ReferenceLength;
            index++;
        }
        if (n == 0)
            throw new ArgumentException($"the {index} reference(s) hold no {unitName}: the error rate is undefined", nameof(pairs));
        return new ErrorRateReport((double)(s + d + ins) / n, s, d, ins, n, utterances);
    }
}
