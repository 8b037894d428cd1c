namespace Qieemo.ML.Features;

/// <summary>Analysis window of Kaldi's feature extraction (torchaudio's window_type strings).</summary>
public enum KaldiWindowType
{
    /// <summary>"povey": (0.5 - 0.5 cos(2 pi n / (N-1)))^0.85, like Hann but reaching zero at the edges (Kaldi default).</summary>
    Povey,
    /// <summary>"hamming": 0.54 - 0.46 cos(2 pi n / (N-1)).</summary>
    Hamming,
    /// <summary>"hanning": 0.5 - 0.5 cos(2 pi n / (N-1)) (symmetric Hann).</summary>
    Hanning,
    /// <summary>"rectangular": all ones.</summary>
    Rectangular,
    /// <summary>"blackman": c - 0.5 cos(a n) + (0.5 - c) cos(2 a n), a = 2 pi / (N-1), c = <see cref="KaldiFbankOptions.BlackmanCoeff"/>.</summary>
    Blackman,
}
