using Qieemo.ML.Runtime;

namespace Qieemo.ML.Tests.Runtime;

/// <summary>
/// The glibc malloc settings that keep training-sized activations in the heap between steps. Their effect
/// (minor page faults per training step, ~30,000 → ~1,000 for the <c>small</c> encoder) is shown by
/// test/benchmarks/encoder-train.bench.sh, which runs the step on the process's main thread as the CLI does;
/// here the test host's worker thread allocates from a per-thread arena, whose free heaps glibc unmaps
/// whatever the trim threshold, so only the setting itself is checked.
/// </summary>
[TestClass]
public sealed class NativeMemoryTuningTests
{
    [TestMethod]
    public void LoadingLibTorchAppliesTheMallocSettingsOnLinux()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("glibc malloc tuning applies to Linux only");
        foreach (var name in new[] { NativeMemoryTuning.Variable, "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES" })
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))) Assert.Inconclusive($"{name} is set in this environment");
        TorchRuntime.EnsureLoaded();
        if (NativeMemoryTuning.SkippedBecause == NativeMemoryTuning.NoGlibc) Assert.Inconclusive("this Linux has no glibc (musl?)");
        Assert.IsTrue(NativeMemoryTuning.Applied, $"not applied: {NativeMemoryTuning.SkippedBecause}");
        Assert.IsNull(NativeMemoryTuning.SkippedBecause);
    }
}
