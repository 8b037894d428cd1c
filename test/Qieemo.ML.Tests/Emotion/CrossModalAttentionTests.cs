using Qieemo.ML.Modules.Emotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Emotion;

[TestClass]
public sealed class CrossModalAttentionTests
{
    /// <summary>
    /// Equations (6)-(8) written out with scalar loops in double precision for one utterance, using only
    /// its first <paramref name="keys"/> PPG frames (what masking must be equivalent to).
    /// Returns O [n, dAtt], A1 and A2 [heads, n, keys].
    /// </summary>
    private static (double[,] O, double[,,] A1, double[,,] A2, double[,] Q) Reference(float[,] e, float[,] h, int keys, float[,] wq, float[,] wk, float[,] wv, int heads)
    {
        int n = e.GetLength(0), dAtt = wq.GetLength(0), dh = dAtt / heads;
        double[,] Project(float[,] x, float[,] w, int rows)
        {
            var y = new double[rows, dAtt];
            for (int i = 0; i < rows; i++)
                for (int o = 0; o < dAtt; o++)
                {
                    double s = 0;
                    for (int j = 0; j < w.GetLength(1); j++) s += (double)x[i, j] * w[o, j];
                    y[i, o] = s;
                }
            return y;
        }
        var q = Project(e, wq, n);                                  // (6)
        var k = Project(h, wk, keys);
        var v = Project(h, wv, keys);

        // One attention step: ReLU(Softmax(query Kᵀ/√dh) V) per head, heads concatenated.
        (double[,] Out, double[,,] Att) Attend(double[,] query)
        {
            var output = new double[n, dAtt];
            var att = new double[heads, n, keys];
            for (int hd = 0; hd < heads; hd++)
                for (int i = 0; i < n; i++)
                {
                    var s = new double[keys];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < keys; j++)
                    {
                        double dot = 0;
                        for (int c = 0; c < dh; c++) dot += query[i, hd * dh + c] * k[j, hd * dh + c];
                        s[j] = dot / Math.Sqrt(dh);
                        max = Math.Max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < keys; j++) { s[j] = Math.Exp(s[j] - max); z += s[j]; }
                    for (int j = 0; j < keys; j++) att[hd, i, j] = s[j] / z;
                    for (int c = 0; c < dh; c++)
                    {
                        double acc = 0;
                        for (int j = 0; j < keys; j++) acc += att[hd, i, j] * v[j, hd * dh + c];
                        output[i, hd * dh + c] = Math.Max(0, acc);   // ReLU
                    }
                }
            return (output, att);
        }
        var (qAtt, a1) = Attend(q);                                 // (7)
        var (o, a2) = Attend(qAtt);                                 // (8): Q_att against the same K, V
        return (o, a1, a2, q);
    }

    private static float[,] Matrix(Tensor t)
    {
        var c = t.detach().contiguous();
        var data = c.data<float>().ToArray();
        int r = (int)c.shape[0], cols = (int)c.shape[1];
        var m = new float[r, cols];
        for (int i = 0; i < r; i++) for (int j = 0; j < cols; j++) m[i, j] = data[i * cols + j];
        return m;
    }

    private static void CompareWithReference(int heads, long[] lengths, bool residual = false)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        const int b = 3, n = 4, de = 5, d = 7, dAtt = 8;
        long t = lengths.Max();
        var cma = new CrossModalAttention(de, d, new CrossModalAttentionOptions { AttentionDim = dAtt, Heads = heads, QueryResidual = residual });
        var e = randn(b, n, de);
        var h = randn(b, t, d);
        var lens = tensor(lengths);
        using var r = cma.ForwardWithAttention(e, h, lens);
        Assert.AreEqual(3, r.Output.dim());
        CollectionAssert.AreEqual(new long[] { b, n, dAtt }, r.Output.shape);
        CollectionAssert.AreEqual(new long[] { b, heads, n, t }, r.QueryAttention.shape);

        var wq = Matrix(cma.QueryWeight);
        var wk = Matrix(cma.KeyWeight);
        var wv = Matrix(cma.ValueWeight);
        for (int bi = 0; bi < b; bi++)        // explicit loop over the batch
        {
            int keys = (int)lengths[bi];
            var (o, a1, a2, qRef) = Reference(Matrix(e[bi]), Matrix(h[bi]), keys, wq, wk, wv, heads);
            var got = Matrix(r.Output[bi]);
            for (int i = 0; i < n; i++)
                for (int c = 0; c < dAtt; c++)
                    Assert.AreEqual(o[i, c] + (residual ? qRef[i, c] : 0), got[i, c], 1e-5, $"O_att[{bi},{i},{c}] heads={heads}");
            for (int hd = 0; hd < heads; hd++)
            {
                var g1 = Matrix(r.QueryAttention[bi, hd]);
                var g2 = Matrix(r.OutputAttention[bi, hd]);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < t; j++)
                    {
                        Assert.AreEqual(j < keys ? a1[hd, i, j] : 0.0, g1[i, j], 1e-6, $"A1[{bi},{hd},{i},{j}]");
                        Assert.AreEqual(j < keys ? a2[hd, i, j] : 0.0, g2[i, j], 1e-6, $"A2[{bi},{hd},{i},{j}]");
                    }
            }
        }
    }

    [TestMethod]
    public void SingleHeadMatchesEquations6To8WithoutPadding() => CompareWithReference(heads: 1, lengths: new long[] { 6, 6, 6 });

    [TestMethod]
    public void SingleHeadWithPaddingMatchesEquationsOnValidFramesOnly() => CompareWithReference(heads: 1, lengths: new long[] { 6, 2, 4 });

    [TestMethod]
    public void MultiHeadVariantMatchesPerHeadEquations() => CompareWithReference(heads: 2, lengths: new long[] { 5, 3, 1 });

    [TestMethod]
    public void QueryResidualOptionAddsTheProjectedQueries() => CompareWithReference(heads: 2, lengths: new long[] { 6, 4, 2 }, residual: true);

    [TestMethod]
    public void PaddedKeysGetZeroWeightAndTheirValuesDoNotMatter()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var cma = new CrossModalAttention(6, 6, new CrossModalAttentionOptions { AttentionDim = 6 });
        var lens = tensor(new long[] { 9, 3 });
        var e = randn(2, 4, 6);
        var h = randn(2, 9, 6);
        var pad = EncoderBlocks.ValidMask(lens, 9).logical_not();
        var h2 = where(pad, randn(2, 9, 6) * 1e4, h);
        using var r1 = cma.ForwardWithAttention(e, h, lens);
        using var r2 = cma.ForwardWithAttention(e, h2, lens);
        Assert.AreEqual(0f, EncoderBlocks.MaxAbsDiff(r1.Output, r2.Output));
        var padKeys = r1.QueryAttention[1, 0].narrow(1, 3, 6);
        Assert.AreEqual(0f, padKeys.abs().max().item<float>());
        Assert.AreEqual(0f, r1.OutputAttention[1, 0].narrow(1, 3, 6).abs().max().item<float>());
        // Rows of the attention maps are distributions over the valid keys.
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(r1.QueryAttention.sum(-1), ones(2, 1, 4)) < 1e-6);
        Assert.IsTrue(EncoderBlocks.MaxAbsDiff(r1.OutputAttention.sum(-1), ones(2, 1, 4)) < 1e-6);
    }

    [TestMethod]
    public void ProjectionsHaveNoBiasByDefault()
    {
        var cma = new CrossModalAttention(5, 7, new CrossModalAttentionOptions { AttentionDim = 8 });
        var names = cma.named_parameters().Select(p => p.name).OrderBy(s => s).ToArray();
        CollectionAssert.AreEqual(new[] { "w_k.weight", "w_q.weight", "w_v.weight" }, names);
        Assert.ThrowsExactly<ArgumentException>(() => new CrossModalAttention(5, 7, new CrossModalAttentionOptions { AttentionDim = 8, Heads = 3 }));
    }
}
