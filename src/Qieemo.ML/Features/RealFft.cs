namespace Qieemo.ML.Features;

/// <summary>
/// Spectrum of a real frame of even length n through one complex FFT of length n/2: the caller packs
/// even samples into the real array and odd samples into the imaginary array (z[j] = x[2j] + i x[2j+1]),
/// and the standard split step recovers X[0..n/2]. Immutable and thread-safe; buffers belong to the caller.
/// </summary>
internal sealed class RealFft
{
    private readonly ComplexFft _fft;
    private readonly double[] _cos, _sin;

    public RealFft(int n)
    {
        if (n < 2 || n % 2 != 0) throw new ArgumentOutOfRangeException(nameof(n), n, "real FFT length must be even and >= 2");
        Size = n;
        Half = n / 2;
        _fft = new ComplexFft(Half);
        _cos = new double[Half];
        _sin = new double[Half];
        for (int k = 0; k < Half; k++)
        {
            double a = 2 * Math.PI * k / n;
            _cos[k] = Math.Cos(a);
            _sin[k] = Math.Sin(a);
        }
    }

    /// <summary>Frame length n.</summary>
    public int Size { get; }

    /// <summary>n/2: length of the packed arrays; the spectrum has Half + 1 bins.</summary>
    public int Half { get; }

    /// <summary>Doubles of scratch needed by <see cref="PowerSpectrum"/>.</summary>
    public int ScratchLength => _fft.ScratchLength;

    /// <summary>
    /// |X[k]|^2 for k = 0..n/2 (or |X[k]| when <paramref name="magnitude"/>) from the packed frame.
    /// <paramref name="packedRe"/>/<paramref name="packedIm"/> (length n/2) are overwritten.
    /// </summary>
    public void PowerSpectrum(Span<double> packedRe, Span<double> packedIm, Span<double> scratch, Span<double> spectrum, bool magnitude)
    {
        int m = Half;
        _fft.Forward(packedRe, packedIm, scratch);
        var idx = _fft.OutputIndex;
        double r0 = packedRe[idx[0]], i0 = packedIm[idx[0]];
        double dc = r0 + i0, nyq = r0 - i0;
        spectrum[0] = dc * dc;
        spectrum[m] = nyq * nyq;
        for (int k = 1; k < m; k++)
        {
            int a = idx[k], b = idx[m - k];
            double zr = packedRe[a], zi = packedIm[a], cr = packedRe[b], ci = -packedIm[b];
            // E = (Z[k] + conj Z[m-k]) / 2 (even samples), O = (Z[k] - conj Z[m-k]) / 2i (odd samples),
            // X[k] = E + exp(-2 pi i k / n) O.
            double er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
            double or = 0.5 * (zi - ci), oi = -0.5 * (zr - cr);
            double tr = _cos[k], ti = -_sin[k];
            double xr = er + tr * or - ti * oi;
            double xi = ei + tr * oi + ti * or;
            spectrum[k] = xr * xr + xi * xi;
        }
        if (magnitude)
            for (int k = 0; k <= m; k++) spectrum[k] = Math.Sqrt(spectrum[k]);
    }
}
