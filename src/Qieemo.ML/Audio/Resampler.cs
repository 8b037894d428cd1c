using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qieemo.ML.Audio;

/// <summary>
/// Band-limited sample-rate conversion by a rational factor L/M = outputRate/inputRate (reduced by
/// their gcd) with a polyphase bank of Kaiser-windowed sinc filters, e.g. 44100 → 16000 is 160/441,
/// 22050 → 16000 is 320/441, 48000 → 16000 is 1/3 and 8000 → 16000 is 2/1.
/// </summary>
/// <remarks>
/// <para>Timing: output sample n is the band-limited input evaluated at input time n·M/L (in input
/// samples), i.e. at the same instant n / outputRate seconds: the filter is linear-phase and its
/// delay is compensated, so there is no lag against the input (nor against sox, which does the same).</para>
/// <para>Length: the output holds every output instant that falls inside the input's span,
/// ceil(length·L/M) samples, like torchaudio. sox rounds instead (round(length·L/M)), so its output
/// can be one sample shorter.</para>
/// <para>Edges: samples before the start and after the end of the input are taken as zero.</para>
/// <para>Filtering: the cutoff lies below the lower of the two Nyquist frequencies, so downsampling
/// removes what would alias and upsampling removes the images; the gain is unity in the pass band
/// both ways. The -3 dB point and the window are set by <see cref="ResamplerOptions"/>.</para>
/// <para>An instance is immutable after construction and safe to use from several threads.</para>
/// </remarks>
public sealed class Resampler
{
    /// <summary>Above this many coefficients (32 MB) the bank is not stored and rows are computed per output sample.</summary>
    private const long MaxBankCoefficients = 1L << 23;

    private static readonly ConcurrentDictionary<(int, int, double, double, int?), Resampler> Cache = new();

    private readonly float[]? _bank;    // phase p's row at [p * _taps, (p + 1) * _taps)
    private readonly int _taps;         // row length, padded with zeros to a multiple of Vector<float>.Count
    private readonly int _reach;        // input samples the filter reaches on each side of the output instant
    private readonly double _cutoff;    // sinc cutoff in cycles per input sample
    private readonly double _halfWidth; // Kaiser window half-width in input samples
    private readonly double _beta, _i0Beta;

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/> Hz.</summary>
    /// <exception cref="ArgumentException">A rate is not positive or an option is out of range.</exception>
    public Resampler(int inputRate, int outputRate, ResamplerOptions? options = null)
    {
        if (inputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate), inputRate, "Input sample rate must be positive.");
        if (outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(outputRate), outputRate, "Output sample rate must be positive.");
        options ??= new ResamplerOptions();
        options.Validate();
        InputRate = inputRate;
        OutputRate = outputRate;
        int g = Gcd(inputRate, outputRate);
        UpFactor = outputRate / g;
        DownFactor = inputRate / g;
        if (UpFactor == DownFactor) return; // equal rates: Process copies

        var filter = ResamplerFilterDesign.Design(options);
        // The prototype is designed at the lower rate; 'scale' converts it to input-sample units.
        double scale = Math.Min(1.0, (double)UpFactor / DownFactor);
        _cutoff = 0.5 * filter.Cutoff * scale;
        _halfWidth = filter.HalfLength / scale;
        _beta = filter.Beta;
        _i0Beta = ResamplerFilterDesign.BesselI0(_beta);
        _reach = (int)Math.Ceiling(_halfWidth);
        int vc = Vector<float>.Count;
        _taps = (2 * _reach + vc - 1) / vc * vc;
        CutoffHz = 0.5 * filter.Cutoff * Math.Min(inputRate, outputRate);

        if ((long)UpFactor * _taps <= MaxBankCoefficients)
        {
            _bank = new float[UpFactor * _taps];
            for (int p = 0; p < UpFactor; p++) FillRow(p, _bank.AsSpan(p * _taps, _taps));
        }
    }

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <see cref="ResamplerOptions.TargetRate"/>.</summary>
    public Resampler(int inputRate, ResamplerOptions? options = null)
        : this(inputRate, (options ?? new ResamplerOptions()).TargetRate, options) { }

    /// <summary>Input sample rate in Hz.</summary>
    public int InputRate { get; }

    /// <summary>Output sample rate in Hz.</summary>
    public int OutputRate { get; }

    /// <summary>L: outputRate / gcd(inputRate, outputRate), also the number of polyphase filters.</summary>
    public int UpFactor { get; }

    /// <summary>M: inputRate / gcd(inputRate, outputRate).</summary>
    public int DownFactor { get; }

    /// <summary>Input samples each output sample is computed from (0 for equal rates).</summary>
    public int TapsPerPhase => _taps;

    /// <summary>The -6 dB frequency of the anti-aliasing / anti-imaging filter in Hz (0 for equal rates).</summary>
    public double CutoffHz { get; }

    /// <summary>Number of output samples for <paramref name="inputLength"/> input samples: ceil(inputLength·L/M).</summary>
    public int OutputLength(int inputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        long n = ((long)inputLength * UpFactor + DownFactor - 1) / DownFactor;
        if (n > Array.MaxLength) throw new ArgumentException($"Resampling {inputLength} samples from {InputRate} Hz to {OutputRate} Hz gives {n} samples, more than an array can hold.", nameof(inputLength));
        return (int)n;
    }

    /// <summary>Resamples a whole signal; returns <see cref="OutputLength"/>(input.Length) samples.</summary>
    public float[] Process(ReadOnlySpan<float> input)
    {
        var output = new float[OutputLength(input.Length)];
        Process(input, output);
        return output;
    }

    /// <summary>Resamples a whole signal into <paramref name="output"/>; returns the number of samples written.</summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="OutputLength"/>(input.Length).</exception>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        int n = OutputLength(input.Length);
        if (output.Length < n)
            throw new ArgumentException($"Output span holds {output.Length} samples; resampling {input.Length} samples from {InputRate} Hz to {OutputRate} Hz needs {n}.", nameof(output));
        if (UpFactor == DownFactor)
        {
            input.CopyTo(output);
            return n;
        }

        int L = UpFactor, qStep = DownFactor / L, pStep = DownFactor % L;
        float[] window = new float[_taps];
        float[]? row = _bank is null ? new float[_taps] : null;
        long q = 0; // output instant n·M/L = q + p/L input samples
        int p = 0;
        for (int k = 0; k < n; k++)
        {
            ReadOnlySpan<float> coefs;
            if (_bank is not null) coefs = new ReadOnlySpan<float>(_bank, p * _taps, _taps);
            else { FillRow(p, row); coefs = row; }

            long start = q - _reach + 1;
            if (start >= 0 && start + _taps <= input.Length)
            {
                output[k] = Dot(coefs, input.Slice((int)start, _taps));
            }
            else
            {
                // Near the edges: the input is zero outside [0, length).
                Array.Clear(window);
                long from = Math.Max(start, 0), to = Math.Min(start + _taps, input.Length);
                if (to > from) input[(int)from..(int)to].CopyTo(window.AsSpan((int)(from - start)));
                output[k] = Dot(coefs, window);
            }

            q += qStep;
            p += pStep;
            if (p >= L) { p -= L; q++; }
        }
        return n;
    }

    /// <summary>Resamples <paramref name="x"/> from <paramref name="inRate"/> to <paramref name="outRate"/> Hz (filter banks are cached per setting).</summary>
    public static float[] Resample(float[] x, int inRate, int outRate, ResamplerOptions? o = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return For(inRate, outRate, o).Process(x);
    }

    /// <summary>Resamples <paramref name="x"/> from <paramref name="inRate"/> Hz to <see cref="ResamplerOptions.TargetRate"/> (16 kHz by default).</summary>
    public static float[] Resample(float[] x, int inRate, ResamplerOptions? o = null) =>
        Resample(x, inRate, (o ?? new ResamplerOptions()).TargetRate, o);

    /// <summary>A cached resampler for these rates and options (at most a few dozen distinct settings are kept).</summary>
    private static Resampler For(int inRate, int outRate, ResamplerOptions? o)
    {
        o ??= new ResamplerOptions();
        var key = (inRate, outRate, o.Bandwidth, o.StopbandAttenuationDb, o.FilterHalfLength);
        if (Cache.TryGetValue(key, out var r)) return r;
        r = new Resampler(inRate, outRate, o);
        if (Cache.Count >= 32) Cache.Clear(); // unusual rates: do not grow without bound
        Cache[key] = r;
        return r;
    }

    /// <summary>
    /// Coefficients of phase p: tap i weighs input sample q - reach + 1 + i for an output instant
    /// q + p/L, i.e. the windowed sinc at distance d = p/L + reach - 1 - i input samples.
    /// </summary>
    private void FillRow(int p, Span<float> row)
    {
        double frac = (double)p / UpFactor;
        for (int i = 0; i < row.Length; i++)
        {
            double d = frac + _reach - 1 - i;
            double h = 2 * _cutoff * ResamplerFilterDesign.Sinc(2 * _cutoff * d)
                       * ResamplerFilterDesign.Kaiser(d / _halfWidth, _beta, _i0Beta);
            row[i] = (float)h;
        }
    }

    /// <summary>Dot product of two equally long spans whose length is a multiple of Vector&lt;float&gt;.Count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int vc = Vector<float>.Count, n = a.Length, i = 0;
        // Four accumulators hide the latency of the multiply-add chain.
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (; i <= n - 4 * vc; i += 4 * vc)
        {
            s0 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ra, (nuint)i), Vector.LoadUnsafe(ref rb, (nuint)i), s0);
            s1 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ra, (nuint)(i + vc)), Vector.LoadUnsafe(ref rb, (nuint)(i + vc)), s1);
            s2 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ra, (nuint)(i + 2 * vc)), Vector.LoadUnsafe(ref rb, (nuint)(i + 2 * vc)), s2);
            s3 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ra, (nuint)(i + 3 * vc)), Vector.LoadUnsafe(ref rb, (nuint)(i + 3 * vc)), s3);
        }
        for (; i < n; i += vc)
            s0 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ra, (nuint)i), Vector.LoadUnsafe(ref rb, (nuint)i), s0);
        return Vector.Sum((s0 + s1) + (s2 + s3));
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
