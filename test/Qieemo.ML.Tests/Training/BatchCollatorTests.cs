using Qieemo.ML.Training;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Training;

[TestClass]
public sealed class BatchCollatorTests
{
    private static FeatureUtterance Utt(int frames, int dim, float offset)
    {
        var f = new float[frames * dim];
        for (int i = 0; i < f.Length; i++) f[i] = offset + i;   // never 0, so padding is recognisable
        return new FeatureUtterance(f, frames);
    }

    [TestMethod]
    public void PadsFeaturesWithZerosAndReportsLengths()
    {
        const int dim = 3;
        var utts = new[] { Utt(4, dim, 1), Utt(2, dim, 100), Utt(5, dim, 1000) };
        var collator = new BatchCollator(dim);
        using var batch = collator.Collate(utts, new[] { 1, 2, 0 });

        CollectionAssert.AreEqual(new long[] { 3, 5, dim }, batch.Features.shape);
        Assert.AreEqual(ScalarType.Float32, batch.Features.dtype);
        Assert.AreEqual(ScalarType.Int64, batch.Lengths.dtype);
        CollectionAssert.AreEqual(new long[] { 2, 5, 4 }, batch.Lengths.data<long>().ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 0 }, batch.Indices.ToArray());
        Assert.AreEqual(11, batch.ValidFrames);
        Assert.AreEqual(15, batch.PaddedFrames);
        Assert.IsNull(batch.Labels);
        Assert.IsNull(batch.Targets);

        var data = batch.Features.data<float>().ToArray();
        int[] rowsFrom = { 1, 2, 0 };
        for (int b = 0; b < 3; b++)
        {
            var src = utts[rowsFrom[b]];
            for (int t = 0; t < 5; t++)
            for (int d = 0; d < dim; d++)
            {
                float expected = t < src.Frames ? src.Features[t * dim + d] : 0f;
                Assert.AreEqual(expected, data[(b * 5 + t) * dim + d], $"row {b} frame {t} dim {d}");
            }
        }
    }

    [TestMethod]
    public void LabelsFollowTheBatchOrder()
    {
        var utts = new[] { Utt(2, 2, 1), Utt(3, 2, 1), Utt(1, 2, 1) };
        using var batch = new BatchCollator(2).CollateWithLabels(utts, new[] { 7, 8, 9 }, new[] { 2, 0 });
        CollectionAssert.AreEqual(new long[] { 9, 7 }, batch.Labels!.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 1, 2 }, batch.Lengths.data<long>().ToArray());
    }

    [TestMethod]
    public void TokensArePaddedWithMinusOne()
    {
        var utts = new[] { Utt(2, 2, 1), Utt(3, 2, 1), Utt(1, 2, 1) };
        var tokens = new[] { new[] { 5, 6, 7 }, new[] { 9 }, Array.Empty<int>() };
        using var batch = new BatchCollator(2).CollateWithTokens(utts, tokens, new[] { 0, 1, 2 });
        CollectionAssert.AreEqual(new long[] { 3, 3 }, batch.Targets!.shape);
        CollectionAssert.AreEqual(new long[] { 5, 6, 7, 9, -1, -1, -1, -1, -1 }, batch.Targets.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 3, 1, 0 }, batch.TargetLengths!.data<long>().ToArray());
    }

    private sealed record Item(string Id, FeatureUtterance Utt, int Emotion, int[] Text);

    [TestMethod]
    public void GenericItemsWithSelectors()
    {
        var items = new[]
        {
            new Item("a", Utt(2, 2, 1), 3, new[] { 4 }),
            new Item("b", Utt(4, 2, 1), 1, new[] { 8, 9 }),
        };
        var collator = new BatchCollator(2);
        using (var byLabel = collator.Collate(items, new[] { 1, 0 }, it => it.Utt, label: it => it.Emotion))
        {
            CollectionAssert.AreEqual(new long[] { 1, 3 }, byLabel.Labels!.data<long>().ToArray());
            CollectionAssert.AreEqual(new long[] { 4, 2 }, byLabel.Lengths.data<long>().ToArray());
        }
        using (var byText = collator.Collate(items, new[] { 0, 1 }, it => it.Utt, tokens: it => it.Text))
            CollectionAssert.AreEqual(new long[] { 4, -1, 8, 9 }, byText.Targets!.data<long>().ToArray());
        Assert.ThrowsExactly<ArgumentException>(() => collator.Collate(items, new[] { 0 }, it => it.Utt, it => it.Emotion, it => it.Text));
    }

    [TestMethod]
    public void RejectsInconsistentInput()
    {
        var collator = new BatchCollator(4);
        var bad = new[] { new FeatureUtterance(new float[7], 2) };
        var e = Assert.ThrowsExactly<ArgumentException>(() => collator.Collate(bad, new[] { 0 }));
        StringAssert.Contains(e.Message, "utterance 0");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => collator.Collate(bad, new[] { 3 }));
        Assert.ThrowsExactly<ArgumentException>(() => collator.Collate(bad, Array.Empty<int>()));
        Assert.ThrowsExactly<ArgumentException>(() => collator.CollateWithLabels(bad, new[] { 1, 2 }, new[] { 0 }));
    }
}
