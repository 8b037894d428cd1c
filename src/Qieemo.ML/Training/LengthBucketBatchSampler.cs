namespace Qieemo.ML.Training;

/// <summary>
/// Training batches grouped by length: each epoch shuffles all utterances, cuts them into buckets
/// of <see cref="BatchSamplerOptions.BucketSize"/>, sorts every bucket by frames, packs batches
/// under <see cref="BatchSamplerOptions.MaxFramesPerBatch"/> (padded frames) and
/// <see cref="BatchSamplerOptions.MaxBatchSize"/>, then shuffles the batch order. Every index
/// appears exactly once per epoch; the result depends only on (seed, epoch).
/// </summary>
public sealed class LengthBucketBatchSampler
{
    private readonly int[] _frames;

    /// <summary>Creates a sampler over utterances with the given frame counts.</summary>
    public LengthBucketBatchSampler(IReadOnlyList<int> frames, BatchSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(frames);
        options.Validate();
        _frames = CheckFrames(frames);
        Options = options.Clone();
    }

    /// <summary>The options (a copy).</summary>
    public BatchSamplerOptions Options { get; }

    /// <summary>Number of utterances.</summary>
    public int Count => _frames.Length;

    /// <summary>The batches of <paramref name="epoch"/>: lists of utterance indices, shorter utterances first within a batch.</summary>
    public IReadOnlyList<int[]> GetBatches(int epoch)
    {
        var rng = new Random(Determinism.DeriveSeed(Options.Seed, epoch, Determinism.SamplerStream));
        var order = Enumerable.Range(0, _frames.Length).ToArray();
        Shuffle(order, rng);
        int bucket = Options.BucketSize == 0 ? Math.Max(1, order.Length) : Options.BucketSize;
        var batches = new List<int[]>();
        for (int start = 0; start < order.Length; start += bucket)
        {
            var chunk = order.AsSpan(start, Math.Min(bucket, order.Length - start)).ToArray();
            // Stable order for equal lengths (OrderBy is stable), so the result is the same on every runtime.
            var sorted = chunk.OrderBy(i => _frames[i]);
            batches.AddRange(Pack(sorted, _frames, Options.MaxFramesPerBatch, Options.MaxBatchSize));
        }
        if (Options.ShuffleBatches)
        {
            var arr = batches.ToArray();
            Shuffle(arr, rng);
            return arr;
        }
        return batches;
    }

    /// <summary>
    /// Greedy packing in the given order: a batch is closed when one more utterance would exceed
    /// the batch size or make B × Tmax exceed the frame budget.
    /// </summary>
    internal static List<int[]> Pack(IEnumerable<int> ordered, int[] frames, int maxFrames, int maxBatch)
    {
        var result = new List<int[]>();
        var current = new List<int>();
        long currentMax = 0;
        foreach (int i in ordered)
        {
            long newMax = Math.Max(currentMax, frames[i]);
            bool full = current.Count > 0 &&
                ((maxBatch > 0 && current.Count + 1 > maxBatch) || (maxFrames > 0 && newMax * (current.Count + 1) > maxFrames));
            if (full)
            {
                result.Add(current.ToArray());
                current.Clear();
                newMax = frames[i];
            }
            current.Add(i);
            currentMax = newMax;
        }
        if (current.Count > 0) result.Add(current.ToArray());
        return result;
    }

    internal static int[] CheckFrames(IReadOnlyList<int> frames)
    {
        var copy = frames.ToArray();
        for (int i = 0; i < copy.Length; i++)
            if (copy[i] <= 0) throw new ArgumentException($"utterance {i} has {copy[i]} frames; every utterance needs at least one", nameof(frames));
        return copy;
    }

    private static void Shuffle<T>(T[] a, Random rng)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
