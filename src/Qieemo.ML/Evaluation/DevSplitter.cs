namespace Qieemo.ML.Evaluation;

/// <summary>Carves a seeded dev split out of a fold's training rows (<see cref="DevSplitMode"/>).</summary>
internal static class DevSplitter
{
    /// <summary>The rows (a subset of <paramref name="trainRows"/>) that go to the dev split.</summary>
    /// <param name="trainRows">Row positions of the training sessions, ascending.</param>
    /// <param name="labels">Label name of every row of the data (null = missing; its own stratum).</param>
    /// <param name="speakers">Speaker of every row of the data, for <see cref="DevSplitMode.Speaker"/>.</param>
    /// <param name="options">Fraction, seed and mode.</param>
    /// <param name="foldIndex">Mixed into the seed so that folds draw independently.</param>
    /// <param name="testSession">For messages.</param>
    public static HashSet<long> Split(IReadOnlyList<long> trainRows, string?[] labels, string?[]? speakers,
        SessionCrossValidationOptions options, int foldIndex, string testSession)
    {
        var dev = new HashSet<long>();
        if (options.DevFraction <= 0) return dev;
        if (trainRows.Count < 2)
            throw new InvalidOperationException(
                $"Fold holding out '{testSession}' has {trainRows.Count} training row(s): too few to carve a dev split (DevFraction {options.DevFraction}).");
        var rng = new Random(MixSeed(options.Seed, foldIndex));
        return options.DevSplitBy switch
        {
            DevSplitMode.StratifiedUtterances => Stratified(trainRows, labels, options.DevFraction, rng),
            DevSplitMode.Speaker => BySpeaker(trainRows, speakers!, options, rng, testSession),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"Unknown DevSplitBy {options.DevSplitBy}."),
        };
    }

    private static HashSet<long> Stratified(IReadOnlyList<long> trainRows, string?[] labels, double fraction, Random rng)
    {
        int n = trainRows.Count;
        // Exactly round(fraction * n) dev rows, at least 1 and leaving at least 1 for training.
        int target = (int)Math.Clamp(Math.Round(fraction * n, MidpointRounding.AwayFromZero), 1, n - 1);

        var strata = trainRows.GroupBy(r => labels[r] ?? "", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToArray())
            .ToArray();

        // Largest-remainder allocation of the target over the strata, proportional to their sizes.
        var quota = new int[strata.Length];
        var remainder = new double[strata.Length];
        for (int s = 0; s < strata.Length; s++)
        {
            double exact = (double)target * strata[s].Length / n;
            quota[s] = (int)Math.Floor(exact);
            remainder[s] = exact - quota[s];
        }
        int left = target - quota.Sum();
        foreach (int s in Enumerable.Range(0, strata.Length).OrderByDescending(s => remainder[s]).ThenBy(s => s).Take(left))
            quota[s]++;

        var dev = new HashSet<long>();
        for (int s = 0; s < strata.Length; s++)
        {
            long[] rows = strata[s];
            Shuffle(rows, rng);
            for (int i = 0; i < quota[s]; i++) dev.Add(rows[i]);
        }
        return dev;
    }

    private static HashSet<long> BySpeaker(IReadOnlyList<long> trainRows, string?[] speakers, SessionCrossValidationOptions options,
        Random rng, string testSession)
    {
        foreach (long r in trainRows)
            if (speakers[r] == null)
                throw new InvalidDataException($"Row {r} has a missing value in speaker column '{options.SpeakerColumnName}'.");
        var bySpeaker = trainRows.GroupBy(r => speakers[r]!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToArray())
            .ToArray();
        if (bySpeaker.Length < 2)
            throw new InvalidOperationException(
                $"Fold holding out '{testSession}': the training sessions have {bySpeaker.Length} speaker(s) in column '{options.SpeakerColumnName}'; " +
                "a speaker dev split needs at least 2.");
        Shuffle(bySpeaker, rng);

        // Greedy over a random speaker order: take a speaker when it brings the dev size closer to the target.
        double target = options.DevFraction * trainRows.Count;
        var dev = new HashSet<long>();
        int chosen = 0;
        foreach (var rows in bySpeaker)
        {
            if (chosen == bySpeaker.Length - 1) break;
            if (chosen == 0 || Math.Abs(dev.Count + rows.Length - target) < Math.Abs(dev.Count - target))
            {
                foreach (long r in rows) dev.Add(r);
                chosen++;
            }
        }
        return dev;
    }

    private static void Shuffle<T>(T[] items, Random rng)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    // Seeded System.Random is reproducible across runs and platforms; mix the fold in so folds differ.
    private static int MixSeed(int seed, int foldIndex) => unchecked(seed * 1_000_003 + foldIndex * 7_919 + 17);
}
