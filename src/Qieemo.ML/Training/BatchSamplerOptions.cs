namespace Qieemo.ML.Training;

/// <summary>
/// How utterances are grouped into mini-batches (WeNet's <c>sort</c> + <c>batch</c> stages:
/// <c>sort_size</c> and <c>max_frames_in_batch</c> / <c>batch_size</c>).
/// </summary>
public sealed class BatchSamplerOptions
{
    /// <summary>
    /// Upper bound on the padded frames of a batch, B × Tmax (what memory grows with); 0 = no bound.
    /// An utterance longer than this on its own becomes a batch of one.
    /// </summary>
    public int MaxFramesPerBatch { get; set; }

    /// <summary>Upper bound on the utterances in a batch; 0 = no bound.</summary>
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>
    /// Utterances per bucket (WeNet's <c>sort_size</c>): after a shuffle the list is cut into
    /// buckets of this size and sorted by length inside each, so batches hold similar lengths
    /// while the epoch stays random. 0 = one bucket holding everything.
    /// </summary>
    public int BucketSize { get; set; } = 500;

    /// <summary>Shuffle the order of the batches of an epoch (training: true).</summary>
    public bool ShuffleBatches { get; set; } = true;

    /// <summary>Seed; the order of epoch e depends only on (Seed, e).</summary>
    public int Seed { get; set; } = 777;

    /// <summary>Throws when the options cannot make batches.</summary>
    public void Validate()
    {
        if (MaxFramesPerBatch < 0) throw new ArgumentException($"MaxFramesPerBatch must be ≥ 0, got {MaxFramesPerBatch}");
        if (MaxBatchSize < 0) throw new ArgumentException($"MaxBatchSize must be ≥ 0, got {MaxBatchSize}");
        if (BucketSize < 0) throw new ArgumentException($"BucketSize must be ≥ 0, got {BucketSize}");
        if (MaxFramesPerBatch == 0 && MaxBatchSize == 0)
            throw new ArgumentException("set MaxFramesPerBatch and/or MaxBatchSize: with neither the whole set would be one batch");
    }

    /// <summary>A copy of these options.</summary>
    public BatchSamplerOptions Clone() => (BatchSamplerOptions)MemberwiseClone();
}
