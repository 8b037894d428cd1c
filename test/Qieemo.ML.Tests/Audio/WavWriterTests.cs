using Qieemo.ML.Audio;

namespace Qieemo.ML.Tests.Audio;

/// <summary>Files written by WavWriter, read back by sox.</summary>
[TestClass]
public sealed class WavWriterTests
{
    private static float[][] Signal()
    {
        var rng = new Random(11);
        var s = new float[3][];
        for (int c = 0; c < 3; c++)
            s[c] = Enumerable.Range(0, 4001).Select(i => (float)(0.7 * Math.Sin(i * 0.01 * (c + 1)) + 0.2 * (rng.NextDouble() - 0.5))).ToArray();
        s[0][5] = 1.5f;   // clipped to the maximum
        s[1][6] = -1f;    // exactly the minimum
        return s;
    }

    [TestMethod]
    [DataRow(WavSampleFormat.Pcm8, false, "Unsigned Integer PCM", 8)]
    [DataRow(WavSampleFormat.Pcm16, false, "Signed Integer PCM", 16)]
    [DataRow(WavSampleFormat.Pcm24, false, "Signed Integer PCM", 24)]
    [DataRow(WavSampleFormat.Pcm32, true, "Signed Integer PCM", 32)]
    [DataRow(WavSampleFormat.Float32, false, "Floating Point PCM", 32)]
    [DataRow(WavSampleFormat.Float64, true, "Floating Point PCM", 64)]
    public void SoxReadsWhatWeWrite(WavSampleFormat format, bool extensible, string soxEncoding, int bits)
    {
        TestSupport.RequireTool("sox");
        var s = Signal();
        string path = Path.Combine(TestSupport.TempDir(), $"w_{format}.wav");
        WavWriter.Write(path, s, 16000, format, extensible);
        Assert.AreEqual(soxEncoding, TestSupport.Run("soxi", "-e", path).Trim());
        Assert.AreEqual(bits, int.Parse(TestSupport.Run("soxi", "-b", path).Trim()));
        Assert.AreEqual("4001", TestSupport.Run("soxi", "-s", path).Trim());
        var sox = AudioCorpus.SoxDecode(path, 3);
        // Integer formats: rounding to the nearest step, clipping at full scale; floats as stored (sox keeps 32-bit ints).
        double step = format switch { WavSampleFormat.Pcm8 => 1.0 / 128, WavSampleFormat.Pcm16 => 1.0 / 32768, WavSampleFormat.Pcm24 => 1.0 / 8388608, _ => 0 };
        double tol = step / 2 + 1e-9;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 4001; i++)
            {
                double expected = Math.Clamp(s[c][i], -1.0, 1.0 - Math.Max(step, 1.0 / 2147483648));
                Assert.AreEqual(expected, sox[c][i], tol, $"{format} channel {c} sample {i}");
            }
        // Our reader returns integers exactly as sox sees them, and floats as stored (sox clips them to [-1, 1)).
        var back = WavReader.Read(path);
        if (format is WavSampleFormat.Float32 or WavSampleFormat.Float64)
            for (int c = 0; c < 3; c++) CollectionAssert.AreEqual(s[c], back.Channels[c]);
        else WavReaderTests.AssertMatchesSox(path, back, format == WavSampleFormat.Pcm32 ? 1e-7 : 0);
    }

    [TestMethod]
    public void DefaultIsSixteenBitPcmAndBadInputsThrow()
    {
        string path = Path.Combine(TestSupport.TempDir(), "d.wav");
        WavWriter.Write(path, Signal(), 8000);
        Assert.AreEqual("pcm_s16", WavReader.ReadInfo(path).Codec);
        Assert.ThrowsExactly<ArgumentException>(() => WavWriter.Write(path, Signal(), 8000, bits: 12));
        Assert.ThrowsExactly<ArgumentException>(() => WavWriter.Write(path, new[] { new float[3], new float[4] }, 8000));
        Assert.ThrowsExactly<ArgumentException>(() => WavWriter.Write(path, new[] { new[] { float.NaN } }, 8000));
    }
}
