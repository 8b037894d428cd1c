namespace Qieemo.ML.Training;

/// <summary>
/// Evaluation batches: utterances sorted by length (longest first, so an out-of-memory shows at
/// the first batch; ties keep their index order), packed under the same limits as
/// <see cref="LengthBucketBatchSampler"/>, no randomness. <see cref="Restore{T}"/> puts per-utterance
/// results back into the original order.
/// </summary>
public sealed class SortedBatchSampler
{
    private readonly int[] _order;

    /// <summary>Creates the batches for utterances with the given frame counts (Seed, BucketSize and ShuffleBatches are ignored).</summary>
    public SortedBatchSampler(IReadOnlyList<int> frames, BatchSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(frames);
        options.Validate();
        var f = LengthBucketBatchSampler.CheckFrames(frames);
        _order = Enumerable.Range(0, f.Length).OrderByDescending(i => f[i]).ToArray();
        Batches = LengthBucketBatchSampler.Pack(_order, f, options.MaxFramesPerBatch, options.MaxBatchSize);
    }

    /// <summary>The batches, in evaluation order.</summary>
    public IReadOnlyList<int[]> Batches { get; }

    /// <summary>Position in evaluation order → original utterance index (the batches concatenated).</summary>
    public IReadOnlyList<int> Order => _order;

    /// <summary>
    /// Takes one result per utterance in evaluation order (the batches' rows concatenated) and
    /// returns them in the original utterance order.
    /// </summary>
    public T[] Restore<T>(IReadOnlyList<T> resultsInBatchOrder)
    {
        if (resultsInBatchOrder.Count != _order.Length)
            throw new ArgumentException($"{resultsInBatchOrder.Count} results for {_order.Length} utterances", nameof(resultsInBatchOrder));
        var restored = new T[_order.Length];
        for (int k = 0; k < _order.Length; k++) restored[_order[k]] = resultsInBatchOrder[k];
        return restored;
    }
}
