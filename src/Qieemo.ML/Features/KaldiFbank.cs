using System.Numerics;

namespace Qieemo.ML.Features;

/// <summary>
/// Kaldi-compatible log mel filterbank features, numerically matching torchaudio.compliance.kaldi.fbank
/// (Kaldi's compute-fbank-feats). Per frame: extract (snip_edges / reflection), dither, remove DC offset,
/// raw log energy, preemphasis, window, zero-pad, real FFT, power or magnitude spectrum, sparse mel
/// triangles, log floored at float32 epsilon. Frames are processed in float64 and stored as float32.
/// Immutable after construction: <see cref="Compute(ReadOnlySpan{float})"/> may run on several threads.
/// </summary>
public sealed class KaldiFbank
{
    /// <summary>numeric_limits&lt;float&gt;::epsilon(), Kaldi's floor for energies before the log.</summary>
    public const double Epsilon = 1.1920928955078125e-07;

    private readonly KaldiFbankOptions _o;
    private readonly double[] _window;
    private readonly MelBanks _mel;
    private readonly RealFft _fft;
    private readonly double _logEnergyFloor;

    /// <summary>Validates <paramref name="options"/> (a copy is kept) and precomputes window, mel weights and FFT plan.</summary>
    public KaldiFbank(KaldiFbankOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _o = options.Clone();
        WindowSize = _o.WindowSize;
        WindowShift = _o.WindowShift;
        PaddedWindowSize = _o.PaddedWindowSize;
        Dim = _o.NumMelBins + (_o.UseEnergy ? 1 : 0);
        _window = MakeWindow(_o.WindowType, WindowSize, _o.BlackmanCoeff);
        _mel = new MelBanks(_o.NumMelBins, PaddedWindowSize, _o.SampleFrequency, _o.LowFreq, _o.HighFreq);
        _fft = new RealFft(PaddedWindowSize);
        _logEnergyFloor = _o.EnergyFloor > 0 ? Math.Log(_o.EnergyFloor) : double.NegativeInfinity;
    }

    /// <summary>A copy of the options in use.</summary>
    public KaldiFbankOptions Options => _o.Clone();

    /// <summary>Samples per frame.</summary>
    public int WindowSize { get; }

    /// <summary>Samples between consecutive frames.</summary>
    public int WindowShift { get; }

    /// <summary>FFT length.</summary>
    public int PaddedWindowSize { get; }

    /// <summary>Output dimension: NumMelBins, plus 1 when UseEnergy (energy is column 0).</summary>
    public int Dim { get; }

    internal MelBanks MelBanks => _mel;

    internal ReadOnlySpan<double> Window => _window;

    /// <summary>The analysis window of <paramref name="size"/> samples, as Kaldi/torchaudio define it.</summary>
    public static double[] MakeWindow(KaldiWindowType type, int size, double blackmanCoeff = 0.42)
    {
        var w = new double[size];
        double a = 2 * Math.PI / (size - 1);
        for (int i = 0; i < size; i++)
        {
            double hann = 0.5 - 0.5 * Math.Cos(a * i);
            w[i] = type switch
            {
                KaldiWindowType.Hanning => hann,
                KaldiWindowType.Povey => Math.Pow(hann, 0.85),
                KaldiWindowType.Hamming => 0.54 - 0.46 * Math.Cos(a * i),
                KaldiWindowType.Rectangular => 1.0,
                KaldiWindowType.Blackman => blackmanCoeff - 0.5 * Math.Cos(a * i) + (0.5 - blackmanCoeff) * Math.Cos(2 * a * i),
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown window type"),
            };
        }
        return w;
    }

    /// <summary>
    /// Frames for a signal of <paramref name="samples"/> samples: 1 + (n - size) / shift when SnipEdges (0 if the
    /// signal is shorter than a frame), else (n + shift/2) / shift (Kaldi's NumFrames; torchaudio's _get_strided).
    /// MinDuration is not applied here.
    /// </summary>
    public int NumFrames(int samples)
    {
        if (samples < 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "sample count must be >= 0");
        if (_o.SnipEdges)
            return samples < WindowSize ? 0 : 1 + (samples - WindowSize) / WindowShift;
        return (int)(((long)samples + WindowShift / 2) / WindowShift);
    }

    /// <summary>Features of <paramref name="waveform"/>; dither (if any) is drawn from a generator seeded with
    /// <see cref="KaldiFbankOptions.Seed"/>, so equal inputs give equal outputs.</summary>
    public FbankResult Compute(ReadOnlySpan<float> waveform) =>
        Compute(waveform, _o.Dither != 0 ? new Random(_o.Seed) : null);

    /// <summary>Features of <paramref name="waveform"/> with dither noise drawn from <paramref name="rng"/>
    /// (pass one generator across utterances to vary it; required when Dither is non-zero).</summary>
    public FbankResult Compute(ReadOnlySpan<float> waveform, Random? rng)
    {
        if (_o.Dither != 0 && rng == null) throw new ArgumentNullException(nameof(rng), "Dither is non-zero: a random generator is needed");
        int n = waveform.Length;
        if (n < _o.MinDuration * _o.SampleFrequency) return new FbankResult([], 0, Dim);
        int frames = NumFrames(n);
        var data = new float[(long)frames * Dim];
        if (frames == 0) return new FbankResult(data, 0, Dim);

        int half = PaddedWindowSize / 2;
        var frame = new double[WindowSize];
        var packed = new double[2 * half];
        var spectrum = new double[half + 1];
        var mel = new double[_o.NumMelBins];
        var scratch = new double[_fft.ScratchLength];
        var re = packed.AsSpan(0, half);
        var im = packed.AsSpan(half, half);
        for (int t = 0; t < frames; t++)
        {
            var x = frame.AsSpan();
            Extract(waveform, t, x);
            var row = data.AsSpan(t * Dim, Dim);
            double logEnergy = ProcessFrame(x, rng, re, im, scratch, spectrum, mel);
            int c = 0;
            if (_o.UseEnergy) row[c++] = (float)logEnergy;
            if (_o.UseLogFbank)
                for (int b = 0; b < mel.Length; b++) row[c + b] = (float)Math.Log(Math.Max(mel[b], Epsilon));
            else
                for (int b = 0; b < mel.Length; b++) row[c + b] = (float)mel[b];
        }
        return new FbankResult(data, frames, Dim);
    }

    /// <summary>Copies frame <paramref name="t"/> (scaled) into <paramref name="x"/>, reflecting at the signal ends
    /// when SnipEdges is false (Kaldi's ExtractWindow: ... x1 x0 | x0 x1 ... x[n-1] | x[n-1] x[n-2] ...).</summary>
    private void Extract(ReadOnlySpan<float> wave, int t, Span<double> x)
    {
        double scale = _o.InputScale;
        long start = _o.SnipEdges ? (long)t * WindowShift : (long)t * WindowShift + WindowShift / 2 - WindowSize / 2;
        int n = wave.Length;
        if (start >= 0 && start + WindowSize <= n)
        {
            var src = wave.Slice((int)start, WindowSize);
            for (int i = 0; i < src.Length; i++) x[i] = src[i] * scale;
            return;
        }
        for (int i = 0; i < WindowSize; i++)
        {
            long s = start + i;
            while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2L * n - 1 - s;
            x[i] = wave[(int)s] * scale;
        }
    }

    /// <summary>Everything after extraction; leaves the mel energies in <paramref name="mel"/> and returns the log energy.</summary>
    private double ProcessFrame(Span<double> x, Random? rng, Span<double> re, Span<double> im, Span<double> scratch,
        Span<double> spectrum, Span<double> mel)
    {
        int size = x.Length;
        if (_o.Dither != 0)
        {
            double d = _o.Dither;
            for (int i = 0; i < size; i++) x[i] += d * Gaussian(rng!);
        }
        if (_o.RemoveDcOffset)
        {
            double mean = Sum(x) / size;
            for (int i = 0; i < size; i++) x[i] -= mean;
        }
        double logEnergy = 0;
        if (_o.RawEnergy) logEnergy = LogEnergy(SumOfSquares(x));

        // Preemphasis and window, written straight into the packed even/odd layout of the real FFT.
        double c = _o.PreemphasisCoefficient;
        var w = _window.AsSpan();
        double prev = x[0];
        int half = re.Length;
        int i2 = 0;
        for (; i2 + 1 < size; i2 += 2)
        {
            double a = x[i2], b = x[i2 + 1];
            re[i2 >> 1] = (a - c * prev) * w[i2];
            im[i2 >> 1] = (b - c * a) * w[i2 + 1];
            prev = b;
        }
        int j = i2 >> 1;
        if (i2 < size)
        {
            re[j] = (x[i2] - c * prev) * w[i2];
            im[j] = 0;
            j++;
        }
        re[j..].Clear();
        im[j..].Clear();

        if (!_o.RawEnergy) logEnergy = LogEnergy(SumOfSquares(re) + SumOfSquares(im));

        _fft.PowerSpectrum(re, im, scratch, spectrum, magnitude: !_o.UsePower);
        _mel.Apply(spectrum, mel);
        return logEnergy;
    }

    private double LogEnergy(double sumSq)
    {
        double e = Math.Log(Math.Max(sumSq, Epsilon));
        return Math.Max(e, _logEnergyFloor);
    }

    private static double Sum(ReadOnlySpan<double> x)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var acc = Vector<double>.Zero;
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count) acc += new Vector<double>(x[i..]);
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }

    private static double SumOfSquares(ReadOnlySpan<double> x)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var acc = Vector<double>.Zero;
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var v = new Vector<double>(x[i..]);
                acc += v * v;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) sum += x[i] * x[i];
        return sum;
    }

    /// <summary>Standard normal deviate (Box-Muller; one value per call keeps the sequence simple to reason about).</summary>
    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(); // (0, 1]: log is finite
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
