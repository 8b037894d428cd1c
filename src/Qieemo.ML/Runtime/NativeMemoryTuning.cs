using System.Runtime.InteropServices;

namespace Qieemo.ML.Runtime;

/// <summary>
/// glibc malloc settings for training-sized tensors. By default glibc serves every block above its
/// (adaptive, at most 32 MiB) mmap threshold with a fresh mmap and trims freed heap top above 128 KiB,
/// so each training step maps, zero-faults and unmaps the same tens of megabytes of activations again
/// (about 30,000 minor page faults per step of the <c>small</c> encoder on a 4×600-frame batch).
/// Raising the mmap threshold to its 32 MiB maximum and the trim threshold to 1 GiB lets the heap keep
/// that memory between steps: the page faults drop by ~20× and a training step gets 10–15% faster
/// (test/benchmarks/encoder-train.bench.sh prints the faults per step). The price is that up to 1 GiB of
/// freed memory stays mapped to the process instead of going back to the OS between steps.
/// <para>Applied once by <see cref="TorchRuntime.EnsureLoaded"/> on Linux with glibc, unless
/// <c>QIEEMO_MALLOC_TUNING=0</c> or the user already tunes malloc through <c>MALLOC_MMAP_THRESHOLD_</c>,
/// <c>MALLOC_TRIM_THRESHOLD_</c> or <c>GLIBC_TUNABLES</c> (their choice wins).</para>
/// </summary>
public static class NativeMemoryTuning
{
    /// <summary>Environment variable that turns the tuning off when set to 0.</summary>
    public const string Variable = "QIEEMO_MALLOC_TUNING";

    /// <summary>Blocks at or above this size are mmapped (glibc's largest allowed value on 64-bit).</summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>Free memory at the heap top beyond this is returned to the OS.</summary>
    public const int TrimThresholdBytes = 1 << 30;

    /// <summary>The <see cref="SkippedBecause"/> text when the C library is not glibc (musl, for one).</summary>
    public const string NoGlibc = "no glibc mallopt in this process";

    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;

    private static readonly object Gate = new();

    /// <summary>Whether the settings are in effect in this process.</summary>
    public static bool Applied { get; private set; }

    /// <summary>Why the settings were not applied (null when they were, or before <see cref="Apply"/>).</summary>
    public static string? SkippedBecause { get; private set; }

    /// <summary>Applies the settings once; returns whether they are in effect.</summary>
    public static bool Apply()
    {
        lock (Gate)
        {
            if (Applied || SkippedBecause != null) return Applied;
            SkippedBecause = Reason();
            if (SkippedBecause == null)
            {
                try
                {
                    Applied = mallopt(M_MMAP_THRESHOLD, MmapThresholdBytes) == 1 && mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) == 1;
                    if (!Applied) SkippedBecause = "mallopt refused the values";
                }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
                {
                    SkippedBecause = NoGlibc;
                }
            }
            return Applied;
        }
    }

    private static string? Reason()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        if (Environment.GetEnvironmentVariable(Variable) == "0") return $"{Variable}=0";
        foreach (var name in new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES" })
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))) return $"{name} is set";
        return null;
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
