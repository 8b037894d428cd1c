using System.Runtime.InteropServices;
using Qieemo.ML.Audio;

namespace Qieemo.ML.Tests.Audio;

/// <summary>
/// <see cref="Resampler"/> against sox's very-high-quality resampler (<c>rate -v</c>) on real
/// speech from espeak-ng, and against analytic signals (tone amplitude, aliasing, timing).
/// </summary>
[TestClass]
public sealed class ResamplerTests
{
    private const string Text =
        "The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore, " +
        "while six thick thistle sticks fizz and hiss in the frosty breeze.";

    private static string _dir = "";

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void MakeSpeech(TestContext _)
    {
        if (TestSupport.FindOnPath("espeak-ng") is null || TestSupport.FindOnPath("sox") is null) return;
        _dir = TestSupport.TempDir("qieemo-resample");
        // espeak-ng speaks at 22050 Hz; the other rates are made from it by sox's best resampler.
        string native = Path.Combine(_dir, "espeak.wav");
        TestSupport.Run("espeak-ng", "-w", native, Text);
        TestSupport.Run("sox", "-D", native, "-e", "floating-point", "-b", "32", SpeechWav(22050));
        foreach (int rate in new[] { 8000, 11025, 24000, 32000, 44100, 48000 })
            TestSupport.Run("sox", "-D", native, "-e", "floating-point", "-b", "32", SpeechWav(rate), "rate", "-v", rate.ToString());
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        if (_dir.Length > 0 && Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private static string SpeechWav(int rate) => Path.Combine(_dir, $"speech_{rate}.wav");

    /// <summary>Samples of an audio file as mono float32, decoded by sox.</summary>
    private static float[] ReadWithSox(string path)
    {
        string raw = Path.ChangeExtension(path, ".f32");
        TestSupport.Run("sox", path, "-t", "f32", "-c", "1", raw);
        return MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(raw)).ToArray();
    }

    private void RequireTools()
    {
        TestSupport.RequireTool("sox");
        TestSupport.RequireTool("espeak-ng");
    }

    private static double Snr(float[] reference, float[] ours, int shift, int count)
    {
        double sig = 0, err = 0;
        for (int i = 0; i < count; i++)
        {
            int j = i + shift;
            double o = j >= 0 && j < ours.Length ? ours[j] : 0;
            sig += (double)reference[i] * reference[i];
            err += (reference[i] - o) * (reference[i] - o);
        }
        return 10 * Math.Log10(sig / err);
    }

    [TestMethod]
    [DataRow(8000)]
    [DataRow(22050)]
    [DataRow(44100)]
    [DataRow(48000)]
    [DataRow(11025)]
    [DataRow(24000)]
    [DataRow(32000)]
    public void MatchesSoxVeryHighQualityOnSpeech(int inputRate)
    {
        RequireTools();
        string input = SpeechWav(inputRate), reference = Path.Combine(_dir, $"sox_{inputRate}_16000.wav");
        TestSupport.Run("sox", "-D", input, "-e", "floating-point", "-b", "32", reference, "rate", "-v", "16000");
        float[] x = ReadWithSox(input), expected = ReadWithSox(reference);

        float[] ours = new Resampler(inputRate, 16000).Process(x);

        // sox rounds the output length, we take the ceiling: at most one sample apart, same start.
        Assert.AreEqual(new Resampler(inputRate, 16000).OutputLength(x.Length), ours.Length);
        Assert.IsTrue(Math.Abs(ours.Length - expected.Length) <= 1, $"length: ours {ours.Length}, sox {expected.Length}");
        int n = Math.Min(ours.Length, expected.Length);
        double snr = Snr(expected, ours, 0, n); // whole signal, no trimming
        TestContext.WriteLine($"{inputRate} -> 16000: {x.Length} -> {ours.Length} samples (sox {expected.Length}), SNR vs sox rate -v = {snr:F2} dB");
        Console.WriteLine($"resample {inputRate} -> 16000: SNR vs sox rate -v = {snr:F2} dB");
        // A constant delay against sox would show as a better match at a neighbouring shift.
        for (int shift = -3; shift <= 3; shift++)
            if (shift != 0) Assert.IsTrue(Snr(expected, ours, shift, n) < snr, $"ours matches sox better when shifted by {shift} samples");
        Assert.IsTrue(snr >= 60, $"SNR vs sox for {inputRate} -> 16000 is {snr:F2} dB, below 60 dB");
    }

    /// <summary>Least-squares amplitude of a sinusoid at frequency f (Hz) in y (sampled at rate), over [from, to).</summary>
    private static double ToneAmplitude(float[] y, int rate, double f, int from, int to)
    {
        double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
        for (int i = from; i < to; i++)
        {
            double w = 2 * Math.PI * f * i / rate, s = Math.Sin(w), c = Math.Cos(w);
            ss += s * s; cc += c * c; sc += s * c; ys += y[i] * s; yc += y[i] * c;
        }
        double det = ss * cc - sc * sc, a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
        return Math.Sqrt(a * a + b * b);
    }

    private static float[] Tone(int rate, double f, double seconds, double amplitude = 0.5)
    {
        var x = new float[(int)(rate * seconds)];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * f * i / rate + 0.3));
        return x;
    }

    [TestMethod]
    [DataRow(44100, 1000.0, 16000)]
    [DataRow(44100, 7000.0, 16000)]
    [DataRow(48000, 7200.0, 16000)]
    [DataRow(22050, 5000.0, 16000)]
    [DataRow(8000, 1000.0, 16000)]
    [DataRow(8000, 3500.0, 16000)]
    [DataRow(16000, 3000.0, 8000)]
    [DataRow(48000, 14000.0, 32000)]
    public void PassbandToneKeepsItsAmplitude(int inputRate, double f, int outputRate)
    {
        float[] y = new Resampler(inputRate, outputRate).Process(Tone(inputRate, f, 1.0));
        int edge = outputRate / 10;
        double gainDb = 20 * Math.Log10(ToneAmplitude(y, outputRate, f, edge, y.Length - edge) / 0.5);
        TestContext.WriteLine($"{inputRate} -> {outputRate}, {f:F1} Hz: gain {gainDb:F5} dB");
        Assert.IsTrue(Math.Abs(gainDb) <= 0.1, $"gain at {f} Hz is {gainDb:F4} dB");
    }

    [TestMethod]
    public void ResponseIsMinus3DbAtTheBandwidth()
    {
        // Default bandwidth 0.95 of the 8 kHz Nyquist: -3 dB at 7600 Hz, like sox's "95 %".
        float[] y = new Resampler(44100, 16000).Process(Tone(44100, 7600, 1.0));
        double gainDb = 20 * Math.Log10(ToneAmplitude(y, 16000, 7600, 1600, y.Length - 1600) / 0.5);
        TestContext.WriteLine($"gain at 7600 Hz: {gainDb:F3} dB");
        Assert.AreEqual(-3.01, gainDb, 0.05);
    }

    [TestMethod]
    [DataRow(44100, 8200.0)]
    [DataRow(44100, 9000.0)]
    [DataRow(44100, 12000.0)]
    [DataRow(44100, 20000.0)]
    [DataRow(48000, 8500.0)]
    [DataRow(48000, 15000.0)]
    [DataRow(48000, 23000.0)]
    [DataRow(22050, 8300.0)]
    [DataRow(22050, 10000.0)]
    public void ToneAboveNewNyquistIsRemoved(int inputRate, double f)
    {
        float[] x = Tone(inputRate, f, 1.0);
        float[] y = new Resampler(inputRate, 16000).Process(x);
        // Whatever survives lands somewhere below 8 kHz (an alias): measure all output energy.
        int edge = 1600;
        double energy = 0;
        for (int i = edge; i < y.Length - edge; i++) energy += (double)y[i] * y[i];
        double rms = Math.Sqrt(energy / (y.Length - 2 * edge)), inputRms = 0.5 / Math.Sqrt(2);
        double attenuationDb = 20 * Math.Log10(inputRms / rms);
        TestContext.WriteLine($"{inputRate} -> 16000, {f} Hz: attenuated by {attenuationDb:F1} dB");
        Assert.IsTrue(attenuationDb >= 60, $"{f} Hz tone only attenuated by {attenuationDb:F1} dB");
    }

    [TestMethod]
    public void UpsamplingDoublesRateWithoutImages()
    {
        const double f = 3000;
        float[] x = Tone(8000, f, 1.0);
        var r = new Resampler(8000, 16000);
        float[] y = r.Process(x);
        Assert.AreEqual(2, r.UpFactor);
        Assert.AreEqual(1, r.DownFactor);
        Assert.AreEqual(2 * x.Length, y.Length);
        int edge = 1600;
        double gainDb = 20 * Math.Log10(ToneAmplitude(y, 16000, f, edge, y.Length - edge) / 0.5);
        double imageDb = 20 * Math.Log10(ToneAmplitude(y, 16000, 8000 - f, edge, y.Length - edge) / 0.5);
        TestContext.WriteLine($"8000 -> 16000: gain {gainDb:F5} dB at {f} Hz, image at {8000 - f} Hz {imageDb:F1} dB");
        Assert.IsTrue(Math.Abs(gainDb) <= 0.1, $"gain {gainDb:F4} dB");
        Assert.IsTrue(imageDb <= -60, $"image at {8000 - f} Hz only {imageDb:F1} dB down");
        // Every even output sample sits on an input sample.
        for (int i = edge; i < y.Length - edge; i += 2) Assert.AreEqual(x[i / 2], y[i], 1e-4f);
    }

    /// <summary>
    /// Output sample n must be the band-limited input at time n / outputRate exactly: resampling a
    /// sum of in-band tones must give the same tones sampled at the output rate (away from the edges).
    /// 44101 Hz has L = 16000 phases, too many to store, so it exercises the computed-per-sample path.
    /// </summary>
    [TestMethod]
    [DataRow(8000)]
    [DataRow(11025)]
    [DataRow(22050)]
    [DataRow(24000)]
    [DataRow(32000)]
    [DataRow(44100)]
    [DataRow(48000)]
    [DataRow(44101)]
    public void OutputSamplesSitAtExactOutputInstants(int inputRate)
    {
        double[] freqs = { 440, 1234.5, 3100 }, phases = { 0.1, 1.7, -0.8 };
        double Signal(double t) => freqs.Select((f, i) => 0.3 * Math.Sin(2 * Math.PI * f * t + phases[i])).Sum();
        var x = new float[inputRate / 2];
        for (int i = 0; i < x.Length; i++) x[i] = (float)Signal((double)i / inputRate);

        float[] y = Resampler.Resample(x, inputRate, 16000);

        int edge = 800; // 50 ms, well past the filter's reach
        double sig = 0, err = 0;
        for (int n = edge; n < y.Length - edge; n++)
        {
            double e = Signal(n / 16000.0);
            sig += e * e;
            err += (y[n] - e) * (y[n] - e);
        }
        double snr = 10 * Math.Log10(sig / err);
        TestContext.WriteLine($"{inputRate} -> 16000: SNR vs analytic signal at output instants {snr:F1} dB");
        Assert.IsTrue(snr >= 90, $"SNR vs analytic signal {snr:F1} dB");
    }

    [TestMethod]
    [DataRow(22050, 16000, 320, 441)]
    [DataRow(44100, 16000, 160, 441)]
    [DataRow(48000, 16000, 1, 3)]
    [DataRow(8000, 16000, 2, 1)]
    [DataRow(11025, 16000, 640, 441)]
    [DataRow(32000, 16000, 1, 2)]
    [DataRow(24000, 16000, 2, 3)]
    [DataRow(16000, 16000, 1, 1)]
    public void RatioIsReducedByGcd(int inputRate, int outputRate, int up, int down)
    {
        var r = new Resampler(inputRate, outputRate);
        Assert.AreEqual(up, r.UpFactor);
        Assert.AreEqual(down, r.DownFactor);
    }

    [TestMethod]
    public void OutputLengthIsCeilingOfLengthTimesRatio()
    {
        var r = new Resampler(48000, 16000);
        Assert.AreEqual(0, r.OutputLength(0));
        Assert.AreEqual(1, r.OutputLength(1));
        Assert.AreEqual(1, r.OutputLength(3));
        Assert.AreEqual(2, r.OutputLength(4));
        var r2 = new Resampler(44100, 16000);
        Assert.AreEqual(16000, r2.OutputLength(44100));
        Assert.AreEqual(16001, r2.OutputLength(44101));
        Assert.AreEqual(0, r2.Process(ReadOnlySpan<float>.Empty).Length);
        Assert.AreEqual(1, r2.Process(new float[] { 1f }).Length);
    }

    [TestMethod]
    public void EqualRatesCopy()
    {
        float[] x = Tone(16000, 1000, 0.1);
        float[] y = Resampler.Resample(x, 16000, 16000);
        CollectionAssert.AreEqual(x, y);
        Assert.AreNotSame(x, y);
    }

    [TestMethod]
    public void TargetRateDefaultsTo16k()
    {
        var r = new Resampler(22050);
        Assert.AreEqual(16000, r.OutputRate);
        Assert.AreEqual(8000, Resampler.Resample(new float[24000], 24000, new ResamplerOptions { TargetRate = 8000 }).Length);
    }

    [TestMethod]
    public void FixedHalfLengthShortensTheFilter()
    {
        var longFilter = new Resampler(44100, 16000);
        var shortFilter = new Resampler(44100, 16000, new ResamplerOptions { FilterHalfLength = 16 });
        Assert.IsTrue(shortFilter.TapsPerPhase < longFilter.TapsPerPhase / 4);
        float[] y = shortFilter.Process(Tone(44100, 1000, 1.0));
        double gainDb = 20 * Math.Log10(ToneAmplitude(y, 16000, 1000, 1600, y.Length - 1600) / 0.5);
        Assert.IsTrue(Math.Abs(gainDb) <= 0.1, $"gain {gainDb:F4} dB");
    }

    [TestMethod]
    public void BadArgumentsThrow()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Resampler(0, 16000));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Resampler(16000, -1));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new Resampler(44100, 16000, new ResamplerOptions { Bandwidth = 1.2 }));
        StringAssert.Contains(e.Message, "Bandwidth");
        e = Assert.ThrowsExactly<ArgumentException>(() => new Resampler(44100, 16000, new ResamplerOptions { StopbandAttenuationDb = 10 }));
        StringAssert.Contains(e.Message, "StopbandAttenuationDb");
        e = Assert.ThrowsExactly<ArgumentException>(() => new Resampler(44100, 16000).Process(new float[100], new float[10]));
        StringAssert.Contains(e.Message, "needs 37");
        Assert.ThrowsExactly<ArgumentNullException>(() => Resampler.Resample(null!, 44100, 16000));
    }
}
