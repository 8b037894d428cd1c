namespace Qieemo.ML.Evaluation;

/// <summary>
/// Mean + standard-deviation pooling of frame-level features into one utterance-level vector (the
/// classical SER baseline: filterbank frames → [mean, std] → a linear classifier).
/// </summary>
/// <remarks>
/// Input is row-major [frames, dim]; output is [mean(dim), std(dim)] = 2 × dim values over the frames
/// that are kept. The std is the population std (ddof = 0, numpy's default and x-vector statistics
/// pooling), with no epsilon. Sums are accumulated in double with a two-pass variance, so the result
/// is the float rounding of the exact statistic.
/// </remarks>
public static class UtteranceStatisticsPooling
{
    /// <summary>Pools all frames, or those where <paramref name="mask"/> is true.</summary>
    /// <param name="frames">Row-major [frameCount, dim] features.</param>
    /// <param name="dim">Feature dimension (row length).</param>
    /// <param name="mask">One flag per frame (true = keep), or empty to keep every frame.</param>
    /// <returns>float[2 × dim]: the means, then the standard deviations.</returns>
    /// <exception cref="ArgumentException">Sizes do not match, or no frame is kept.</exception>
    public static float[] Pool(ReadOnlySpan<float> frames, int dim, ReadOnlySpan<bool> mask = default)
    {
        if (dim <= 0) throw new ArgumentException($"dim must be positive; got {dim}.", nameof(dim));
        if (frames.Length % dim != 0)
            throw new ArgumentException($"{frames.Length} values are not a whole number of {dim}-dimensional frames.", nameof(frames));
        int frameCount = frames.Length / dim;
        if (!mask.IsEmpty && mask.Length != frameCount)
            throw new ArgumentException($"The mask has {mask.Length} flags but there are {frameCount} frames.", nameof(mask));

        var mean = new double[dim];
        int kept = 0;
        for (int t = 0; t < frameCount; t++)
        {
            if (!mask.IsEmpty && !mask[t]) continue;
            kept++;
            var row = frames.Slice(t * dim, dim);
            for (int d = 0; d < dim; d++) mean[d] += row[d];
        }
        if (kept == 0) throw new ArgumentException($"No frame to pool: {frameCount} frames, none kept by the mask.", nameof(mask));
        for (int d = 0; d < dim; d++) mean[d] /= kept;

        var sumSq = new double[dim];
        for (int t = 0; t < frameCount; t++)
        {
            if (!mask.IsEmpty && !mask[t]) continue;
            var row = frames.Slice(t * dim, dim);
            for (int d = 0; d < dim; d++)
            {
                double dev = row[d] - mean[d];
                sumSq[d] += dev * dev;
            }
        }

        var pooled = new float[2 * dim];
        for (int d = 0; d < dim; d++)
        {
            pooled[d] = (float)mean[d];
            pooled[dim + d] = (float)Math.Sqrt(sumSq[d] / kept);
        }
        return pooled;
    }

    /// <summary>Pools the first <paramref name="validFrames"/> frames (the rest is padding).</summary>
    /// <param name="frames">Row-major [frameCount, dim] features.</param>
    /// <param name="dim">Feature dimension.</param>
    /// <param name="validFrames">Number of leading frames to pool, in [1, frameCount].</param>
    public static float[] Pool(ReadOnlySpan<float> frames, int dim, int validFrames)
    {
        if (dim <= 0) throw new ArgumentException($"dim must be positive; got {dim}.", nameof(dim));
        if (validFrames < 1 || (long)validFrames * dim > frames.Length)
            throw new ArgumentException(
                $"validFrames = {validFrames} is outside [1, {frames.Length / dim}] for {frames.Length} values of dim {dim}.", nameof(validFrames));
        return Pool(frames[..(validFrames * dim)], dim);
    }
}
