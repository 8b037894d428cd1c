using System.Diagnostics;

namespace Qieemo.ML.Data;

/// <summary>Finds and runs the command-line tools the synthetic corpora use (espeak-ng, sox, flac).</summary>
internal static class ExternalTool
{
    private const int TimeoutMs = 120_000;

    /// <summary>Full path of <paramref name="tool"/> on PATH, or null.</summary>
    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>Full path of a required tool; <see cref="FileNotFoundException"/> saying what to install otherwise.</summary>
    public static string Require(string tool, string package) =>
        Find(tool) ?? throw new FileNotFoundException($"'{tool}' was not found on PATH; install it (e.g. apt-get install {package})", tool);

    /// <summary>Runs a tool to completion; <see cref="InvalidOperationException"/> with its stderr on a non-zero exit.</summary>
    public static void Run(string exe, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        // One short sentence takes well under a second; a stuck process must not hang corpus generation forever.
        if (!p.WaitForExit(TimeoutMs))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"{System.IO.Path.GetFileName(exe)} {string.Join(' ', psi.ArgumentList.Select(Quote))} did not finish within {TimeoutMs / 1000} s");
        }
        p.WaitForExit();
        _ = stdout.Result;
        string stderr = stderrTask.Result;
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{System.IO.Path.GetFileName(exe)} {string.Join(' ', psi.ArgumentList.Select(Quote))} exited with {p.ExitCode}: {stderr.Trim()}");
    }

    private static string Quote(string a) => a.Contains(' ') ? $"\"{a}\"" : a;
}
