using System.Security.Cryptography;
using Qieemo.ML.Features;
using Qieemo.ML.IO;

namespace Qieemo.ML.Tests.Features;

[TestClass]
public sealed class KaldiFbankTests
{
    public TestContext TestContext { get; set; } = null!;

    private static float[] Wave() => NpyArray.Load(TestSupport.TestData("fbank", "wave_a_16000.npy")).ToFloats();

    [TestMethod]
    [DataRow(1)] [DataRow(2)] [DataRow(4)] [DataRow(8)] [DataRow(64)] [DataRow(256)]
    [DataRow(3)] [DataRow(5)] [DataRow(200)] [DataRow(400)]
    public void ComplexFftMatchesDirectDft(int n)
    {
        var rng = new Random(n);
        var re = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var im = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var fft = new ComplexFft(n);
        var r = (double[])re.Clone(); var i = (double[])im.Clone();
        fft.Forward(r, i, new double[fft.ScratchLength]);
        double maxErr = 0;
        for (int k = 0; k < n; k++)
        {
            double sr = 0, si = 0;
            for (int j = 0; j < n; j++)
            {
                double a = -2 * Math.PI * ((long)j * k % n) / n;
                sr += re[j] * Math.Cos(a) - im[j] * Math.Sin(a);
                si += re[j] * Math.Sin(a) + im[j] * Math.Cos(a);
            }
            int slot = fft.OutputIndex[k];
            maxErr = Math.Max(maxErr, Math.Max(Math.Abs(r[slot] - sr), Math.Abs(i[slot] - si)));
        }
        Assert.IsLessThan(1e-11, maxErr, $"n={n}: max error {maxErr}");
    }

    [TestMethod]
    [DataRow(512)] [DataRow(400)] [DataRow(2)] [DataRow(6)]
    public void RealFftPowerMatchesDirectDft(int n)
    {
        var rng = new Random(7);
        var x = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var fft = new RealFft(n);
        var re = new double[n / 2]; var im = new double[n / 2];
        for (int j = 0; j < n / 2; j++) { re[j] = x[2 * j]; im[j] = x[2 * j + 1]; }
        var power = new double[n / 2 + 1];
        fft.PowerSpectrum(re, im, new double[fft.ScratchLength], power, magnitude: false);
        for (int k = 0; k <= n / 2; k++)
        {
            double sr = 0, si = 0;
            for (int j = 0; j < n; j++)
            {
                double a = -2 * Math.PI * ((long)j * k % n) / n;
                sr += x[j] * Math.Cos(a);
                si += x[j] * Math.Sin(a);
            }
            Assert.AreEqual(sr * sr + si * si, power[k], 1e-10, $"n={n} bin {k}");
        }
    }

    [TestMethod]
    public void NumFramesFollowsKaldi()
    {
        var snip = new KaldiFbank(new KaldiFbankOptions());
        Assert.AreEqual(0, snip.NumFrames(0));
        Assert.AreEqual(0, snip.NumFrames(399));
        Assert.AreEqual(1, snip.NumFrames(400));
        Assert.AreEqual(1, snip.NumFrames(559));
        Assert.AreEqual(2, snip.NumFrames(560));
        var noSnip = new KaldiFbank(new KaldiFbankOptions { SnipEdges = false });
        Assert.AreEqual(0, noSnip.NumFrames(79));
        Assert.AreEqual(1, noSnip.NumFrames(80));
        Assert.AreEqual(1, noSnip.NumFrames(239));
        Assert.AreEqual(2, noSnip.NumFrames(240));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => snip.NumFrames(-1));
    }

    [TestMethod]
    public void ShortSignals()
    {
        var wave = Wave();
        // Shorter than one frame: Kaldi gives no frames with snip_edges (torchaudio asserts instead).
        var snip = new KaldiFbank(new KaldiFbankOptions()).Compute(wave.AsSpan(0, 300));
        Assert.AreEqual(0, snip.Frames);
        Assert.AreEqual(23, snip.Dim);
        // Without snip_edges Kaldi reflects the signal repeatedly; every value is finite.
        var noSnip = new KaldiFbank(new KaldiFbankOptions { SnipEdges = false }).Compute(wave.AsSpan(8000, 300));
        Assert.AreEqual(2, noSnip.Frames);
        Assert.IsTrue(noSnip.Data.All(float.IsFinite));
        Assert.IsTrue(noSnip.Data.Any(v => v > -15));
        // MinDuration: too short gives nothing at all.
        var min = new KaldiFbank(new KaldiFbankOptions { MinDuration = 2.0 });
        Assert.AreEqual(0, min.Compute(wave.AsSpan(0, 31999)).Frames);
        Assert.AreEqual(198, min.Compute(wave.AsSpan(0, 32000)).Frames);
    }

    [TestMethod]
    public void DitherIsSeededAndDeterministic()
    {
        var wave = Wave();
        float[] Run(double dither, int seed) =>
            new KaldiFbank(new KaldiFbankOptions { Dither = dither, Seed = seed, NumMelBins = 40 }).Compute(wave).Data;
        CollectionAssert.AreEqual(Run(1e-2, 1), Run(1e-2, 1), "same seed");
        var other = Run(1e-2, 2);
        CollectionAssert.AreNotEqual(Run(1e-2, 1), other, "different seed");
        CollectionAssert.AreEqual(Run(0, 1), Run(0, 2), "no dither: the seed is irrelevant");
        // Dither must actually change the silent frames (log(eps) without it) and barely touch loud ones.
        var clean = Run(0, 1);
        Assert.IsTrue(clean.Contains((float)Math.Log(KaldiFbank.Epsilon)));
        Assert.IsFalse(other.Contains((float)Math.Log(KaldiFbank.Epsilon)));
        // One generator across calls varies the noise; the seeded overload repeats it.
        var fbank = new KaldiFbank(new KaldiFbankOptions { Dither = 1e-2, NumMelBins = 40 });
        var rng = new Random(5);
        CollectionAssert.AreNotEqual(fbank.Compute(wave, rng).Data, fbank.Compute(wave, rng).Data);
        Assert.ThrowsExactly<ArgumentNullException>(() => fbank.Compute(wave, null));
    }

    [TestMethod]
    public void DitherIsWhiteGaussianWithTheRequestedDeviation()
    {
        // A silent signal with dither d, no DC removal, no preemphasis, rectangular window: every frame is
        // 400 i.i.d. N(0, d^2) samples. Raw energy = log(chi2_400 * d^2), mean log(400 d^2) - 1/400, sd sqrt(2/400);
        // each power-spectrum bin has mean 400 d^2, so mel bin b has mean 400 d^2 sum_i w[b, i].
        const double d = 3.0;
        var o = new KaldiFbankOptions
        {
            Dither = d, RemoveDcOffset = false, PreemphasisCoefficient = 0, WindowType = KaldiWindowType.Rectangular,
            UseEnergy = true, EnergyFloor = 0, UseLogFbank = false, NumMelBins = 23, Seed = 11,
        };
        var fbank = new KaldiFbank(o);
        var r = fbank.Compute(new float[16000 * 20]);
        var energy = Enumerable.Range(0, r.Frames).Select(t => (double)r.Data[t * r.Dim]).ToArray();
        double mean = energy.Average(), sd = Math.Sqrt(energy.Select(e => (e - mean) * (e - mean)).Average());
        double expectMean = Math.Log(400 * d * d) - 1.0 / 400, expectSd = Math.Sqrt(2.0 / 400);
        TestContext.WriteLine($"log energy mean {mean:F4} (expect {expectMean:F4}), sd {sd:F4} (expect {expectSd:F4}), frames {r.Frames}");
        Assert.AreEqual(expectMean, mean, 0.01);
        Assert.AreEqual(expectSd, sd, 0.006);
        for (int b = 0; b < o.NumMelBins; b++)
        {
            double wsum = 0;
            for (int i = 0; i < fbank.PaddedWindowSize / 2; i++) wsum += fbank.MelBanks.Weight(b, i);
            double melMean = Enumerable.Range(0, r.Frames).Average(t => r.Data[t * r.Dim + 1 + b]);
            double ratio = melMean / (400 * d * d * wsum);
            Assert.AreEqual(1.0, ratio, 0.05, $"mel bin {b}: mean / expected = {ratio}");
        }
    }

    [TestMethod]
    public void ComputeIsThreadSafe()
    {
        var wave = Wave();
        var fbank = new KaldiFbank(KaldiFbankOptions.WeNet());
        var expected = fbank.Compute(wave).Data;
        var results = new float[4][];
        Parallel.For(0, 4, i => results[i] = fbank.Compute(wave).Data);
        foreach (var r in results) CollectionAssert.AreEqual(expected, r);
    }

    [TestMethod]
    public void WeNetPreset()
    {
        var o = KaldiFbankOptions.WeNet();
        Assert.AreEqual(80, o.NumMelBins);
        Assert.AreEqual(0.0, o.Dither);
        Assert.AreEqual(0.0, o.EnergyFloor);
        Assert.AreEqual(32768.0, o.InputScale);
        Assert.AreEqual(16000.0, o.SampleFrequency);
        Assert.AreEqual(KaldiWindowType.Povey, o.WindowType);
        var fbank = new KaldiFbank(KaldiFbankOptions.WeNet(40));
        Assert.AreEqual((400, 160, 512, 40), (fbank.WindowSize, fbank.WindowShift, fbank.PaddedWindowSize, fbank.Dim));
    }

    public static IEnumerable<object[]> BadOptions() =>
    [
        ["NumMelBins", (Action<KaldiFbankOptions>)(o => o.NumMelBins = 3)],
        ["FrameLengthMs", (Action<KaldiFbankOptions>)(o => o.FrameLengthMs = 0.1)],
        ["FrameLengthMs", (Action<KaldiFbankOptions>)(o => o.FrameLengthMs = double.NaN)],
        ["FrameShiftMs", (Action<KaldiFbankOptions>)(o => o.FrameShiftMs = 0)],
        ["FrameShiftMs", (Action<KaldiFbankOptions>)(o => o.FrameShiftMs = 0.01)],
        ["FrameLengthMs", (Action<KaldiFbankOptions>)(o => { o.FrameLengthMs = 25.0625; o.RoundToPowerOfTwo = false; })],
        ["Dither", (Action<KaldiFbankOptions>)(o => o.Dither = -1)],
        ["PreemphasisCoefficient", (Action<KaldiFbankOptions>)(o => o.PreemphasisCoefficient = 1.5)],
        ["WindowType", (Action<KaldiFbankOptions>)(o => o.WindowType = (KaldiWindowType)42)],
        ["EnergyFloor", (Action<KaldiFbankOptions>)(o => o.EnergyFloor = -0.5)],
        ["SampleFrequency", (Action<KaldiFbankOptions>)(o => o.SampleFrequency = 0)],
        ["LowFreq", (Action<KaldiFbankOptions>)(o => o.LowFreq = 8000)],
        ["LowFreq", (Action<KaldiFbankOptions>)(o => o.LowFreq = -1)],
        ["HighFreq", (Action<KaldiFbankOptions>)(o => o.HighFreq = 9000)],
        ["HighFreq", (Action<KaldiFbankOptions>)(o => o.HighFreq = -8000)],
        ["LowFreq", (Action<KaldiFbankOptions>)(o => { o.LowFreq = 4000; o.HighFreq = -4000; })],
        ["VtlnWarp", (Action<KaldiFbankOptions>)(o => o.VtlnWarp = 0.9)],
        ["InputScale", (Action<KaldiFbankOptions>)(o => o.InputScale = 0)],
        ["MinDuration", (Action<KaldiFbankOptions>)(o => o.MinDuration = -1)],
        ["BlackmanCoeff", (Action<KaldiFbankOptions>)(o => o.BlackmanCoeff = double.PositiveInfinity)],
    ];

    [TestMethod]
    [DynamicData(nameof(BadOptions))]
    public void InvalidOptionsThrowNamingTheOption(string option, Action<KaldiFbankOptions> spoil)
    {
        var o = new KaldiFbankOptions();
        spoil(o);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new KaldiFbank(o));
        StringAssert.Contains(e.Message, "KaldiFbankOptions." + option);
        Assert.AreEqual(option, e.ParamName);
    }

    /// <summary>
    /// Regenerates the shared WeNet fixture's two utterances with espeak-ng + sox (same recipe, checked by the
    /// fixture's WAV sha256) and compares our WeNet-setting fbank with its feats.npy (torchaudio, before CMVN).
    /// </summary>
    [TestMethod]
    public void ReproducesWeNetFixtureFeatures()
    {
        TestSupport.RequireTool("espeak-ng");
        TestSupport.RequireTool("sox");
        var utterances = new[]
        {
            ("Please call Stella and ask her to bring these things with her from the store.", 50320, "fef1c21b70065979b43044ac34659bb7e254feb950375f38bf693fdfb473eb67"),
            ("Six spoons of fresh snow peas, five thick slabs of blue cheese, and maybe a snack for her brother Bob.", 81040, "98e412218bd0139da1551ee954e5cc9b8952f4e98e9e1c094344a67da25a7fee"),
        };
        var feats = NpyArray.Load(TestSupport.TestData("fbank", "wenet_feats.npy"));
        var lengths = NpyArray.Load(TestSupport.TestData("fbank", "wenet_feats_lengths.npy")).ToInt64();
        var all = feats.ToFloats();
        int maxT = feats.Shape[1], dim = feats.Shape[2];
        var fbank = new KaldiFbank(KaldiFbankOptions.WeNet());
        string dir = TestSupport.TempDir("fbank-wenet");
        try
        {
            for (int u = 0; u < utterances.Length; u++)
            {
                var (text, samples, sha) = utterances[u];
                string raw = Path.Combine(dir, $"u{u}.wav"), wav = Path.Combine(dir, $"u{u}_16k.wav"), trimmed = Path.Combine(dir, $"u{u}_trim.wav"), pcm = Path.Combine(dir, $"u{u}.s16");
                TestSupport.Run("espeak-ng", "-v", "en-us", "-s", "175", "-p", "50", "-w", raw, text);
                TestSupport.Run("sox", "-D", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", wav);
                TestSupport.Run("sox", wav, trimmed, "trim", "0", $"{samples}s");
                string got = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(trimmed)));
                if (got != sha) Assert.Inconclusive($"this espeak-ng/sox make different audio than the fixture's (sha256 {got})");
                TestSupport.Run("sox", trimmed, "-t", "raw", "-e", "signed-integer", "-b", "16", "-L", pcm);
                var bytes = File.ReadAllBytes(pcm);
                var wave = new float[bytes.Length / 2];
                for (int i = 0; i < wave.Length; i++) wave[i] = BitConverter.ToInt16(bytes, 2 * i) / 32768f;
                Assert.AreEqual(samples, wave.Length);

                var ours = fbank.Compute(wave);
                Assert.AreEqual((int)lengths[u], ours.Frames, "frames");
                double maxAbs = 0, sum = 0;
                for (int t = 0; t < ours.Frames; t++)
                    for (int k = 0; k < dim; k++)
                    {
                        double diff = Math.Abs(ours.Data[t * dim + k] - all[(u * maxT + t) * dim + k]);
                        maxAbs = Math.Max(maxAbs, diff);
                        sum += diff;
                    }
                double mean = sum / (ours.Frames * dim);
                TestContext.WriteLine($"utterance {u}: {ours.Frames} frames, max|diff| {maxAbs:E3}, mean|diff| {mean:E3}");
                Assert.IsLessThanOrEqualTo(0.02, maxAbs);
                Assert.IsLessThanOrEqualTo(1e-4, mean);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
