using System.Diagnostics;
using Qieemo.ML.Reporting;
using SkiaSharp;

namespace Qieemo.ML.Tests.Reporting;

/// <summary>Renders report.html in headless Chromium (an independent HTML/CSS/PNG engine) and checks the page is really drawn.</summary>
[TestClass]
public sealed class ReportScreenshotTests
{
    [TestMethod]
    public void ChromiumRendersTheHtmlReport()
    {
        TestSupport.RequireTool("chromium");
        string dir = TestSupport.TempDir("qieemo-report-shot");
        try
        {
            var output = ReportWriter.Write(ReportFixture.FullReport(), dir);
            string shot = Path.Combine(dir, "out.png");
            RunChromium(dir, shot, new Uri(output.HtmlPath).AbsoluteUri);

            Assert.IsTrue(File.Exists(shot), "chromium wrote no screenshot");
            var stats = PngStats.Of(File.ReadAllBytes(shot), "screenshot");
            Assert.AreEqual(1280, stats.Width);
            Assert.AreEqual(2000, stats.Height);
            // A blank or unstyled page has few colours and is mostly white.
            Assert.IsGreaterThan(1000, stats.DistinctColors, $"{stats.DistinctColors} colours");
            Assert.IsGreaterThan(0.15, stats.NonWhiteFraction, $"{stats.NonWhiteFraction:P1} non-white");
            // The inline CSS applied: the header band is dark blue.
            var corner = stats.Bitmap.GetPixel(8, 8);
            Assert.IsTrue(corner.Red < 90 && corner.Blue > corner.Red + 40, $"header pixel {corner}");
            // The embedded per-fold chart was decoded and drawn: its UA-green bars are on the page.
            Assert.IsGreaterThan(1000, stats.CountNear(SKColor.Parse("#55A868"), 20), "UA bars of the embedded chart");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void RunChromium(string dir, string screenshot, string url)
    {
        var psi = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     $"--user-data-dir={Path.Combine(dir, "profile")}", // never touch the user's profile
                     $"--screenshot={screenshot}", "--window-size=1280,2000", url,
                 })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 120 s");
        }
        if (p.ExitCode != 0) Assert.Fail($"chromium exited {p.ExitCode}: {stderr.Result}{stdout.Result}");
    }
}
