using System.Globalization;
using Qieemo.ML.Data;

namespace Qieemo.ML.Tests.Data;

/// <summary>Header-only duration parsing against soxi for FLAC and WAV files of several formats made by sox and flac.</summary>
[TestClass]
public sealed class AudioDurationTests
{
    [TestCleanup]
    public void Cleanup() => TempDirs.DeleteAll();

    [TestMethod]
    [DataRow(16000, 1, 16, 1.2345)]
    [DataRow(44100, 2, 24, 0.7)]
    [DataRow(8000, 1, 8, 3.0)]
    [DataRow(48000, 6, 16, 0.25)]
    public void FlacAndWavHeadersMatchSoxi(int rate, int channels, int bits, double seconds)
    {
        TestSupport.RequireTool("sox");
        TestSupport.RequireTool("soxi");
        TestSupport.RequireTool("flac");
        string dir = TempDirs.Make("dur");
        string wav = Path.Combine(dir, "x.wav"), flac = Path.Combine(dir, "x.flac");
        TestSupport.Run("sox", "-D", "-n", "-r", rate.ToString(CultureInfo.InvariantCulture), "-c", channels.ToString(CultureInfo.InvariantCulture),
            "-b", bits.ToString(CultureInfo.InvariantCulture), wav, "synth", seconds.ToString(CultureInfo.InvariantCulture), "sine", "440");
        TestSupport.Run("flac", "-s", "-f", "-o", flac, wav);
        foreach (var path in new[] { wav, flac })
        {
            var info = AudioDuration.Read(path);
            Assert.AreEqual(long.Parse(TestSupport.Run("soxi", "-s", path).Trim(), CultureInfo.InvariantCulture), info.Samples, path);
            Assert.AreEqual(int.Parse(TestSupport.Run("soxi", "-r", path).Trim(), CultureInfo.InvariantCulture), info.SampleRate, path);
            Assert.AreEqual(channels, info.Channels, path);
            Assert.AreEqual(bits, info.BitsPerSample, path);
            Assert.AreEqual(double.Parse(TestSupport.Run("soxi", "-D", path), CultureInfo.InvariantCulture), AudioDuration.Seconds(path), 1e-6, path);
        }
    }

    [TestMethod]
    public void TruncatedOrForeignFilesAreInvalidData()
    {
        string dir = TempDirs.Make("dur");
        string shortFlac = Path.Combine(dir, "short.flac"), text = Path.Combine(dir, "text.flac");
        File.WriteAllBytes(shortFlac, "fLaC\0\0\0\u0022\u0010\0"u8.ToArray());
        File.WriteAllText(text, "hello world, not audio");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => AudioDuration.Read(shortFlac));
        StringAssert.Contains(e.Message, shortFlac);
        e = Assert.ThrowsExactly<InvalidDataException>(() => AudioDuration.Read(text));
        StringAssert.Contains(e.Message, text);
    }
}
