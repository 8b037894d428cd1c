using Qieemo.ML.Runtime;

namespace Qieemo.ML.Tests.Runtime;

/// <summary>Loading libtorch: the build's GLIBCXX fix-up, the explanation of a load failure, devices.</summary>
[TestClass]
public sealed class TorchRuntimeTests
{
    private static bool SystemLacksGlibcxx32()
    {
        const string lib = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        return OperatingSystem.IsLinux() && File.Exists(lib) &&
               File.ReadAllBytes(lib).AsSpan().IndexOf("GLIBCXX_3.4.32\0"u8) < 0;
    }

    [TestMethod]
    public void LibTorchLoadsFromTheBuildOutput()
    {
        TorchRuntime.EnsureLoaded();
        Assert.AreEqual(6f, TorchSharp.torch.arange(4).sum().item<long>());
    }

    [TestMethod]
    public void TheCopiedNativeLibraryHasItsGlibcxxRequirementMarkedWeak()
    {
        if (!SystemLacksGlibcxx32()) Assert.Inconclusive("this system's libstdc++ has GLIBCXX_3.4.32: nothing is patched");
        string lib = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.IsTrue(File.Exists(lib), lib);
        // readelf (binutils) lists version needs with their flags; the patched entry says WEAK.
        if (TestSupport.FindOnPath("readelf") == null) Assert.Inconclusive("readelf is not installed");
        string needs = TestSupport.Run("readelf", "-V", lib);
        var line = needs.Split('\n').First(l => l.Contains("Name: GLIBCXX_3.4.32"));
        StringAssert.Contains(line, "WEAK", line);
    }

    [TestMethod]
    public void ALoadFailureIsExplained()
    {
        string message = TorchRuntime.Explain(new DllNotFoundException("libLibTorchSharp.so: cannot open shared object"));
        StringAssert.Contains(message, "could not be loaded");
        StringAssert.Contains(message, "libLibTorchSharp.so: cannot open shared object", "the cause is kept");
        if (SystemLacksGlibcxx32())
        {
            StringAssert.Contains(message, "GLIBCXX_3.4.32");
            StringAssert.Contains(message, "build.sh");
        }
    }

    [TestMethod]
    public void DevicesResolveOrFailClearly()
    {
        Assert.AreEqual(TorchSharp.DeviceType.CPU, TorchRuntime.ResolveDevice("cpu").type);
        if (!TorchSharp.torch.cuda.is_available())
        {
            Assert.AreEqual(TorchSharp.DeviceType.CPU, TorchRuntime.ResolveDevice("auto").type);
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => TorchRuntime.ResolveDevice("cuda"));
            StringAssert.Contains(e.Message, "CUDA is not available");
        }
        Assert.ThrowsExactly<ArgumentException>(() => TorchRuntime.ResolveDevice("tpu"));
    }
}
