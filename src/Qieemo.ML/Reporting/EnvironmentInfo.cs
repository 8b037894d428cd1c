using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Qieemo.ML.Reporting;

/// <summary>Where the evaluation ran: machine, OS, threads, device and library versions.</summary>
public sealed record EnvironmentInfo
{
    /// <summary>Machine name.</summary>
    [JsonPropertyName("machine")] public string Machine { get; init; } = "";

    /// <summary>Operating system description.</summary>
    [JsonPropertyName("os")] public string OperatingSystem { get; init; } = "";

    /// <summary>Processor architecture.</summary>
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";

    /// <summary>Logical processors available to the process.</summary>
    [JsonPropertyName("processor_count")] public int ProcessorCount { get; init; }

    /// <summary>Threads the computation used (e.g. TorchSharp intra-op threads), or null.</summary>
    [JsonPropertyName("threads")] public int? Threads { get; init; }

    /// <summary>Compute device, e.g. "cpu" or "cuda:0".</summary>
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";

    /// <summary>Versions of the runtime and libraries (name → version).</summary>
    [JsonPropertyName("versions")] public Dictionary<string, string> Versions { get; init; } = new();

    /// <summary>
    /// Describes the current process: machine, OS, processor count, .NET runtime and the versions of
    /// Qieemo.ML, Microsoft.ML, TorchSharp and ScottPlot (from their assemblies' informational versions).
    /// </summary>
    /// <param name="device">The compute device used.</param>
    /// <param name="threads">Threads used, or null.</param>
    public static EnvironmentInfo Capture(string device = "cpu", int? threads = null)
    {
        var versions = new Dictionary<string, string> { [".NET"] = RuntimeInformation.FrameworkDescription };
        foreach (var (name, type) in new[]
                 {
                     ("Qieemo.ML", typeof(EnvironmentInfo)),
                     ("Microsoft.ML", typeof(Microsoft.ML.MLContext)),
                     ("TorchSharp", typeof(TorchSharp.torch)),
                     ("ScottPlot", typeof(ScottPlot.Plot)),
                 })
            versions[name] = VersionOf(type.Assembly);
        return new EnvironmentInfo
        {
            Machine = Environment.MachineName,
            OperatingSystem = RuntimeInformation.OSDescription,
            Architecture = RuntimeInformation.ProcessArchitecture.ToString(),
            ProcessorCount = Environment.ProcessorCount,
            Threads = threads,
            Device = device,
            Versions = versions,
        };
    }

    private static string VersionOf(Assembly assembly)
    {
        string? v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Drop the "+commit" suffix the SDK appends to informational versions.
        if (v != null && v.IndexOf('+') is int plus and > 0) v = v[..plus];
        return v ?? assembly.GetName().Version?.ToString() ?? "unknown";
    }
}
