namespace Qieemo.ML.Audio;

/// <summary>
/// Decoded audio: one float array per channel, scaled like torchaudio.load(normalize=True):
/// signed integers x / 2^(bits-1), unsigned 8-bit (x - 128) / 128, floating-point samples as stored.
/// </summary>
public sealed class AudioBuffer
{
    /// <summary>Wraps decoded channels; all channels must have <paramref name="info"/>.Frames samples.</summary>
    /// <exception cref="ArgumentException">The channel count or lengths disagree with <paramref name="info"/>.</exception>
    public AudioBuffer(AudioInfo info, float[][] channels)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length != info.Channels)
            throw new ArgumentException($"{channels.Length} channel arrays given but the audio info says {info.Channels} channels", nameof(channels));
        foreach (var c in channels)
            if (c == null || c.LongLength != info.Frames)
                throw new ArgumentException($"every channel must hold {info.Frames} samples", nameof(channels));
        Info = info;
        Channels = channels;
    }

    /// <summary>Format, rate, channel count, bit depth and length of the audio.</summary>
    public AudioInfo Info { get; }

    /// <summary>Samples per channel: Channels[c][t].</summary>
    public float[][] Channels { get; }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate => Info.SampleRate;

    /// <summary>Samples per channel.</summary>
    public int Frames => Channels.Length == 0 ? 0 : Channels[0].Length;

    /// <summary>The average of all channels (a copy of the only channel for mono audio).</summary>
    public float[] ToMono()
    {
        if (Channels.Length == 1) return (float[])Channels[0].Clone();
        var mono = new float[Frames];
        if (Channels.Length == 0) return mono;
        // Sum in double so that many channels do not lose precision, then divide once.
        var sum = new double[mono.Length];
        foreach (var ch in Channels)
            for (int i = 0; i < ch.Length; i++) sum[i] += ch[i];
        double inv = 1.0 / Channels.Length;
        for (int i = 0; i < mono.Length; i++) mono[i] = (float)(sum[i] * inv);
        return mono;
    }
}
