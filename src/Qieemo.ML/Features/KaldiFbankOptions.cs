namespace Qieemo.ML.Features;

/// <summary>
/// Options of <see cref="KaldiFbank"/>: the options of torchaudio.compliance.kaldi.fbank (torchaudio 0.13)
/// with the same defaults and meaning (Kaldi's compute-fbank-feats), plus <see cref="InputScale"/> and
/// <see cref="Seed"/>. Call <see cref="Validate"/> (the <see cref="KaldiFbank"/> constructor does) to check them.
/// </summary>
public sealed class KaldiFbankOptions
{
    /// <summary>Number of triangular mel bins (torchaudio: num_mel_bins, default 23; must be more than 3).</summary>
    public int NumMelBins { get; set; } = 23;

    /// <summary>Frame length in milliseconds (frame_length, default 25).</summary>
    public double FrameLengthMs { get; set; } = 25.0;

    /// <summary>Frame shift in milliseconds (frame_shift, default 10).</summary>
    public double FrameShiftMs { get; set; } = 10.0;

    /// <summary>Standard deviation of Gaussian noise added to every frame sample (dither, default 0 = off).
    /// WeNet trains with 1.0 (on the 32768-scaled waveform) and decodes with 0.</summary>
    public double Dither { get; set; } = 0.0;

    /// <summary>Preemphasis: x[i] -= c x[i-1], x[0] -= c x[0] (preemphasis_coefficient, default 0.97, in [0, 1]).</summary>
    public double PreemphasisCoefficient { get; set; } = 0.97;

    /// <summary>Subtract each frame's mean (remove_dc_offset, default true).</summary>
    public bool RemoveDcOffset { get; set; } = true;

    /// <summary>Analysis window (window_type, default povey).</summary>
    public KaldiWindowType WindowType { get; set; } = KaldiWindowType.Povey;

    /// <summary>Constant of the generalized Blackman window (blackman_coeff, default 0.42).</summary>
    public double BlackmanCoeff { get; set; } = 0.42;

    /// <summary>Zero-pad frames to the next power of two for the FFT (round_to_power_of_two, default true).</summary>
    public bool RoundToPowerOfTwo { get; set; } = true;

    /// <summary>Only frames that fit completely in the signal (snip_edges, default true); false: frame count depends
    /// only on the shift and the signal is reflected at the ends.</summary>
    public bool SnipEdges { get; set; } = true;

    /// <summary>Low cutoff of the mel bins in Hz (low_freq, default 20).</summary>
    public double LowFreq { get; set; } = 20.0;

    /// <summary>High cutoff of the mel bins in Hz; 0 or negative is an offset from Nyquist (high_freq, default 0).</summary>
    public double HighFreq { get; set; } = 0.0;

    /// <summary>Add a log-energy column, first (use_energy, default false).</summary>
    public bool UseEnergy { get; set; }

    /// <summary>Floor on the log energy: log(EnergyFloor) when positive, none when 0 (energy_floor, default 1.0).</summary>
    public double EnergyFloor { get; set; } = 1.0;

    /// <summary>Energy before preemphasis and windowing (raw_energy, default true); false: after windowing.</summary>
    public bool RawEnergy { get; set; } = true;

    /// <summary>Log of the mel energies, floored at float32 epsilon (use_log_fbank, default true); false: linear.</summary>
    public bool UseLogFbank { get; set; } = true;

    /// <summary>Power spectrum (use_power, default true); false: magnitude spectrum.</summary>
    public bool UsePower { get; set; } = true;

    /// <summary>Sample rate of the waveform in Hz (sample_frequency, default 16000).</summary>
    public double SampleFrequency { get; set; } = 16000.0;

    /// <summary>VTLN warp factor (vtln_warp); only 1.0 (no warping) is supported.</summary>
    public double VtlnWarp { get; set; } = 1.0;

    /// <summary>Signals shorter than this many seconds give zero frames (min_duration, default 0).</summary>
    public double MinDuration { get; set; } = 0.0;

    /// <summary>Factor applied to the waveform first (not a torchaudio option). Waveforms in [-1, 1] as torchaudio.load
    /// returns them need 32768 to match WeNet, which calls fbank(waveform * (1 &lt;&lt; 15)).</summary>
    public double InputScale { get; set; } = 1.0;

    /// <summary>Seed of the dither noise used by <see cref="KaldiFbank.Compute(ReadOnlySpan{float})"/>.</summary>
    public int Seed { get; set; }

    /// <summary>WeNet's feature setting (dataset_conf.fbank_conf; wenet/dataset/processor.py compute_fbank at test
    /// time): 16 kHz, 25/10 ms, dither 0, energy_floor 0, waveform scaled by 32768, povey window.</summary>
    public static KaldiFbankOptions WeNet(int numMelBins = 80) => new()
    {
        NumMelBins = numMelBins,
        FrameLengthMs = 25.0,
        FrameShiftMs = 10.0,
        Dither = 0.0,
        EnergyFloor = 0.0,
        SampleFrequency = 16000.0,
        InputScale = 32768.0,
    };

    /// <summary>A copy of these options.</summary>
    public KaldiFbankOptions Clone() => (KaldiFbankOptions)MemberwiseClone();

    /// <summary>Samples per frame: int(SampleFrequency * FrameLengthMs * 0.001), as torchaudio rounds it.</summary>
    public int WindowSize => (int)(SampleFrequency * FrameLengthMs * 0.001);

    /// <summary>Samples between frame starts: int(SampleFrequency * FrameShiftMs * 0.001).</summary>
    public int WindowShift => (int)(SampleFrequency * FrameShiftMs * 0.001);

    /// <summary>FFT length: <see cref="WindowSize"/> rounded up to a power of two when <see cref="RoundToPowerOfTwo"/>.</summary>
    public int PaddedWindowSize => RoundToPowerOfTwo ? NextPowerOfTwo(WindowSize) : WindowSize;

    private static int NextPowerOfTwo(int x) => x <= 1 ? 1 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)x);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option (torchaudio's checks plus range checks).</summary>
    public void Validate()
    {
        static void Fail(string option, string problem) => throw new ArgumentException($"KaldiFbankOptions.{option}: {problem}", option);
        static bool Finite(double v) => double.IsFinite(v);

        if (!Finite(SampleFrequency) || SampleFrequency <= 0) Fail(nameof(SampleFrequency), $"must be a positive number of Hz, got {SampleFrequency}");
        if (!Finite(FrameLengthMs) || FrameLengthMs <= 0) Fail(nameof(FrameLengthMs), $"must be positive, got {FrameLengthMs}");
        if (!Finite(FrameShiftMs) || FrameShiftMs <= 0) Fail(nameof(FrameShiftMs), $"must be positive, got {FrameShiftMs}");
        if (SampleFrequency * FrameLengthMs * 0.001 > 1 << 24) Fail(nameof(FrameLengthMs), $"{FrameLengthMs} ms at {SampleFrequency} Hz is too long");
        if (WindowSize < 2) Fail(nameof(FrameLengthMs), $"{FrameLengthMs} ms at {SampleFrequency} Hz gives {WindowSize} samples per frame; at least 2 are needed");
        if (SampleFrequency * FrameShiftMs * 0.001 > 1 << 24 || WindowShift < 1) Fail(nameof(FrameShiftMs), $"{FrameShiftMs} ms at {SampleFrequency} Hz gives a shift of {(SampleFrequency * FrameShiftMs * 0.001):G4} samples; it must be at least 1 sample");
        if (PaddedWindowSize % 2 != 0) Fail(nameof(FrameLengthMs), $"the FFT length {PaddedWindowSize} must be even: set RoundToPowerOfTwo or choose a frame length with an even number of samples");
        if (NumMelBins <= 3) Fail(nameof(NumMelBins), $"must be more than 3, got {NumMelBins}");
        if (!Finite(Dither) || Dither < 0) Fail(nameof(Dither), $"must be >= 0, got {Dither}");
        if (!Finite(PreemphasisCoefficient) || PreemphasisCoefficient < 0 || PreemphasisCoefficient > 1) Fail(nameof(PreemphasisCoefficient), $"must be in [0, 1], got {PreemphasisCoefficient}");
        if (!Enum.IsDefined(WindowType)) Fail(nameof(WindowType), $"unknown window type {(int)WindowType}");
        if (!Finite(BlackmanCoeff)) Fail(nameof(BlackmanCoeff), $"must be finite, got {BlackmanCoeff}");
        if (!Finite(EnergyFloor) || EnergyFloor < 0) Fail(nameof(EnergyFloor), $"must be >= 0 (0 = no floor), got {EnergyFloor}");
        if (!Finite(InputScale) || InputScale <= 0) Fail(nameof(InputScale), $"must be positive, got {InputScale}");
        if (!Finite(MinDuration) || MinDuration < 0) Fail(nameof(MinDuration), $"must be >= 0 seconds, got {MinDuration}");
        if (VtlnWarp != 1.0) Fail(nameof(VtlnWarp), $"only 1.0 (no VTLN warping) is supported, got {VtlnWarp}");
        double nyquist = 0.5 * SampleFrequency;
        double high = HighFreq <= 0 ? HighFreq + nyquist : HighFreq;
        if (!Finite(LowFreq) || LowFreq < 0 || LowFreq >= nyquist) Fail(nameof(LowFreq), $"must be in [0, Nyquist = {nyquist}) Hz, got {LowFreq}");
        if (!Finite(HighFreq) || high <= 0 || high > nyquist) Fail(nameof(HighFreq), $"{HighFreq} Hz gives a high cutoff of {high} Hz, which must be in (0, Nyquist = {nyquist}]");
        if (LowFreq >= high) Fail(nameof(LowFreq), $"low cutoff {LowFreq} Hz must be below the high cutoff {high} Hz");
    }
}
