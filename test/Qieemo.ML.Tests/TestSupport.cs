using System.Diagnostics;

namespace Qieemo.ML.Tests;

/// <summary>Paths and external reference tools (sox, flac, espeak-ng) for tests.</summary>
internal static class TestSupport
{
    /// <summary>A file under the test project's TestData folder (copied next to the test assembly).</summary>
    public static string TestData(params string[] parts) =>
        Path.Combine(new[] { AppContext.BaseDirectory, "TestData" }.Concat(parts).ToArray());

    /// <summary>A fresh temporary directory, deleted by the caller or left under /tmp.</summary>
    public static string TempDir(string prefix = "qieemo-test")
    {
        string dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Marks the test inconclusive when a reference tool is not installed (./build.sh test installs them).</summary>
    public static void RequireTool(string tool)
    {
        if (FindOnPath(tool) == null) Assert.Inconclusive($"{tool} is not installed (./build.sh test installs it with apt-get)");
    }

    public static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>Runs a tool and returns its stdout; fails the test with stderr on a non-zero exit.</summary>
    public static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Fail($"{tool} {string.Join(' ', args)} exited {p.ExitCode}: {stderr}");
        return stdout.Result;
    }
}
