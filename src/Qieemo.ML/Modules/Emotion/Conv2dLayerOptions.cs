namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// One Conv2D layer of the MMF module, applied to the stacked block image [B, channels, time, feature].
/// Padding is always kernel/2 ("same" for odd kernels), so the output time length is
/// floor((L + 2*(k/2) - k) / stride) + 1 = ceil(L / stride) for odd kernels.
/// </summary>
public sealed class Conv2dLayerOptions
{
    /// <summary>Output channels of the layer.</summary>
    public int Channels { get; set; } = 32;

    /// <summary>Kernel size along time (frames). Must be odd.</summary>
    public int KernelTime { get; set; } = 3;

    /// <summary>Kernel size along the feature axis. Must be odd.</summary>
    public int KernelFeature { get; set; } = 3;

    /// <summary>Stride along time; a stride s gives n = ceil(T / s) emotion-feature positions.</summary>
    public int StrideTime { get; set; } = 1;

    /// <summary>Stride along the feature axis (shrinks the width seen by the output projection).</summary>
    public int StrideFeature { get; set; } = 1;

    internal void Validate(string where)
    {
        if (Channels < 1) throw new ArgumentException($"{where}.Channels must be >= 1 (got {Channels})");
        if (KernelTime < 1 || KernelTime % 2 == 0) throw new ArgumentException($"{where}.KernelTime must be a positive odd number (got {KernelTime})");
        if (KernelFeature < 1 || KernelFeature % 2 == 0) throw new ArgumentException($"{where}.KernelFeature must be a positive odd number (got {KernelFeature})");
        if (StrideTime < 1) throw new ArgumentException($"{where}.StrideTime must be >= 1 (got {StrideTime})");
        if (StrideFeature < 1) throw new ArgumentException($"{where}.StrideFeature must be >= 1 (got {StrideFeature})");
    }

    /// <summary>Output length of this layer along time for an input of <paramref name="length"/> frames.</summary>
    internal long OutputTime(long length) => (length + 2 * (KernelTime / 2) - KernelTime) / StrideTime + 1;

    /// <summary>Output width of this layer along the feature axis.</summary>
    internal long OutputFeature(long width) => (width + 2 * (KernelFeature / 2) - KernelFeature) / StrideFeature + 1;
}
