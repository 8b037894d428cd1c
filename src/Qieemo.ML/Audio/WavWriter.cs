using System.Buffers.Binary;
using System.Text;

namespace Qieemo.ML.Audio;

/// <summary>
/// Writes canonical RIFF/WAVE files from float channels: PCM 8/16/24/32-bit (rounded, clipped to the
/// integer range) or IEEE float 32/64 (stored as given, with the fact chunk non-PCM files need).
/// </summary>
public static class WavWriter
{
    /// <summary>Writes integer PCM of <paramref name="bits"/> (8, 16, 24 or 32) bits.</summary>
    /// <param name="path">Output file (overwritten).</param>
    /// <param name="channels">Samples per channel, nominally in [-1, 1]; all channels the same length.</param>
    /// <param name="sampleRate">Samples per second.</param>
    /// <param name="bits">8 (unsigned), 16, 24 or 32.</param>
    public static void Write(string path, float[][] channels, int sampleRate, int bits = 16) =>
        Write(path, channels, sampleRate, FromBits(bits));

    /// <summary>Writes the given sample format; <paramref name="extensible"/> writes a WAVE_FORMAT_EXTENSIBLE header.</summary>
    public static void Write(string path, float[][] channels, int sampleRate, WavSampleFormat format, bool extensible = false)
    {
        using var fs = File.Create(path);
        Write(fs, channels, sampleRate, format, extensible);
    }

    /// <summary>Writes a WAV file to a stream.</summary>
    /// <exception cref="ArgumentException">Channels of different lengths, no channels, a non-positive rate,
    /// a NaN/infinite sample for an integer format, or more than 4 GiB of audio.</exception>
    public static void Write(Stream stream, float[][] channels, int sampleRate, WavSampleFormat format, bool extensible = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length == 0 || channels.Length > ushort.MaxValue) throw new ArgumentException($"cannot write {channels.Length} channels", nameof(channels));
        if (sampleRate <= 0) throw new ArgumentException($"sample rate must be positive, got {sampleRate}", nameof(sampleRate));
        int frames = channels[0].Length;
        if (channels.Any(c => c == null || c.Length != frames)) throw new ArgumentException("all channels must have the same length", nameof(channels));

        int bytesPerSample = format switch
        {
            WavSampleFormat.Pcm8 => 1,
            WavSampleFormat.Pcm16 => 2,
            WavSampleFormat.Pcm24 => 3,
            WavSampleFormat.Pcm32 or WavSampleFormat.Float32 => 4,
            _ => 8,
        };
        bool isFloat = format is WavSampleFormat.Float32 or WavSampleFormat.Float64;
        int nch = channels.Length;
        int blockAlign = nch * bytesPerSample;
        long dataBytes = (long)frames * blockAlign;
        int fmtSize = extensible ? 40 : isFloat ? 18 : 16;
        bool fact = isFloat || extensible;
        long riffSize = 4 + (8 + fmtSize) + (fact ? 12 : 0) + 8 + dataBytes + (dataBytes & 1);
        if (riffSize > uint.MaxValue) throw new ArgumentException($"{dataBytes} bytes of audio do not fit a RIFF file (4 GiB limit)");

        var header = new MemoryStream();
        var w = new BinaryWriter(header, Encoding.ASCII, leaveOpen: true);
        w.Write("RIFF"u8); w.Write((uint)riffSize); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(fmtSize);
        int tag = isFloat ? WavConstants.FormatIeeeFloat : WavConstants.FormatPcm;
        w.Write((ushort)(extensible ? WavConstants.FormatExtensible : tag));
        w.Write((ushort)nch);
        w.Write(sampleRate);
        w.Write(sampleRate * blockAlign);
        w.Write((ushort)blockAlign);
        w.Write((ushort)(bytesPerSample * 8));
        if (extensible)
        {
            w.Write((ushort)22);
            w.Write((ushort)(bytesPerSample * 8));
            w.Write(nch == 1 ? 0x4u : nch == 2 ? 0x3u : 0u); // front centre / front left+right; unassigned otherwise
            w.Write((ushort)tag);
            w.Write(WavConstants.SubFormatGuidTail);
        }
        else if (isFloat) w.Write((ushort)0); // cbSize
        if (fact) { w.Write("fact"u8); w.Write(4); w.Write((uint)frames); }
        w.Write("data"u8); w.Write((uint)dataBytes);
        w.Flush();
        stream.Write(header.GetBuffer(), 0, (int)header.Length);

        // Interleave in blocks so memory stays small for long files.
        const int BlockFrames = 4096;
        var buf = new byte[BlockFrames * blockAlign];
        for (int f0 = 0; f0 < frames; f0 += BlockFrames)
        {
            int n = Math.Min(BlockFrames, frames - f0);
            int o = 0;
            for (int i = 0; i < n; i++)
                for (int c = 0; c < nch; c++, o += bytesPerSample)
                    Encode(channels[c][f0 + i], format, buf.AsSpan(o), c, f0 + i);
            stream.Write(buf, 0, o);
        }
        if ((dataBytes & 1) != 0) stream.WriteByte(0);
    }

    private static void Encode(float x, WavSampleFormat format, Span<byte> dst, int channel, int index)
    {
        switch (format)
        {
            case WavSampleFormat.Float32: BinaryPrimitives.WriteSingleLittleEndian(dst, x); return;
            case WavSampleFormat.Float64: BinaryPrimitives.WriteDoubleLittleEndian(dst, x); return;
        }
        if (!float.IsFinite(x)) throw new ArgumentException($"sample {index} of channel {channel} is {x}; integer PCM cannot store it");
        switch (format)
        {
            case WavSampleFormat.Pcm8:
                dst[0] = (byte)(Quantize(x, 8) + 128);
                break;
            case WavSampleFormat.Pcm16:
                BinaryPrimitives.WriteInt16LittleEndian(dst, (short)Quantize(x, 16));
                break;
            case WavSampleFormat.Pcm24:
                int v = (int)Quantize(x, 24);
                dst[0] = (byte)v; dst[1] = (byte)(v >> 8); dst[2] = (byte)(v >> 16);
                break;
            default:
                BinaryPrimitives.WriteInt32LittleEndian(dst, (int)Quantize(x, 32));
                break;
        }
    }

    /// <summary>Rounds x * 2^(bits-1) to the nearest integer and clips it to the signed range.</summary>
    private static long Quantize(float x, int bits)
    {
        long max = (1L << (bits - 1)) - 1;
        double v = Math.Round(x * (double)(1L << (bits - 1)), MidpointRounding.AwayFromZero);
        return v >= max ? max : v <= -max - 1 ? -max - 1 : (long)v;
    }

    private static WavSampleFormat FromBits(int bits) => bits switch
    {
        8 => WavSampleFormat.Pcm8,
        16 => WavSampleFormat.Pcm16,
        24 => WavSampleFormat.Pcm24,
        32 => WavSampleFormat.Pcm32,
        _ => throw new ArgumentException($"PCM bits must be 8, 16, 24 or 32, got {bits}; use WavSampleFormat.Float32 for floats", nameof(bits)),
    };
}
