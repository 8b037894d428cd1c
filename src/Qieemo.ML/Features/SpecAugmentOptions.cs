namespace Qieemo.ML.Features;

/// <summary>
/// Options of <see cref="SpecAugment"/>, named after WeNet's spec_aug arguments (wenet/dataset/processor.py:
/// num_t_mask, max_t, num_f_mask, max_f; time warping as in WeNet's older _spec_augmentation, max_w).
/// </summary>
public sealed class SpecAugmentOptions
{
    /// <summary>Number of time masks (num_t_mask, default 2).</summary>
    public int NumTimeMasks { get; set; } = 2;

    /// <summary>Longest time mask in frames; each length is uniform in [1, MaxTimeMaskFrames] (max_t, default 50).</summary>
    public int MaxTimeMaskFrames { get; set; } = 50;

    /// <summary>Number of frequency masks (num_f_mask, default 2).</summary>
    public int NumFreqMasks { get; set; } = 2;

    /// <summary>Widest frequency mask in bins; each width is uniform in [1, MaxFreqMaskBins] (max_f, default 10).</summary>
    public int MaxFreqMaskBins { get; set; } = 10;

    /// <summary>Warp the time axis before masking (default false).</summary>
    public bool TimeWarp { get; set; }

    /// <summary>Largest shift W of the warp point in frames (default 5); only utterances longer than 2W frames are warped.</summary>
    public int MaxTimeWarp { get; set; } = 5;

    /// <summary>Value written into masked cells (default 0, as WeNet).</summary>
    public float MaskValue { get; set; }

    /// <summary>Seed of the generator used by <see cref="SpecAugment.Apply(float[], int, int)"/>.</summary>
    public int Seed { get; set; }

    /// <summary>A copy of these options.</summary>
    public SpecAugmentOptions Clone() => (SpecAugmentOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        static void Fail(string option, string problem) => throw new ArgumentException($"SpecAugmentOptions.{option}: {problem}", option);
        if (NumTimeMasks < 0) Fail(nameof(NumTimeMasks), $"must be >= 0, got {NumTimeMasks}");
        if (NumFreqMasks < 0) Fail(nameof(NumFreqMasks), $"must be >= 0, got {NumFreqMasks}");
        if (MaxTimeMaskFrames < 1) Fail(nameof(MaxTimeMaskFrames), $"must be >= 1, got {MaxTimeMaskFrames}");
        if (MaxFreqMaskBins < 1) Fail(nameof(MaxFreqMaskBins), $"must be >= 1, got {MaxFreqMaskBins}");
        if (MaxTimeWarp < 1) Fail(nameof(MaxTimeWarp), $"must be >= 1, got {MaxTimeWarp}");
        if (!float.IsFinite(MaskValue)) Fail(nameof(MaskValue), $"must be finite, got {MaskValue}");
    }
}
