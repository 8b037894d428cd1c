using System.Buffers.Binary;
using System.Text;

namespace Qieemo.ML.Data;

/// <summary>
/// Reads an audio file's length from its header only (FLAC STREAMINFO or the RIFF/WAVE fmt + data chunks),
/// so corpus readers can report durations without decoding audio.
/// </summary>
internal static class AudioDuration
{
    /// <summary>Sample rate, channels, bits per sample and total samples per channel of one file.</summary>
    internal readonly record struct Info(int SampleRate, int Channels, int BitsPerSample, long Samples)
    {
        public double Seconds => (double)Samples / SampleRate;
    }

    /// <summary>Duration in seconds of a .flac or .wav file (chosen by content, not extension).</summary>
    public static double Seconds(string path) => Read(path).Seconds;

    public static Info Read(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(fs, magic, path, "magic");
        if (magic[..3].SequenceEqual("ID3"u8))
        {
            // An ID3v2 tag may precede "fLaC": 10-byte header whose last 4 bytes are a syncsafe size.
            Span<byte> rest = stackalloc byte[6];
            ReadExactly(fs, rest, path, "ID3 header");
            int size = (rest[2] & 0x7f) << 21 | (rest[3] & 0x7f) << 14 | (rest[4] & 0x7f) << 7 | (rest[5] & 0x7f);
            fs.Seek(size, SeekOrigin.Current);
            ReadExactly(fs, magic, path, "magic");
        }
        if (magic.SequenceEqual("fLaC"u8)) return ReadFlacStreamInfo(fs, path);
        if (magic.SequenceEqual("RIFF"u8)) return ReadWave(fs, path);
        throw new InvalidDataException($"{path}: neither FLAC (fLaC) nor WAV (RIFF) data");
    }

    private static Info ReadFlacStreamInfo(Stream fs, string path)
    {
        // METADATA_BLOCK_HEADER: 1 bit last-block flag, 7 bits type (0 = STREAMINFO, which must come first), 24 bits length.
        Span<byte> header = stackalloc byte[4];
        ReadExactly(fs, header, path, "FLAC metadata block header");
        int type = header[0] & 0x7f;
        int length = header[1] << 16 | header[2] << 8 | header[3];
        if (type != 0 || length != 34) throw new InvalidDataException($"{path}: first FLAC metadata block is not a 34-byte STREAMINFO (type {type}, length {length})");
        Span<byte> si = stackalloc byte[34];
        ReadExactly(fs, si, path, "FLAC STREAMINFO");
        // Bytes 10..17: sample rate (20 bits), channels-1 (3), bits per sample-1 (5), total samples (36).
        int rate = si[10] << 12 | si[11] << 4 | si[12] >> 4;
        int channels = ((si[12] >> 1) & 7) + 1;
        int bits = (((si[12] & 1) << 4) | (si[13] >> 4)) + 1;
        long total = (long)(si[13] & 0x0f) << 32 | (long)si[14] << 24 | (long)si[15] << 16 | (long)si[16] << 8 | si[17];
        if (rate == 0) throw new InvalidDataException($"{path}: FLAC STREAMINFO has sample rate 0");
        if (total == 0) throw new InvalidDataException($"{path}: FLAC STREAMINFO does not state the number of samples");
        return new Info(rate, channels, bits, total);
    }

    private static Info ReadWave(Stream fs, string path)
    {
        Span<byte> buf = stackalloc byte[8];
        ReadExactly(fs, buf, path, "RIFF header");
        if (!buf[4..8].SequenceEqual("WAVE"u8)) throw new InvalidDataException($"{path}: RIFF file is not WAVE");
        int rate = 0, channels = 0, bits = 0, blockAlign = 0;
        Span<byte> fmt = stackalloc byte[16];
        while (true)
        {
            if (fs.Read(buf) < 8) throw new InvalidDataException($"{path}: WAV has no data chunk");
            string id = Encoding.ASCII.GetString(buf[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(buf[4..]);
            if (id == "fmt ")
            {
                if (size < 16) throw new InvalidDataException($"{path}: WAV fmt chunk too short ({size} bytes)");
                ReadExactly(fs, fmt, path, "WAV fmt chunk");
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                fs.Seek(size - 16 + (size & 1), SeekOrigin.Current);
            }
            else if (id == "data")
            {
                if (rate == 0 || blockAlign == 0) throw new InvalidDataException($"{path}: WAV data chunk before a valid fmt chunk");
                // Streaming writers leave 0 or 0xFFFFFFFF here: fall back to the bytes actually present.
                long available = fs.Length - fs.Position;
                if (size == 0 || size == uint.MaxValue || size > available) size = available;
                return new Info(rate, channels, bits, size / blockAlign);
            }
            else fs.Seek(size + (size & 1), SeekOrigin.Current);
        }
    }

    private static void ReadExactly(Stream s, Span<byte> buffer, string path, string what)
    {
        try { s.ReadExactly(buffer); }
        catch (EndOfStreamException) { throw new InvalidDataException($"{path}: file ends inside the {what}"); }
    }
}
