using System.Text;
using TorchSharp;

namespace Qieemo.ML.Runtime;

/// <summary>
/// Loading TorchSharp's native library, thread count and device choice. Every Qieemo entry point
/// that uses TorchSharp calls <see cref="EnsureLoaded"/> first, so that a broken native setup
/// fails with a message that says what is wrong and how to fix it, not TorchSharp's
/// "libtorch-cpu-linux-x64 package ... is not restored".
/// </summary>
public static class TorchRuntime
{
    /// <summary>Environment variable with the number of intra-op threads TorchSharp uses (default: all cores).</summary>
    public const string ThreadsVariable = "QIEEMO_THREADS";

    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>Loads libtorch once; throws <see cref="InvalidOperationException"/> explaining the cause when it cannot.</summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException(Explain(e), e);
            }
            if (Environment.GetEnvironmentVariable(ThreadsVariable) is { Length: > 0 } value)
            {
                if (!int.TryParse(value, out int threads) || threads < 1)
                    throw new InvalidOperationException($"{ThreadsVariable}='{value}' is not a positive integer.");
                torch.set_num_threads(threads);
            }
            NativeMemoryTuning.Apply();
            _loaded = true;
        }
    }

    /// <summary>Sets TorchSharp's intra-op thread count (the --threads option; overrides QIEEMO_THREADS).</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be at least 1");
        EnsureLoaded();
        torch.set_num_threads(threads);
    }

    /// <summary>
    /// Resolves "cpu", "cuda", "cuda:N" or "auto" (CUDA when available, else CPU). Asking for CUDA
    /// where it is unavailable is an error that says why (the CPU build of libtorch has no CUDA).
    /// </summary>
    public static torch.Device ResolveDevice(string? name)
    {
        EnsureLoaded();
        string n = (name ?? "auto").Trim().ToLowerInvariant();
        if (n == "cpu") return torch.CPU;
        bool available = torch.cuda.is_available();
        if (n == "auto") return available ? torch.CUDA : torch.CPU;
        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!available)
                throw new InvalidOperationException(
                    $"device '{name}' was requested but CUDA is not available: this build uses the CPU libtorch " +
                    "(build with -p:TorchBackend=cuda on a machine with an NVIDIA driver; see docs/gpu.md), or use --device cpu|auto.");
            return torch.device(n);
        }
        throw new ArgumentException($"unknown device '{name}': use cpu, cuda, cuda:N or auto");
    }

    internal static string Explain(Exception e)
    {
        var message = new StringBuilder("TorchSharp's native library (libtorch) could not be loaded. ");
        if (OperatingSystem.IsLinux() && FindLibStdCxx() is { } libstdcxx && !Defines(libstdcxx, "GLIBCXX_3.4.32"))
        {
            message.Append($"The system libstdc++ ({libstdcxx}) lacks GLIBCXX_3.4.32, which libLibTorchSharp.so of TorchSharp 0.107 asks for. ")
                   .Append("Qieemo's build marks that requirement weak in the copy under bin/ (src/Build/TorchSharp.targets): ")
                   .Append("run ./build.sh build (or dotnet build) and load TorchSharp from that output folder, or install a libstdc++ from GCC 13 or newer. ");
        }
        else
        {
            message.Append("Check that the libtorch-cpu package for this platform was restored and copied next to TorchSharp.dll (runtimes/<rid>/native). ");
        }
        message.Append("Cause: ").Append(e.InnerException?.Message ?? e.Message);
        return message.ToString();
    }

    private static string? FindLibStdCxx() => new[]
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    }.FirstOrDefault(File.Exists);

    private static bool Defines(string library, string version)
    {
        byte[] bytes = File.ReadAllBytes(library);
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        return bytes.AsSpan().IndexOf(needle) >= 0;
    }
}
