namespace Qieemo.ML.Features;

/// <summary>Filterbank features of one utterance: a row-major [Frames, Dim] float32 matrix.</summary>
public sealed class FbankResult
{
    /// <summary>Wraps <paramref name="data"/> (not copied) as a [frames, dim] matrix.</summary>
    public FbankResult(float[] data, int frames, int dim)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (frames < 0 || dim < 1 || (long)frames * dim != data.Length)
            throw new ArgumentException($"data holds {data.Length} values, not {frames} frames x {dim} dims");
        Data = data;
        Frames = frames;
        Dim = dim;
    }

    /// <summary>Row-major values: frame t, dimension d at Data[t * Dim + d].</summary>
    public float[] Data { get; }

    /// <summary>Number of frames (rows).</summary>
    public int Frames { get; }

    /// <summary>Feature dimension (columns): mel bins, plus one leading log-energy column when enabled.</summary>
    public int Dim { get; }

    /// <summary>Frame <paramref name="t"/> as a span.</summary>
    public Span<float> Row(int t) => Data.AsSpan(t * Dim, Dim);
}
