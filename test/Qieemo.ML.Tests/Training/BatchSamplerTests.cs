using Qieemo.ML.Training;

namespace Qieemo.ML.Tests.Training;

[TestClass]
public sealed class BatchSamplerTests
{
    private static int[] Lengths(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.Next(50, 1500)).ToArray();
    }

    [TestMethod]
    public void EveryIndexOncePerEpochWithinTheFrameBudget()
    {
        var frames = Lengths(1000, 1);
        var options = new BatchSamplerOptions { MaxFramesPerBatch = 6000, MaxBatchSize = 32, BucketSize = 200, Seed = 5 };
        var sampler = new LengthBucketBatchSampler(frames, options);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var batches = sampler.GetBatches(epoch);
            var all = batches.SelectMany(b => b).OrderBy(i => i).ToArray();
            CollectionAssert.AreEqual(Enumerable.Range(0, frames.Length).ToArray(), all, $"epoch {epoch}");
            foreach (var b in batches)
            {
                Assert.IsTrue(b.Length <= 32);
                long padded = b.Max(i => frames[i]) * (long)b.Length;
                Assert.IsTrue(padded <= 6000, $"batch of {b.Length} pads to {padded} frames");
                // Sorted within the bucket: lengths ascend inside a batch.
                for (int k = 1; k < b.Length; k++) Assert.IsTrue(frames[b[k - 1]] <= frames[b[k]]);
            }
            // Bucketing keeps batches tight: padding overhead far below a random batching's.
            long valid = frames.Sum(f => (long)f);
            long paddedTotal = batches.Sum(b => b.Max(i => frames[i]) * (long)b.Length);
            Assert.IsTrue(paddedTotal < valid * 1.1, $"padding overhead {paddedTotal / (double)valid:F3}");
        }
    }

    [TestMethod]
    public void DeterministicPerSeedAndEpochAndDifferentAcrossEpochs()
    {
        var frames = Lengths(300, 2);
        var options = new BatchSamplerOptions { MaxFramesPerBatch = 5000, MaxBatchSize = 0, BucketSize = 64, Seed = 11 };
        var a = new LengthBucketBatchSampler(frames, options);
        var b = new LengthBucketBatchSampler(frames, options);
        string Key(IReadOnlyList<int[]> batches) => string.Join("|", batches.Select(x => string.Join(",", x)));
        Assert.AreEqual(Key(a.GetBatches(4)), Key(b.GetBatches(4)));
        Assert.AreEqual(Key(a.GetBatches(4)), Key(a.GetBatches(4)));
        Assert.AreNotEqual(Key(a.GetBatches(1)), Key(a.GetBatches(2)));
        options.Seed = 12;
        Assert.AreNotEqual(Key(a.GetBatches(1)), Key(new LengthBucketBatchSampler(frames, options).GetBatches(1)));
    }

    [TestMethod]
    public void MaxBatchSizeAloneAndOversizedUtterances()
    {
        var frames = new[] { 10, 20, 30, 40, 50, 9000 };
        var bySize = new LengthBucketBatchSampler(frames, new BatchSamplerOptions { MaxBatchSize = 4, MaxFramesPerBatch = 0, ShuffleBatches = false, BucketSize = 0 });
        var batches = bySize.GetBatches(1);
        CollectionAssert.AreEqual(new[] { 4, 2 }, batches.Select(b => b.Length).ToArray());

        var byFrames = new LengthBucketBatchSampler(frames, new BatchSamplerOptions { MaxBatchSize = 0, MaxFramesPerBatch = 100, ShuffleBatches = false, BucketSize = 0 });
        var fb = byFrames.GetBatches(1);
        // Sorted ascending: {10,20,30} pads to 90; 40 would make 4×40 = 160. {40,50} = 100. 9000 alone.
        CollectionAssert.AreEqual(new[] { "0,1,2", "3,4", "5" }, fb.Select(b => string.Join(",", b)).ToArray());
    }

    [TestMethod]
    public void SortedSamplerRestoresTheOriginalOrder()
    {
        var frames = Lengths(57, 3);
        var sampler = new SortedBatchSampler(frames, new BatchSamplerOptions { MaxFramesPerBatch = 4000, MaxBatchSize = 8 });
        var flat = sampler.Batches.SelectMany(b => b).ToArray();
        CollectionAssert.AreEqual(sampler.Order.ToArray(), flat);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 57).ToArray(), flat);
        for (int k = 1; k < flat.Length; k++) Assert.IsTrue(frames[flat[k - 1]] >= frames[flat[k]], "longest first");
        // A per-utterance result computed in batch order comes back aligned with the input.
        var resultsInBatchOrder = flat.Select(i => $"utt{i}:{frames[i]}").ToArray();
        var restored = sampler.Restore(resultsInBatchOrder);
        for (int i = 0; i < frames.Length; i++) Assert.AreEqual($"utt{i}:{frames[i]}", restored[i]);
        Assert.ThrowsExactly<ArgumentException>(() => sampler.Restore(new string[3]));
    }

    [TestMethod]
    public void RejectsBadOptionsAndLengths()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new LengthBucketBatchSampler(new[] { 5 }, new BatchSamplerOptions { MaxBatchSize = 0, MaxFramesPerBatch = 0 }));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new LengthBucketBatchSampler(new[] { 5, 0 }, new BatchSamplerOptions()));
        StringAssert.Contains(e.Message, "utterance 1");
    }
}
