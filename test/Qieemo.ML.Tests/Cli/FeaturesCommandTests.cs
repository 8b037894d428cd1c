using System.Text.Json;
using Qieemo.ML.Audio;
using Qieemo.ML.IO;

namespace Qieemo.ML.Tests.Cli;

/// <summary>`qieemo features` and `qieemo audio info` against torchaudio fixtures and soxi.</summary>
[TestClass]
public sealed class FeaturesCommandTests
{
    private static string WriteFixtureWave(string dir, string waveFile, int rate)
    {
        float[] wave = NpyArray.Load(TestSupport.TestData("fbank", waveFile)).ToFloats();
        string path = Path.Combine(dir, Path.ChangeExtension(waveFile, ".wav"));
        WavWriter.Write(path, new[] { wave }, rate, WavSampleFormat.Float32);
        return path;
    }

    private static void AssertClose(string expectedNpy, string actualNpy)
    {
        var expected = NpyArray.Load(TestSupport.TestData("fbank", expectedNpy));
        var actual = NpyArray.Load(actualNpy);
        CollectionAssert.AreEqual(expected.Shape, actual.Shape);
        float[] e = expected.ToFloats(), a = actual.ToFloats();
        double max = 0, sum = 0;
        for (int i = 0; i < e.Length; i++) { double d = Math.Abs(e[i] - a[i]); max = Math.Max(max, d); sum += d; }
        Assert.IsTrue(max <= 0.02 && sum / e.Length <= 1e-4, $"{expectedNpy}: max {max}, mean {sum / e.Length}");
    }

    [TestMethod]
    [DataRow("wave_a_16000.npy", 16000, "fbank_default_16k.npy")]
    [DataRow("wave_b_8000.npy", 8000, "fbank_default_8k.npy")]
    public void DefaultsEqualTorchaudioKaldiFbank(string wave, int rate, string reference)
    {
        string dir = TestSupport.TempDir();
        string wav = WriteFixtureWave(dir, wave, rate), output = Path.Combine(dir, "out.npy");
        var r = CliRunner.Run("features", "--input", wav, "--output", output);
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        AssertClose(reference, output);
    }

    [TestMethod]
    public void OptionsMapToTorchaudioOptions()
    {
        string dir = TestSupport.TempDir();
        string wav = WriteFixtureWave(dir, "wave_b_16000.npy", 16000), output = Path.Combine(dir, "out.npy");
        var r = CliRunner.Run("features", "--input", wav, "--output", output, "--window", "hamming", "--snip-edges", "false", "--mel-bins", "40");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        AssertClose("fbank_hamming_snipfalse_40.npy", output);

        string wav2 = WriteFixtureWave(dir, "wave_a_16000.npy", 16000), output2 = Path.Combine(dir, "out2.npy");
        r = CliRunner.Run("features", "-i", wav2, "-o", output2, "--window", "blackman", "--low-freq", "64", "--high-freq", "-400",
            "--remove-dc-offset", "false", "--preemphasis", "0", "--mel-bins", "80", "--snip-edges", "false", "--input-scale", "32768");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        AssertClose("fbank_blackman_freqs_nodc_nopreemph.npy", output2);
    }

    [TestMethod]
    public void BadInputFailsWithOneLineNamingTheFile()
    {
        string dir = TestSupport.TempDir();
        string bad = Path.Combine(dir, "not-audio.wav");
        File.WriteAllText(bad, "this is not audio");
        CliRunner.AssertCleanError(CliRunner.Run("features", "--input", bad, "--output", Path.Combine(dir, "x.npy")), "not-audio.wav");
        CliRunner.AssertCleanError(CliRunner.Run("audio", "info", bad), "not-audio.wav");
        CliRunner.AssertCleanError(CliRunner.Run("audio", "info", Path.Combine(dir, "missing.flac")), "missing.flac", "not found");
        var verbose = CliRunner.Run("audio", "info", bad, "--verbose");
        Assert.IsTrue(verbose.Stderr.Contains("   at "), "--verbose shows the stack trace");
    }

    [TestMethod]
    public void AudioInfoMatchesSoxiAndVerifiesFlacMd5()
    {
        TestSupport.RequireTool("sox");
        TestSupport.RequireTool("flac");
        string dir = TestSupport.TempDir();
        string wav = WriteFixtureWave(dir, "wave_a_16000.npy", 16000);
        string pcm = Path.Combine(dir, "a24.wav"), flac = Path.Combine(dir, "a.flac");
        TestSupport.Run("sox", wav, "-b", "24", "-c", "2", pcm);
        TestSupport.Run("flac", "-s", "-f", "-o", flac, pcm);
        foreach (var file in new[] { pcm, flac })
        {
            var r = CliRunner.Run("audio", "info", file, "--json");
            Assert.AreEqual(0, r.ExitCode, r.Stderr);
            using var json = JsonDocument.Parse(r.Stdout);
            var root = json.RootElement;
            Assert.AreEqual(int.Parse(TestSupport.Run("soxi", "-r", file).Trim()), root.GetProperty("sample_rate").GetInt32());
            Assert.AreEqual(int.Parse(TestSupport.Run("soxi", "-c", file).Trim()), root.GetProperty("channels").GetInt32());
            Assert.AreEqual(int.Parse(TestSupport.Run("soxi", "-b", file).Trim()), root.GetProperty("bits_per_sample").GetInt32());
            Assert.AreEqual(long.Parse(TestSupport.Run("soxi", "-s", file).Trim()), root.GetProperty("frames").GetInt64());
            Assert.AreEqual(double.Parse(TestSupport.Run("soxi", "-D", file).Trim(), System.Globalization.CultureInfo.InvariantCulture),
                root.GetProperty("duration").GetDouble(), 1e-6);
            if (file == flac) Assert.IsTrue(root.GetProperty("md5_verified").GetBoolean());
        }
        var text = CliRunner.Run("audio", "info", flac);
        StringAssert.Contains(text.Stdout, "MD5:         verified");
    }
}
