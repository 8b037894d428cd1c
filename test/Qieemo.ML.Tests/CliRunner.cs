using System.Diagnostics;

namespace Qieemo.ML.Tests;

/// <summary>Runs the qieemo CLI (built next to the tests) in a fresh process.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qieemo.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr);
    }

    /// <summary>Asserts the CLI failed cleanly: non-zero exit, one line on stderr naming what was expected, no stack trace.</summary>
    public static void AssertCleanError(Result r, params string[] expected)
    {
        Assert.AreNotEqual(0, r.ExitCode, $"expected failure; stdout: {r.Stdout}");
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(1, lines.Length, $"expected one error line, got: {r.Stderr}");
        Assert.IsFalse(r.Stderr.Contains("   at "), $"stack trace leaked: {r.Stderr}");
        foreach (var e in expected) Assert.IsTrue(r.Stderr.Contains(e), $"stderr should mention '{e}': {r.Stderr}");
    }
}
