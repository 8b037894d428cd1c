using Qieemo.ML.Features;

namespace Qieemo.ML.Tests.Features;

[TestClass]
public sealed class SpecAugmentTests
{
    public TestContext TestContext { get; set; } = null!;

    private static float[] Ramp(int frames, int dim) =>
        Enumerable.Range(0, frames * dim).Select(i => 1f + i / dim + 0.01f * (i % dim)).ToArray();

    [TestMethod]
    public void SeededDeterminism()
    {
        float[] Run(int seed)
        {
            var x = Ramp(300, 80);
            new SpecAugment(new SpecAugmentOptions { Seed = seed, TimeWarp = true }).Apply(x, 300, 80);
            return x;
        }
        CollectionAssert.AreEqual(Run(3), Run(3));
        CollectionAssert.AreNotEqual(Run(3), Run(4));
        var a = Ramp(300, 80); var b = Ramp(300, 80);
        var aug = new SpecAugment(new SpecAugmentOptions());
        aug.Apply(a, 300, 80, new Random(9));
        aug.Apply(b, 300, 80, new Random(9));
        CollectionAssert.AreEqual(a, b);
    }

    [TestMethod]
    public void MasksAreWholeRowsAndColumnsWithinLimits()
    {
        const int T = 400, D = 80;
        var o = new SpecAugmentOptions { NumTimeMasks = 2, MaxTimeMaskFrames = 50, NumFreqMasks = 2, MaxFreqMaskBins = 10 };
        var aug = new SpecAugment(o);
        var rng = new Random(1);
        for (int trial = 0; trial < 200; trial++)
        {
            var x = Ramp(T, D);
            aug.Apply(x, T, D, rng);
            var zeroRows = Enumerable.Range(0, T).Where(t => Enumerable.Range(0, D).All(k => x[t * D + k] == 0)).ToHashSet();
            var zeroCols = Enumerable.Range(0, D).Where(k => Enumerable.Range(0, T).All(t => x[t * D + k] == 0)).ToHashSet();
            for (int t = 0; t < T; t++)
                for (int k = 0; k < D; k++)
                {
                    bool masked = zeroRows.Contains(t) || zeroCols.Contains(k);
                    // Unmasked cells are untouched; masked cells are exactly zero.
                    Assert.AreEqual(masked ? 0f : 1f + t + 0.01f * k, x[t * D + k]);
                }
            Assert.IsTrue(zeroRows.Count is >= 1 and <= 100, $"{zeroRows.Count} masked frames");
            Assert.IsTrue(zeroCols.Count is >= 1 and <= 20, $"{zeroCols.Count} masked bins");
            Assert.IsLessThanOrEqualTo(2, Runs(zeroRows));
            Assert.IsLessThanOrEqualTo(2, Runs(zeroCols));
        }
    }

    [TestMethod]
    public void MaskLengthsAreUniformLikeWeNet()
    {
        // One time mask, one frequency mask on a long input: lengths uniform in [1, max] give mean (1 + max) / 2.
        const int T = 5000, D = 400;
        var aug = new SpecAugment(new SpecAugmentOptions { NumTimeMasks = 1, NumFreqMasks = 1, MaxTimeMaskFrames = 50, MaxFreqMaskBins = 10 });
        var rng = new Random(2);
        var timeLengths = new List<int>();
        var freqLengths = new List<int>();
        var x = new float[T * D];
        for (int trial = 0; trial < 300; trial++)
        {
            Array.Fill(x, 1f);
            aug.Apply(x, T, D, rng);
            int rows = Enumerable.Range(0, T).Count(t => x[t * D + (D - 1)] == 0 && x[t * D] == 0 && x[t * D + D / 2] == 0);
            int cols = Enumerable.Range(0, D).Count(k => x[k] == 0 && x[(T - 1) * D + k] == 0 && x[(T / 2) * D + k] == 0);
            // The other mask cannot cover all three probe cells; skip the rare trials where a mask spans everything.
            if (rows < T) timeLengths.Add(rows);
            if (cols < D) freqLengths.Add(cols);
        }
        TestContext.WriteLine($"time mask mean {timeLengths.Average():F2} (expect 25.5), range [{timeLengths.Min()}, {timeLengths.Max()}]; freq mask mean {freqLengths.Average():F2} (expect 5.5)");
        Assert.IsTrue(timeLengths.All(l => l is >= 1 and <= 50));
        Assert.IsTrue(freqLengths.All(l => l is >= 1 and <= 10));
        Assert.AreEqual(25.5, timeLengths.Average(), 2.5);
        Assert.AreEqual(5.5, freqLengths.Average(), 0.6);
    }

    [TestMethod]
    public void TimeWarpKeepsShapeAndEndpoints()
    {
        const int T = 120, D = 8;
        var aug = new SpecAugment(new SpecAugmentOptions { NumTimeMasks = 0, NumFreqMasks = 0, TimeWarp = true, MaxTimeWarp = 5 });
        var rng = new Random(5);
        int changed = 0;
        for (int trial = 0; trial < 50; trial++)
        {
            var x = Ramp(T, D);
            var before = (float[])x.Clone();
            aug.Apply(x, T, D, rng);
            Assert.AreEqual(T * D, x.Length);
            CollectionAssert.AreEqual(before.AsSpan(0, D).ToArray(), x.AsSpan(0, D).ToArray(), "first frame");
            CollectionAssert.AreEqual(before.AsSpan((T - 1) * D, D).ToArray(), x.AsSpan((T - 1) * D, D).ToArray(), "last frame");
            // The ramp stays a monotone time axis, and no frame moves further than the warp allows.
            for (int t = 1; t < T; t++) Assert.IsGreaterThanOrEqualTo(x[(t - 1) * D], x[t * D]);
            for (int t = 0; t < T; t++) Assert.IsLessThanOrEqualTo(5.0 + 1e-3, Math.Abs(x[t * D] - before[t * D]));
            if (!x.SequenceEqual(before)) changed++;
        }
        Assert.IsGreaterThan(40, changed, "warping almost always moves something");
        // Too short to warp (T <= 2W): unchanged.
        var shortX = Ramp(10, D);
        aug.Apply(shortX, 10, D, rng);
        CollectionAssert.AreEqual(Ramp(10, D), shortX);
    }

    [TestMethod]
    public void BadArguments()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new SpecAugment(new SpecAugmentOptions { MaxTimeMaskFrames = 0 }));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new SpecAugment(new SpecAugmentOptions { NumFreqMasks = -1 }));
        StringAssert.Contains(e.Message, "SpecAugmentOptions.NumFreqMasks");
        Assert.ThrowsExactly<ArgumentException>(() => new SpecAugment(new SpecAugmentOptions { MaxTimeWarp = 0 }));
        var aug = new SpecAugment(new SpecAugmentOptions());
        Assert.ThrowsExactly<ArgumentException>(() => aug.Apply(new float[10], 3, 3));
        aug.Apply([], 0, 80); // no frames: nothing to do
    }

    /// <summary>Number of maximal runs of consecutive integers in the set.</summary>
    private static int Runs(HashSet<int> s) => s.Count(i => !s.Contains(i - 1));
}
