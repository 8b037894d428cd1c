namespace Qieemo.ML.Features;

/// <summary>
/// SpecAugment with WeNet's semantics (wenet/dataset/processor.py spec_aug): optional time warp, then
/// <see cref="SpecAugmentOptions.NumTimeMasks"/> time masks (start uniform in [0, T-1], length uniform in
/// [1, max_t], clipped at the end), then frequency masks likewise over the feature dimension; masked cells are set to
/// <see cref="SpecAugmentOptions.MaskValue"/> (0).
/// <para>Where to apply it: WeNet applies spec_aug to raw log-mel fbank in the data pipeline and its model applies
/// global CMVN afterwards, so masked cells reach the encoder as (0 - mean) * istd. To reproduce WeNet training (the
/// regime WeNet-pretrained encoders saw), apply this before <see cref="GlobalCmvn.Apply(FbankResult)"/>; applied
/// after CMVN, 0 is the per-dimension mean, which is the SpecAugment paper's choice. This class does not decide:
/// it masks whatever it is given.</para>
/// </summary>
public sealed class SpecAugment
{
    private readonly SpecAugmentOptions _o;
    private readonly Random _rng;

    /// <summary>Validates and keeps a copy of <paramref name="options"/>; the own generator is seeded with its Seed.</summary>
    public SpecAugment(SpecAugmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _o = options.Clone();
        _rng = new Random(_o.Seed);
    }

    /// <summary>A copy of the options in use.</summary>
    public SpecAugmentOptions Options => _o.Clone();

    /// <summary>Augments with this instance's seeded generator (not thread-safe; use the overload taking a Random per thread).</summary>
    public void Apply(float[] data, int frames, int dim) => Apply(data, frames, dim, _rng);

    /// <summary>Augments <paramref name="frames"/> x <paramref name="dim"/> row-major features in place, drawing from <paramref name="rng"/>.</summary>
    public void Apply(float[] data, int frames, int dim, Random rng)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rng);
        if (frames < 0 || dim < 1 || (long)frames * dim != data.Length)
            throw new ArgumentException($"data holds {data.Length} values, not {frames} frames x {dim} dims", nameof(data));
        if (frames == 0) return;

        if (_o.TimeWarp) Warp(data, frames, dim, rng);

        for (int m = 0; m < _o.NumTimeMasks; m++)
        {
            int start = rng.Next(0, frames);                         // randint(0, T-1)
            int length = rng.Next(1, _o.MaxTimeMaskFrames + 1);      // randint(1, max_t)
            int end = Math.Min(frames, start + length);
            data.AsSpan(start * dim, (end - start) * dim).Fill(_o.MaskValue);
        }
        for (int m = 0; m < _o.NumFreqMasks; m++)
        {
            int start = rng.Next(0, dim);
            int length = rng.Next(1, _o.MaxFreqMaskBins + 1);
            int end = Math.Min(dim, start + length);
            for (int t = 0; t < frames; t++) data.AsSpan(t * dim + start, end - start).Fill(_o.MaskValue);
        }
    }

    /// <summary>
    /// Time warp as WeNet's _spec_augmentation: when T &gt; 2W, pick center c in [W, T-W) and a new position
    /// w in [c-W+1, c+W], then stretch frames [0, c) onto [0, w) and [c, T) onto [w, T). WeNet resizes with PIL
    /// bicubic; we interpolate linearly with aligned end points, so frame 0, frame T-1 and the shape are kept.
    /// </summary>
    private void Warp(float[] data, int frames, int dim, Random rng)
    {
        int w = _o.MaxTimeWarp;
        if (frames <= 2 * w) return;
        int center = rng.Next(w, frames - w);                 // randrange(max_w, T - max_w)
        int warped = rng.Next(center - w, center + w) + 1;    // randrange(c - max_w, c + max_w) + 1
        if (warped == center) return;
        var source = (float[])data.Clone();
        Stretch(source, 0, center, data, 0, warped, dim, singleFromEnd: false);
        Stretch(source, center, frames - center, data, warped, frames - warped, dim, singleFromEnd: true);
    }

    /// <summary>Linear resampling of <paramref name="srcLen"/> frames onto <paramref name="dstLen"/> frames, first and last
    /// aligned; a single output frame copies the segment's last frame when <paramref name="singleFromEnd"/> (the
    /// utterance's final frame), else its first.</summary>
    private static void Stretch(float[] src, int srcStart, int srcLen, float[] dst, int dstStart, int dstLen, int dim, bool singleFromEnd)
    {
        for (int i = 0; i < dstLen; i++)
        {
            double pos = dstLen == 1 ? (singleFromEnd ? srcLen - 1 : 0) : i * (double)(srcLen - 1) / (dstLen - 1);
            int i0 = (int)Math.Floor(pos);
            int i1 = Math.Min(i0 + 1, srcLen - 1);
            float f = (float)(pos - i0);
            var a = src.AsSpan((srcStart + i0) * dim, dim);
            var b = src.AsSpan((srcStart + i1) * dim, dim);
            var o = dst.AsSpan((dstStart + i) * dim, dim);
            for (int k = 0; k < dim; k++) o[k] = a[k] + f * (b[k] - a[k]);
        }
    }
}
