namespace Qieemo.ML.Audio;

/// <summary>
/// The prototype low-pass of a <see cref="Resampler"/>, in units of the lower of the two rates:
/// <see cref="Cutoff"/> is the sinc cutoff (the -6 dB point) as a fraction of the lower Nyquist
/// frequency, <see cref="HalfLength"/> the Kaiser window half-width in lower-rate samples.
/// </summary>
internal readonly record struct ResamplerFilter(double Cutoff, double HalfLength, double Beta);

/// <summary>Kaiser-window design of the resampler's prototype low-pass (Kaiser's beta and length formulas).</summary>
internal static class ResamplerFilterDesign
{
    /// <summary>Amplitude 1/sqrt(2): the -3 dB point.</summary>
    private const double Minus3Db = 0.70710678118654752;

    /// <summary>Kaiser's empirical beta for a stop-band attenuation of <paramref name="attenuationDb"/> dB.</summary>
    public static double KaiserBeta(double attenuationDb) =>
        attenuationDb > 50 ? 0.1102 * (attenuationDb - 8.7)
        : attenuationDb >= 21 ? 0.5842 * Math.Pow(attenuationDb - 21, 0.4) + 0.07886 * (attenuationDb - 21)
        : 0;

    /// <summary>Modified Bessel function of the first kind, order 0, by its power series (converges for all x; beta ≤ 22 here).</summary>
    public static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = 0.5 * x;
        for (int k = 1; k < 500; k++)
        {
            double r = half / k;
            term *= r * r;
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return sum;
    }

    /// <summary>Kaiser window at normalised position u in [-1, 1] (0 outside), given I0(beta).</summary>
    public static double Kaiser(double u, double beta, double i0Beta)
    {
        double a = 1 - u * u;
        return a < 0 ? 0 : BesselI0(beta * Math.Sqrt(a)) / i0Beta;
    }

    /// <summary>
    /// Places the cutoff so that the response is -3 dB at <see cref="ResamplerOptions.Bandwidth"/>.
    /// Without a fixed length, Kaiser's formula N - 1 = (A - 7.95) / (14.36 Δf) ties the length to the
    /// transition width Δf = 2 (1 - cutoff) (in Nyquist units, stop band starting at Nyquist), so the
    /// -3 dB point moves monotonically with the cutoff and a bisection finds it.
    /// </summary>
    public static ResamplerFilter Design(ResamplerOptions options)
    {
        options.Validate();
        double a = options.StopbandAttenuationDb, bw = options.Bandwidth;
        double beta = KaiserBeta(a);
        double d = (a - 7.95) / 14.36;
        double HalfLength(double cutoff) => options.FilterHalfLength ?? d / (2 * (1 - cutoff));

        // Cutoff = bw gives exactly -6 dB at bw; near 1 the transition is very narrow and bw is in the pass band.
        double lo = bw, hi = options.FilterHalfLength is null ? 1 - (1 - bw) / 20 : 1;
        for (int it = 0; it < 60 && hi - lo > 1e-12; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (Response(mid, HalfLength(mid), beta, bw) > Minus3Db) hi = mid; else lo = mid;
        }
        double fc = 0.5 * (lo + hi);
        return new ResamplerFilter(fc, HalfLength(fc), beta);
    }

    /// <summary>
    /// Amplitude response at <paramref name="f"/> (fraction of the lower Nyquist frequency) of the
    /// windowed sinc with the given cutoff and half-length, sampled at twice the lower rate so that
    /// images do not disturb frequencies up to Nyquist.
    /// </summary>
    public static double Response(double cutoff, double halfLength, double beta, double f)
    {
        double i0Beta = BesselI0(beta);
        int kMax = (int)Math.Floor(2 * halfLength);
        double sum = 0;
        for (int k = -kMax; k <= kMax; k++)
        {
            double t = 0.5 * k; // in lower-rate samples
            double h = 0.5 * cutoff * Sinc(cutoff * t) * Kaiser(t / halfLength, beta, i0Beta);
            sum += h * Math.Cos(Math.PI * f * t);
        }
        return Math.Abs(sum);
    }

    /// <summary>Normalised sinc: sin(pi x) / (pi x).</summary>
    public static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
}
