namespace Qieemo.ML.Features;

/// <summary>
/// Kaldi/torchaudio triangular mel filterbank (torchaudio.compliance.kaldi.get_mel_banks without VTLN),
/// stored sparsely: for each bin the first FFT bin it touches, the number of bins and the weights.
/// mel(f) = 1127 ln(1 + f/700); triangles are linear in the mel domain; the Nyquist FFT bin has weight 0.
/// </summary>
internal sealed class MelBanks
{
    private readonly int[] _start, _length, _offset;
    private readonly double[] _weights;

    /// <param name="numBins">Number of mel bins (more than 3).</param>
    /// <param name="paddedWindowSize">FFT length (even).</param>
    /// <param name="sampleFrequency">Hz.</param>
    /// <param name="lowFreq">Hz, in [0, Nyquist).</param>
    /// <param name="highFreq">Hz; 0 or negative is an offset from Nyquist.</param>
    public MelBanks(int numBins, int paddedWindowSize, double sampleFrequency, double lowFreq, double highFreq)
    {
        NumBins = numBins;
        int numFftBins = paddedWindowSize / 2;
        double nyquist = 0.5 * sampleFrequency;
        if (highFreq <= 0.0) highFreq += nyquist;
        // float32 arithmetic in torchaudio's order of operations (Kaldi also uses BaseFloat here): the triangle
        // edges carry float32 rounding that shows up as ~1e-4 differences in the log features otherwise.
        float fftBinWidth = (float)(sampleFrequency / paddedWindowSize);
        double melLowD = Mel(lowFreq), melHighD = Mel(highFreq);
        // num_bins + 1 because the outer triangles spread half a bin beyond low/high.
        float melDelta = (float)((melHighD - melLowD) / (numBins + 1));
        float melLow = (float)melLowD;
        var fftMel = new float[numFftBins];
        for (int i = 0; i < numFftBins; i++)
            fftMel[i] = 1127.0f * MathF.Log(1.0f + fftBinWidth * i / 700.0f);

        _start = new int[numBins];
        _length = new int[numBins];
        _offset = new int[numBins];
        var weights = new List<double>();
        var row = new double[numFftBins];
        for (int b = 0; b < numBins; b++)
        {
            float left = melLow + b * melDelta, center = melLow + (b + 1.0f) * melDelta, right = melLow + (b + 2.0f) * melDelta;
            int first = -1, last = -1;
            for (int i = 0; i < numFftBins; i++)
            {
                float mel = fftMel[i];
                float up = (mel - left) / (center - left), down = (right - mel) / (right - center);
                row[i] = Math.Max(0.0f, Math.Min(up, down));
                if (row[i] > 0) { if (first < 0) first = i; last = i; }
            }
            _offset[b] = weights.Count;
            if (first >= 0)
            {
                _start[b] = first;
                _length[b] = last - first + 1;
                for (int i = first; i <= last; i++) weights.Add(row[i]);
            }
        }
        _weights = weights.ToArray();
    }

    public int NumBins { get; }

    /// <summary>Kaldi's mel scale: 1127 ln(1 + f / 700).</summary>
    public static double Mel(double hz) => 1127.0 * Math.Log(1.0 + hz / 700.0);

    /// <summary>Dense weight of FFT bin <paramref name="fftBin"/> in mel bin <paramref name="bin"/> (for tests).</summary>
    public double Weight(int bin, int fftBin)
    {
        int i = fftBin - _start[bin];
        return i >= 0 && i < _length[bin] ? _weights[_offset[bin] + i] : 0.0;
    }

    /// <summary>(first FFT bin, number of FFT bins) covered by mel bin <paramref name="bin"/>.</summary>
    public (int Start, int Length) Range(int bin) => (_start[bin], _length[bin]);

    /// <summary>out[b] = sum_i weight[b, i] * spectrum[i].</summary>
    public void Apply(ReadOnlySpan<double> spectrum, Span<double> output)
    {
        for (int b = 0; b < NumBins; b++)
        {
            var w = _weights.AsSpan(_offset[b], _length[b]);
            var s = spectrum.Slice(_start[b], _length[b]);
            double sum = 0;
            int i = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                int vc = System.Numerics.Vector<double>.Count;
                var acc = System.Numerics.Vector<double>.Zero;
                for (; i <= w.Length - vc; i += vc)
                    acc += new System.Numerics.Vector<double>(w[i..]) * new System.Numerics.Vector<double>(s[i..]);
                sum = System.Numerics.Vector.Sum(acc);
            }
            for (; i < w.Length; i++) sum += w[i] * s[i];
            output[b] = sum;
        }
    }
}
