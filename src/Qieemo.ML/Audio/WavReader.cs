using System.Buffers.Binary;
using System.Text;

namespace Qieemo.ML.Audio;

/// <summary>
/// Reads RIFF/WAVE (and RF64) files: PCM 8/16/24/32-bit, IEEE float 32/64 and the WAVE_FORMAT_EXTENSIBLE
/// form of each, any channel count. The chunk list is walked properly (chunks in any order, odd sizes with
/// their pad byte), so a LIST chunk containing the bytes "data" is never mistaken for audio.
/// </summary>
/// <remarks>
/// <para>Rejected with <see cref="InvalidDataException"/> naming the file and the cause: data that is not
/// RIFF or not WAVE, a missing or malformed fmt chunk, a missing data chunk, a data chunk longer than the
/// file (truncated: no partial audio is returned), a data size that is not a whole number of sample frames,
/// block-align values that disagree with channels x bits, and codecs other than PCM and IEEE float (the
/// message names the format tag, e.g. 0x0007 mu-law).</para>
/// <para>Streamed files: writers that cannot seek leave placeholder sizes. A data size of 0xFFFFFFFF, or a
/// data size of 0 while the RIFF size is 0 or 0xFFFFFFFF, is read as "audio runs to the end of the file";
/// a trailing partial frame of such a stream is dropped (the writer stopped mid-frame), and a stream with
/// no audio bytes at all is an error. A data size of 0 in an otherwise consistent file is a valid empty
/// recording (0 frames). Bytes after the RIFF size (trailing junk) are ignored.</para>
/// </remarks>
public static class WavReader
{
    /// <summary>Decodes a WAV file to floats scaled like torchaudio.load.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable WAV; the message names the file and the problem.</exception>
    public static AudioBuffer Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"WAV file not found: {path}", path);
        using var fs = File.OpenRead(path);
        return Read(fs, path);
    }

    /// <summary>Decodes a WAV stream; <paramref name="nameForErrors"/> names it in exceptions.</summary>
    public static AudioBuffer Read(Stream stream, string nameForErrors)
    {
        stream = Seekable(stream);
        var layout = ReadLayout(stream, nameForErrors);
        var fmt = layout.Format;
        long frames = layout.DataLength / fmt.BlockAlign;
        if (frames * fmt.BlockAlign > int.MaxValue)
            throw new InvalidDataException($"{nameForErrors}: {layout.DataLength} bytes of audio is too large to load into memory");
        var bytes = new byte[frames * fmt.BlockAlign];
        stream.Position = layout.DataOffset;
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
            throw new InvalidDataException($"{nameForErrors}: truncated data chunk");
        var channels = Decode(bytes, fmt, (int)frames);
        return new AudioBuffer(layout.ToInfo(), channels);
    }

    /// <summary>Reads the header only.</summary>
    public static AudioInfo ReadInfo(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"WAV file not found: {path}", path);
        using var fs = File.OpenRead(path);
        return ReadInfo(fs, path);
    }

    /// <summary>Reads the header of a WAV stream.</summary>
    public static AudioInfo ReadInfo(Stream stream, string nameForErrors) => ReadLayout(Seekable(stream), nameForErrors).ToInfo();

    /// <summary>Reads and validates the fmt chunk of a WAV file.</summary>
    public static WavFormat ReadFormat(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"WAV file not found: {path}", path);
        using var fs = File.OpenRead(path);
        return ReadLayout(fs, path).Format;
    }

    private static Stream Seekable(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek) return stream;
        var ms = new MemoryStream();
        stream.CopyTo(ms);
        ms.Position = 0;
        return ms;
    }

    /// <summary>Where the audio lies and how it is coded.</summary>
    internal sealed record WavLayout(WavFormat Format, long DataOffset, long DataLength)
    {
        public AudioInfo ToInfo() => new("wav", Format.Codec, Format.SampleRate, Format.Channels, Format.BitsPerSample,
            DataLength / Format.BlockAlign);
    }

    internal static WavLayout ReadLayout(Stream s, string name)
    {
        long start = s.Position;
        long fileEnd = s.Length;
        var head = new byte[12];
        int got = s.ReadAtLeast(head, 12, throwOnEndOfStream: false);
        string riffId = got >= 4 ? Encoding.ASCII.GetString(head, 0, 4) : "";
        if (riffId != "RIFF" && riffId != "RF64")
            throw Error(name, "not a RIFF file (no 'RIFF' header)");
        if (got < 12) throw Error(name, $"truncated RIFF header ({got} bytes)");
        string waveId = Encoding.ASCII.GetString(head, 8, 4);
        if (waveId != "WAVE") throw Error(name, $"RIFF file of type '{Printable(waveId)}', not 'WAVE'");
        bool rf64 = riffId == "RF64";
        uint riffSize = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4));
        bool riffPlaceholder = riffSize == 0 || riffSize == 0xFFFFFFFF;
        // Bytes after the RIFF chunk (trailing junk) are ignored once fmt and data are found; before that the
        // walk goes on to the end of the file, since writers that get the RIFF size wrong are common.
        long riffEnd = riffPlaceholder ? fileEnd : start + 8 + (long)riffSize;

        WavFormat? format = null;
        long dataOffset = -1, dataLength = -1;
        bool dataStreamed = false;
        long? ds64DataSize = null;
        var chunkHead = new byte[8];
        long pos = start + 12;
        while (pos + 8 <= fileEnd)
        {
            if (pos >= riffEnd && format != null && dataOffset >= 0) break;
            s.Position = pos;
            s.ReadExactly(chunkHead);
            string id = Encoding.ASCII.GetString(chunkHead, 0, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHead.AsSpan(4));
            long body = pos + 8;
            long available = fileEnd - body;
            switch (id)
            {
                case "fmt ":
                    if (format != null) throw Error(name, "more than one fmt chunk");
                    if (size > available) throw Error(name, $"fmt chunk declares {size} bytes but only {available} remain (truncated file)");
                    var fmtBytes = new byte[size];
                    s.ReadExactly(fmtBytes);
                    format = ParseFormat(fmtBytes, name);
                    break;
                case "ds64" when rf64:
                    if (size < 28 || size > available) throw Error(name, $"malformed ds64 chunk of {size} bytes");
                    var ds = new byte[28];
                    s.ReadExactly(ds);
                    ds64DataSize = BinaryPrimitives.ReadInt64LittleEndian(ds.AsSpan(8));
                    break;
                case "data":
                    if (dataOffset >= 0) throw Error(name, $"more than one data chunk (second at byte {pos})");
                    dataOffset = body;
                    if (size == 0xFFFFFFFF && ds64DataSize != null) size = ds64DataSize.Value; // RF64
                    else if (size == 0xFFFFFFFF || size == 0 && riffPlaceholder)
                    {
                        // Placeholder of a writer that could not seek back: the audio runs to the end of the file.
                        if (available <= 0) throw Error(name, "streamed WAV (placeholder data size) holds no audio data");
                        dataLength = available;
                        dataStreamed = true;
                        pos = fileEnd;
                        continue;
                    }
                    if (size > available)
                        throw Error(name, $"data chunk declares {size} bytes but only {available} remain (truncated file)");
                    dataLength = size;
                    break;
            }
            long next = body + size + (size & 1); // chunks are padded to an even length
            if (next > fileEnd && id != "data")
            {
                if (format != null && dataOffset >= 0) break; // a damaged chunk after everything we need
                throw Error(name, $"chunk '{Printable(id)}' at byte {pos} declares {size} bytes but only {available} remain (truncated file)");
            }
            pos = next;
        }
        if (format == null) throw Error(name, "no fmt chunk");
        if (dataOffset < 0) throw Error(name, "no data chunk");
        if (dataStreamed) dataLength -= dataLength % format.BlockAlign; // the writer may have stopped mid-frame
        if (dataLength % format.BlockAlign != 0)
            throw Error(name, $"data chunk size {dataLength} is not a whole number of {format.BlockAlign}-byte sample frames " +
                $"({format.Channels} channels x {format.BytesPerSample} bytes)");
        return new WavLayout(format, dataOffset, dataLength);
    }

    private static WavFormat ParseFormat(byte[] b, string name)
    {
        if (b.Length < 16) throw Error(name, $"fmt chunk is {b.Length} bytes, at least 16 are needed");
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(b);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(2));
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4));
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(12));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(14));
        int validBits = bits;
        uint mask = 0;
        int codecTag = tag;
        if (tag == WavConstants.FormatExtensible)
        {
            if (b.Length < 40) throw Error(name, $"WAVE_FORMAT_EXTENSIBLE fmt chunk is {b.Length} bytes, 40 are needed");
            int cbSize = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(16));
            if (cbSize < 22) throw Error(name, $"WAVE_FORMAT_EXTENSIBLE fmt chunk has cbSize {cbSize}, 22 are needed");
            validBits = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(18));
            mask = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(20));
            var guid = b.AsSpan(24, 16);
            if (!guid[2..].SequenceEqual(WavConstants.SubFormatGuidTail))
                throw Error(name, $"unsupported WAVE_FORMAT_EXTENSIBLE sub-format {new Guid(guid)}");
            codecTag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
            if (validBits == 0) validBits = bits; // 0 means "not given"
            if (validBits > bits) throw Error(name, $"{validBits} valid bits in a {bits}-bit container");
        }
        if (codecTag != WavConstants.FormatPcm && codecTag != WavConstants.FormatIeeeFloat)
            throw Error(name, $"unsupported WAV format tag 0x{codecTag:X4} ({WavConstants.TagName(codecTag)}); only PCM and IEEE float are supported");
        if (channels == 0) throw Error(name, "fmt chunk says 0 channels");
        if (rate == 0 || rate > int.MaxValue) throw Error(name, $"invalid sample rate {rate}");
        if (bits == 0) throw Error(name, "fmt chunk says 0 bits per sample");
        int bytesPerSample = (bits + 7) / 8;
        if (blockAlign != channels * bytesPerSample)
            throw Error(name, $"block align {blockAlign} does not match {channels} channels x {bits} bits ({channels * bytesPerSample} bytes per frame)");
        WavSampleFormat sf;
        if (codecTag == WavConstants.FormatPcm)
        {
            sf = bytesPerSample switch
            {
                1 => WavSampleFormat.Pcm8,
                2 => WavSampleFormat.Pcm16,
                3 => WavSampleFormat.Pcm24,
                4 => WavSampleFormat.Pcm32,
                _ => throw Error(name, $"unsupported PCM sample size of {bits} bits"),
            };
        }
        else
        {
            sf = bits switch
            {
                32 => WavSampleFormat.Float32,
                64 => WavSampleFormat.Float64,
                _ => throw Error(name, $"unsupported IEEE float sample size of {bits} bits"),
            };
        }
        return new WavFormat(tag, sf, channels, (int)rate, blockAlign, bits, validBits, mask);
    }

    /// <summary>De-interleaves and scales: ints by 2^(container bits - 1), unsigned 8-bit around 128, floats as stored.</summary>
    private static float[][] Decode(byte[] d, WavFormat fmt, int frames)
    {
        int ch = fmt.Channels;
        var output = new float[ch][];
        for (int c = 0; c < ch; c++) output[c] = new float[frames];
        int bps = fmt.BytesPerSample;
        for (int c = 0; c < ch; c++)
        {
            var dst = output[c];
            int o = c * bps, stride = fmt.BlockAlign;
            switch (fmt.SampleFormat)
            {
                case WavSampleFormat.Pcm8:
                    for (int i = 0; i < frames; i++, o += stride) dst[i] = (d[o] - 128) * (1f / 128);
                    break;
                case WavSampleFormat.Pcm16:
                    for (int i = 0; i < frames; i++, o += stride) dst[i] = (short)(d[o] | d[o + 1] << 8) * (1f / 32768);
                    break;
                case WavSampleFormat.Pcm24:
                    for (int i = 0; i < frames; i++, o += stride) dst[i] = (d[o] | d[o + 1] << 8 | (sbyte)d[o + 2] << 16) * (1f / 8388608);
                    break;
                case WavSampleFormat.Pcm32:
                    for (int i = 0; i < frames; i++, o += stride) dst[i] = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(o)) * (1f / 2147483648f);
                    break;
                case WavSampleFormat.Float32:
                    for (int i = 0; i < frames; i++, o += stride) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(d.AsSpan(o));
                    break;
                case WavSampleFormat.Float64:
                    for (int i = 0; i < frames; i++, o += stride) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(d.AsSpan(o));
                    break;
            }
        }
        return output;
    }

    private static string Printable(string s) => new(s.Select(ch => ch is >= ' ' and <= '~' ? ch : '?').ToArray());

    private static InvalidDataException Error(string name, string message) => new($"{name}: {message}");
}
