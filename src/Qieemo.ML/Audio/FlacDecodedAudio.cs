namespace Qieemo.ML.Audio;

/// <summary>A fully decoded FLAC stream as integers, bit-exact with the reference decoder.</summary>
public sealed class FlacDecodedAudio
{
    internal FlacDecodedAudio(AudioInfo info, FlacStreamInfo streamInfo, int[][] samples, FlacStreamStatistics statistics)
    {
        Info = info;
        StreamInfo = streamInfo;
        Samples = samples;
        Statistics = statistics;
    }

    /// <summary>Rate, channels, bits, frames and the MD5 check result.</summary>
    public AudioInfo Info { get; }

    /// <summary>The STREAMINFO block as stored.</summary>
    public FlacStreamInfo StreamInfo { get; }

    /// <summary>Samples per channel as signed integers of <see cref="AudioInfo.BitsPerSample"/> bits: Samples[c][t].</summary>
    public int[][] Samples { get; }

    /// <summary>Which coding tools the stream used.</summary>
    public FlacStreamStatistics Statistics { get; }

    /// <summary>Scales the integers to floats (x / 2^(bits-1)) like torchaudio.load.</summary>
    public AudioBuffer ToAudioBuffer()
    {
        float scale = 1f / (1L << (Info.BitsPerSample - 1));
        var channels = new float[Samples.Length][];
        for (int c = 0; c < Samples.Length; c++)
        {
            var src = Samples[c];
            var dst = channels[c] = new float[src.Length];
            for (int i = 0; i < src.Length; i++) dst[i] = src[i] * scale;
        }
        return new AudioBuffer(Info, channels);
    }
}
