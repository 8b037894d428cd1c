using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Asr;

/// <summary>A CTC hypothesis: its tokens and log p(tokens | x) summed over the alignments kept by the search.</summary>
public sealed record CtcHypothesis(int[] Tokens, double Score);

/// <summary>
/// CTC prefix beam search (as in WeNet's ctc_prefix_beam_search): each prefix keeps two log scores,
/// ending in blank (pb) and ending in a non-blank (pnb); per frame only the top-<c>beamSize</c> tokens
/// are expanded and the best <c>beamSize</c> prefixes by log(e^pb + e^pnb) survive. Without pruning
/// (beam at least the number of prefixes) a hypothesis' score is exactly its CTC log-likelihood.
/// </summary>
public static class CtcPrefixBeamSearch
{
    /// <summary>
    /// Searches one utterance. logProbs [T, V] (log-softmax output; rows beyond <paramref name="length"/> ignored)
    /// -> up to beamSize hypotheses, best first (ties keep insertion order, deterministic).
    /// </summary>
    public static IReadOnlyList<CtcHypothesis> Search(Tensor logProbs, int beamSize, int blankId = 0, long? length = null)
    {
        if (logProbs.dim() != 2) throw new ArgumentException($"logProbs must be [T, V], got [{string.Join(",", logProbs.shape)}]", nameof(logProbs));
        long t = length ?? logProbs.shape[0];
        if (t < 0 || t > logProbs.shape[0]) throw new ArgumentException($"length {t} is outside [0, {logProbs.shape[0]}]", nameof(length));
        int v = (int)logProbs.shape[1];
        using var scope = NewDisposeScope();
        float[] data = logProbs.detach().narrow(0, 0, t).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return Search(data, (int)t, v, beamSize, blankId);
    }

    /// <summary>Searches one utterance given row-major log-probabilities [frames, vocabulary].</summary>
    public static IReadOnlyList<CtcHypothesis> Search(float[] logProbs, int frames, int vocabulary, int beamSize, int blankId = 0)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        if (beamSize < 1) throw new ArgumentException($"beamSize must be at least 1, got {beamSize}", nameof(beamSize));
        if (logProbs.Length < (long)frames * vocabulary) throw new ArgumentException($"logProbs holds {logProbs.Length} values, fewer than {frames} x {vocabulary}");
        if ((uint)blankId >= (uint)vocabulary) throw new ArgumentException($"blankId {blankId} is outside [0, {vocabulary})");

        var current = new List<(Prefix Prefix, double Pb, double Pnb)> { (Prefix.Empty, 0.0, double.NegativeInfinity) };
        int k = Math.Min(beamSize, vocabulary);
        var order = new int[vocabulary];
        for (int f = 0; f < frames; f++)
        {
            int row = f * vocabulary;
            // Top-k tokens of this frame (stable: equal scores keep the lower id first).
            for (int i = 0; i < vocabulary; i++) order[i] = i;
            Array.Sort(order, (a, b) => { int c = logProbs[row + b].CompareTo(logProbs[row + a]); return c != 0 ? c : a.CompareTo(b); });

            var next = new Dictionary<Prefix, int>();
            var entries = new List<(Prefix Prefix, double Pb, double Pnb)>();
            void Add(Prefix p, double pb, double pnb)
            {
                if (next.TryGetValue(p, out int at))
                {
                    var e = entries[at];
                    entries[at] = (p, LogAdd(e.Pb, pb), LogAdd(e.Pnb, pnb));
                }
                else
                {
                    next[p] = entries.Count;
                    entries.Add((p, pb, pnb));
                }
            }

            for (int r = 0; r < k; r++)
            {
                int s = order[r];
                double ps = logProbs[row + s];
                foreach (var (prefix, pb, pnb) in current)
                {
                    if (s == blankId)
                    {
                        // Blank: the prefix stays, now ending in blank.
                        Add(prefix, LogAdd(pb, pnb) + ps, double.NegativeInfinity);
                    }
                    else if (prefix.Length > 0 && s == prefix.Last)
                    {
                        // Repeat without a blank in between merges into the same prefix ...
                        Add(prefix, double.NegativeInfinity, pnb + ps);
                        // ... after a blank it is a new occurrence of the token.
                        Add(prefix.Append(s), double.NegativeInfinity, pb + ps);
                    }
                    else
                    {
                        Add(prefix.Append(s), double.NegativeInfinity, LogAdd(pb, pnb) + ps);
                    }
                }
            }
            // Stable sort: equal scores keep first-seen order.
            current = entries.Select((e, i) => (e, i, score: LogAdd(e.Pb, e.Pnb)))
                .OrderByDescending(x => x.score).ThenBy(x => x.i)
                .Take(beamSize).Select(x => x.e).ToList();
        }
        return current.Select(e => new CtcHypothesis(e.Prefix.ToArray(), LogAdd(e.Pb, e.Pnb))).ToList();
    }

    private static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        double max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }

    /// <summary>Immutable token sequence with value equality (the search's dictionary key).</summary>
    private sealed class Prefix : IEquatable<Prefix>
    {
        public static readonly Prefix Empty = new(Array.Empty<int>());
        private readonly int[] _tokens;
        private readonly int _hash;

        private Prefix(int[] tokens)
        {
            _tokens = tokens;
            var h = new HashCode();
            foreach (int x in tokens) h.Add(x);
            _hash = h.ToHashCode();
        }

        public int Length => _tokens.Length;
        public int Last => _tokens[^1];
        public Prefix Append(int token)
        {
            var t = new int[_tokens.Length + 1];
            _tokens.CopyTo(t, 0);
            t[^1] = token;
            return new Prefix(t);
        }
        public int[] ToArray() => (int[])_tokens.Clone();
        public bool Equals(Prefix? other) => other is not null && _hash == other._hash && _tokens.AsSpan().SequenceEqual(other._tokens);
        public override bool Equals(object? obj) => Equals(obj as Prefix);
        public override int GetHashCode() => _hash;
    }
}
