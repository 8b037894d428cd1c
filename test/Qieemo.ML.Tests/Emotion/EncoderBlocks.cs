using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Emotion;

/// <summary>
/// Random stand-ins for an efficient conformer's per-block outputs: blocks before <c>halfRateFrom</c> at T
/// frames, the others at ceil(T/2) with lengths ceil(L/2), padded frames filled with garbage (not zeros) so
/// any leak shows up.
/// </summary>
internal sealed class EncoderBlocks : IDisposable
{
    public List<Tensor> Blocks { get; } = new();
    public List<Tensor> Lengths { get; } = new();

    public static EncoderBlocks Random(long seed, long[] lengths, int numBlocks, int dim, int halfRateFrom = int.MaxValue)
    {
        var g = new Generator((ulong)seed);
        var r = new EncoderBlocks();
        long t = lengths.Max();
        for (int k = 0; k < numBlocks; k++)
        {
            bool half = k >= halfRateFrom;
            long tk = half ? (t + 1) / 2 : t;
            long[] lk = half ? lengths.Select(l => (l + 1) / 2).ToArray() : lengths;
            var x = randn(new long[] { lengths.Length, tk, dim }, generator: g);
            var lens = tensor(lk);
            var garbage = randn(new long[] { lengths.Length, tk, dim }, generator: g) * 50 + 7;
            r.Blocks.Add(where(ValidMask(lens, tk), x, garbage));
            garbage.Dispose();
            x.Dispose();
            r.Lengths.Add(lens);
        }
        return r;
    }

    /// <summary>A copy whose padded frames (in every block) hold different garbage; valid frames identical.</summary>
    public EncoderBlocks WithNewPadding(long seed)
    {
        var g = new Generator((ulong)seed);
        var r = new EncoderBlocks();
        for (int k = 0; k < Blocks.Count; k++)
        {
            using var garbage = randn(Blocks[k].shape, generator: g) * 1000 - 3;
            r.Blocks.Add(where(ValidMask(Lengths[k], Blocks[k].shape[1]), Blocks[k], garbage));
            r.Lengths.Add(Lengths[k].clone());
        }
        return r;
    }

    /// <summary>Utterance b alone, cut to its own lengths (batch of one, no padding).</summary>
    public EncoderBlocks Single(int b)
    {
        var r = new EncoderBlocks();
        for (int k = 0; k < Blocks.Count; k++)
        {
            long l = Lengths[k][b].item<long>();
            r.Blocks.Add(Blocks[k].narrow(0, b, 1).narrow(1, 0, l).clone());
            r.Lengths.Add(tensor(new[] { l }));
        }
        return r;
    }

    /// <summary>[B, T, 1] bool mask of valid frames.</summary>
    public static Tensor ValidMask(Tensor lengths, long t) =>
        arange(t).unsqueeze(0).lt(lengths.unsqueeze(1)).unsqueeze(-1);

    public static float MaxAbsDiff(Tensor a, Tensor b)
    {
        using var d = (a - b).abs().max().to(ScalarType.Float32);
        return d.item<float>();
    }

    public void Dispose()
    {
        foreach (var t in Blocks) t.Dispose();
        foreach (var t in Lengths) t.Dispose();
    }
}
