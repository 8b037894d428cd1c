namespace Qieemo.ML.Features;

/// <summary>
/// Accumulates WeNet compute_cmvn_stats statistics (per-dimension sums of x and x^2, frame count) over
/// utterances, in float64 (WeNet sums in float32; the difference is far below its own rounding noise).
/// </summary>
public sealed class CmvnAccumulator
{
    private double[]? _sum, _sumSq;

    /// <summary>Frames added so far.</summary>
    public long FrameNum { get; private set; }

    /// <summary>Feature dimension, fixed by the first <see cref="Add(ReadOnlySpan{float}, int)"/> (0 before).</summary>
    public int Dim => _sum?.Length ?? 0;

    /// <summary>Adds every frame of <paramref name="features"/>.</summary>
    public void Add(FbankResult features)
    {
        ArgumentNullException.ThrowIfNull(features);
        Add(features.Data, features.Dim);
    }

    /// <summary>Adds row-major [frames, <paramref name="dim"/>] features.</summary>
    public void Add(ReadOnlySpan<float> frames, int dim)
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "dimension must be positive");
        if (frames.Length % dim != 0) throw new ArgumentException($"{frames.Length} values are not whole frames of {dim}", nameof(frames));
        _sum ??= new double[dim];
        _sumSq ??= new double[dim];
        if (dim != _sum.Length) throw new ArgumentException($"features have dimension {dim}, earlier ones had {_sum.Length}", nameof(dim));
        for (int o = 0; o < frames.Length; o += dim)
        {
            var row = frames.Slice(o, dim);
            for (int i = 0; i < dim; i++)
            {
                double x = row[i];
                _sum[i] += x;
                _sumSq[i] += x * x;
            }
        }
        FrameNum += frames.Length / dim;
    }

    /// <summary>The normalisation for everything added.</summary>
    /// <exception cref="InvalidOperationException">No frames were added.</exception>
    public GlobalCmvn Build()
    {
        if (_sum == null || FrameNum == 0) throw new InvalidOperationException("no frames were added: CMVN statistics need at least one frame");
        return new GlobalCmvn(_sum, _sumSq!, FrameNum);
    }
}
