using Qieemo.ML.Audio;
using Qieemo.ML.Features;

namespace Qieemo.ML.Asr;

/// <summary>
/// WeNet's front end for the ASR model: read the file (WAV/FLAC), mix to mono, resample to 16 kHz and compute
/// 80-bin Kaldi fbank with WeNet's settings (<see cref="KaldiFbankOptions.WeNet"/>; waveform scaled by 32768).
/// Dither is added only when a generator is passed (training). CMVN is not applied here: it is the encoder's first layer.
/// </summary>
public sealed class AsrFeatureExtractor
{
    /// <summary>Sample rate the fbank is computed at.</summary>
    public const int SampleRate = 16000;

    private readonly KaldiFbank _fbank;
    private readonly KaldiFbank? _ditheredFbank;

    /// <param name="numMelBins">Mel bins (the encoder's input dimension).</param>
    /// <param name="dither">Dither amount used when a generator is passed to <see cref="Extract(string, Random?)"/> (WeNet: 0.1 in training).</param>
    public AsrFeatureExtractor(int numMelBins = 80, double dither = 0.0)
    {
        _fbank = new KaldiFbank(KaldiFbankOptions.WeNet(numMelBins));
        if (dither > 0)
        {
            var o = KaldiFbankOptions.WeNet(numMelBins);
            o.Dither = dither;
            _ditheredFbank = new KaldiFbank(o);
        }
        NumMelBins = numMelBins;
        Dither = dither;
    }

    /// <summary>Feature dimension.</summary>
    public int NumMelBins { get; }

    /// <summary>Dither amount of training-time extraction.</summary>
    public double Dither { get; }

    /// <summary>Reads an audio file as 16 kHz mono samples in [-1, 1].</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not readable audio.</exception>
    public static float[] ReadWaveform(string path)
    {
        var audio = AudioFile.Read(path);
        float[] mono = audio.ToMono();
        return audio.SampleRate == SampleRate ? mono : Resampler.Resample(mono, audio.SampleRate, SampleRate);
    }

    /// <summary>
    /// Fbank of one file: [frames, NumMelBins]. With <paramref name="ditherRng"/> (training) dither is added from it;
    /// without (inference) none. Throws <see cref="InvalidDataException"/> naming the file when it is too short.
    /// </summary>
    public FbankResult Extract(string path, Random? ditherRng = null) => Extract(ReadWaveform(path), path, ditherRng);

    /// <summary>Fbank of 16 kHz samples; <paramref name="nameForErrors"/> names the source in errors.</summary>
    public FbankResult Extract(float[] waveform16k, string nameForErrors, Random? ditherRng = null)
    {
        var result = ditherRng is not null && _ditheredFbank is not null ? _ditheredFbank.Compute(waveform16k, ditherRng) : _fbank.Compute(waveform16k);
        if (result.Frames < 7)
            throw new InvalidDataException($"{nameForErrors}: {result.Frames} feature frames ({waveform16k.Length / (double)SampleRate:F3} s); the encoder needs at least 7 (about 0.085 s)");
        return result;
    }
}
