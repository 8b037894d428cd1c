using System.Numerics;

namespace Qieemo.ML.Features;

/// <summary>
/// A precomputed, immutable, thread-safe in-place complex FFT plan (float64, split real/imaginary arrays).
/// Power-of-two sizes use an iterative radix-2 decimation-in-frequency transform whose output is
/// left in bit-reversed order (<see cref="OutputIndex"/> maps frequency k to its slot), which saves the
/// permutation pass; other sizes use Bluestein's chirp-z algorithm on a power-of-two plan and return
/// natural order.
/// </summary>
internal sealed class ComplexFft
{
    private readonly bool _pow2;
    // Radix-2 stage twiddles, one contiguous run per stage of half-length h (h = n/2, n/4, ..., 1):
    // entry j of a stage is exp(-2 pi i j / (2h)); contiguous runs let the butterflies load them as vectors.
    private readonly double[] _twRe = [], _twIm = [];
    private readonly int[] _bitRev = [];
    // Bluestein: chirp w[k] = exp(-i pi k^2 / n), and the FFT (bit-reversed order) of the conjugate chirp filter.
    private readonly ComplexFft? _inner;
    private readonly double[] _chirpRe = [], _chirpIm = [], _filterRe = [], _filterIm = [];

    public ComplexFft(int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "FFT size must be positive");
        Size = size;
        _pow2 = BitOperations.IsPow2(size);
        if (_pow2)
        {
            int bits = BitOperations.Log2((uint)size);
            _bitRev = new int[size];
            for (int i = 0; i < size; i++)
                _bitRev[i] = bits == 0 ? 0 : (int)(ReverseBits((uint)i) >> (32 - bits));
            _twRe = new double[Math.Max(size - 1, 0)];
            _twIm = new double[_twRe.Length];
            int o = 0;
            for (int h = size / 2; h >= 1; h /= 2)
                for (int j = 0; j < h; j++, o++)
                {
                    double a = -Math.PI * j / h;
                    _twRe[o] = Math.Cos(a);
                    _twIm[o] = Math.Sin(a);
                }
            OutputIndex = _bitRev;
        }
        else
        {
            int m = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * size - 1));
            _inner = new ComplexFft(m);
            _chirpRe = new double[size];
            _chirpIm = new double[size];
            for (int k = 0; k < size; k++)
            {
                // k^2 mod 2n keeps the angle small and exact for long sizes.
                long k2 = (long)k * k % (2L * size);
                double a = -Math.PI * k2 / size;
                _chirpRe[k] = Math.Cos(a);
                _chirpIm[k] = Math.Sin(a);
            }
            _filterRe = new double[m];
            _filterIm = new double[m];
            for (int k = 0; k < size; k++)
            {
                _filterRe[k] = _chirpRe[k];
                _filterIm[k] = -_chirpIm[k];
                if (k > 0)
                {
                    _filterRe[m - k] = _chirpRe[k];
                    _filterIm[m - k] = -_chirpIm[k];
                }
            }
            _inner.Forward(_filterRe, _filterIm, []);
            OutputIndex = new int[size];
            for (int i = 0; i < size; i++) OutputIndex[i] = i;
        }
    }

    /// <summary>Transform length.</summary>
    public int Size { get; }

    /// <summary>Slot of frequency k in the arrays after <see cref="Forward"/> (bit-reversal or identity).</summary>
    public int[] OutputIndex { get; }

    /// <summary>Doubles of scratch that <see cref="Forward"/> needs (0 for power-of-two sizes).</summary>
    public int ScratchLength => _inner == null ? 0 : 2 * _inner.Size;

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }

    /// <summary>
    /// Forward DFT X[k] = sum_j x[j] exp(-2 pi i j k / n), in place; X[k] ends in slot OutputIndex[k].
    /// </summary>
    public void Forward(Span<double> re, Span<double> im, Span<double> scratch)
    {
        if (re.Length < Size || im.Length < Size) throw new ArgumentException("buffers shorter than the FFT size");
        if (_pow2) ForwardPow2(re[..Size], im[..Size]);
        else ForwardBluestein(re[..Size], im[..Size], scratch);
    }

    private void ForwardPow2(Span<double> re, Span<double> im)
    {
        int n = Size;
        int vc = Vector<double>.Count;
        int tw = 0;
        int h = n / 2;
        // Wide stages: butterflies vectorised over j.
        for (; h >= 4 && h >= vc; tw += h, h /= 2)
        {
            var twr = _twRe.AsSpan(tw, h);
            var twi = _twIm.AsSpan(tw, h);
            for (int s = 0; s < n; s += 2 * h)
            {
                var ar = re.Slice(s, h); var ai = im.Slice(s, h);
                var br = re.Slice(s + h, h); var bi = im.Slice(s + h, h);
                for (int j = 0; j < h; j += vc)
                {
                    var xr = new Vector<double>(ar[j..]); var xi = new Vector<double>(ai[j..]);
                    var yr = new Vector<double>(br[j..]); var yi = new Vector<double>(bi[j..]);
                    var wr = new Vector<double>(twr[j..]); var wi = new Vector<double>(twi[j..]);
                    (xr + yr).CopyTo(ar[j..]);
                    (xi + yi).CopyTo(ai[j..]);
                    var dr = xr - yr; var di = xi - yi;
                    (dr * wr - di * wi).CopyTo(br[j..]);
                    (dr * wi + di * wr).CopyTo(bi[j..]);
                }
            }
        }
        // Remaining wide-ish stages (vector width larger than h) in scalar form.
        for (; h >= 4; tw += h, h /= 2)
        {
            for (int s = 0; s < n; s += 2 * h)
                for (int j = 0; j < h; j++)
                {
                    int a = s + j, b = a + h;
                    double xr = re[a], xi = im[a], yr = re[b], yi = im[b];
                    re[a] = xr + yr; im[a] = xi + yi;
                    double dr = xr - yr, di = xi - yi, wr = _twRe[tw + j], wi = _twIm[tw + j];
                    re[b] = dr * wr - di * wi; im[b] = dr * wi + di * wr;
                }
        }
        if (h == 2)
        {
            // The last two stages fused: twiddles 1, -i then 1.
            for (int s = 0; s < n; s += 4)
            {
                double x0r = re[s], x0i = im[s], x1r = re[s + 1], x1i = im[s + 1];
                double x2r = re[s + 2], x2i = im[s + 2], x3r = re[s + 3], x3i = im[s + 3];
                double y0r = x0r + x2r, y0i = x0i + x2i, y1r = x1r + x3r, y1i = x1i + x3i;
                double y2r = x0r - x2r, y2i = x0i - x2i;
                double y3r = x1i - x3i, y3i = x3r - x1r; // (x1 - x3) * -i
                re[s] = y0r + y1r; im[s] = y0i + y1i;
                re[s + 1] = y0r - y1r; im[s + 1] = y0i - y1i;
                re[s + 2] = y2r + y3r; im[s + 2] = y2i + y3i;
                re[s + 3] = y2r - y3r; im[s + 3] = y2i - y3i;
            }
        }
        else if (h == 1)
        {
            for (int s = 0; s < n; s += 2)
            {
                double xr = re[s], xi = im[s], yr = re[s + 1], yi = im[s + 1];
                re[s] = xr + yr; im[s] = xi + yi;
                re[s + 1] = xr - yr; im[s + 1] = xi - yi;
            }
        }
    }

    private void ForwardBluestein(Span<double> re, Span<double> im, Span<double> scratch)
    {
        var inner = _inner!;
        int m = inner.Size, n = Size;
        if (scratch.Length < 2 * m) throw new ArgumentException("scratch shorter than ScratchLength");
        var ar = scratch[..m];
        var ai = scratch.Slice(m, m);
        for (int k = 0; k < n; k++)
        {
            double xr = re[k], xi = im[k], cr = _chirpRe[k], ci = _chirpIm[k];
            ar[k] = xr * cr - xi * ci;
            ai[k] = xr * ci + xi * cr;
        }
        ar[n..].Clear();
        ai[n..].Clear();
        inner.ForwardPow2(ar, ai);
        // Pointwise product with the filter spectrum (both bit-reversed: same slots), then the inverse
        // transform as conj(FFT(conj(.))) / m, which returns bit-reversed slots of the convolution.
        for (int k = 0; k < m; k++)
        {
            double xr = ar[k], xi = ai[k], fr = _filterRe[k], fi = _filterIm[k];
            ar[k] = xr * fr - xi * fi;
            ai[k] = -(xr * fi + xi * fr);
        }
        // The product sits in bit-reversed slots: put it back in natural order before transforming again.
        var bitRev = inner._bitRev;
        for (int k = 0; k < m; k++)
        {
            int r = bitRev[k];
            if (r > k)
            {
                (ar[k], ar[r]) = (ar[r], ar[k]);
                (ai[k], ai[r]) = (ai[r], ai[k]);
            }
        }
        inner.ForwardPow2(ar, ai);
        double scale = 1.0 / m;
        for (int k = 0; k < n; k++)
        {
            int slot = bitRev[k];
            double cr = ar[slot] * scale, ci = -ai[slot] * scale;
            double wr = _chirpRe[k], wi = _chirpIm[k];
            re[k] = cr * wr - ci * wi;
            im[k] = cr * wi + ci * wr;
        }
    }
}
