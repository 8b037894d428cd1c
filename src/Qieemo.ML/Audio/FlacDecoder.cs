using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Qieemo.ML.Audio;

/// <summary>
/// A complete FLAC decoder (RFC 9639): STREAMINFO (other metadata blocks skipped), fixed and variable
/// block sizes, all subframe types (constant, verbatim, fixed 0-4, LPC 1-32, wasted bits), Rice and Rice2
/// partitioned residuals with escapes, all stereo decorrelations, 4-32 bits per sample; checks every
/// header CRC-8 and frame CRC-16 and the stream's MD5 signature.
/// </summary>
/// <remarks>
/// Strict by design: a damaged frame, a frame/sample number out of sequence or a stream shorter than
/// STREAMINFO's total is an <see cref="InvalidDataException"/> naming the file and the byte offset, never
/// partially decoded audio. A leading ID3v2 tag is skipped; bytes after the last frame (e.g. an ID3v1
/// tag) are ignored when STREAMINFO gives the total sample count.
/// </remarks>
public static class FlacDecoder
{
    /// <summary>Decodes a FLAC file to floats scaled like torchaudio.load.</summary>
    public static AudioBuffer Read(string path, FlacDecoderOptions? options = null) => Decode(path, options).ToAudioBuffer();

    /// <summary>Decodes a FLAC stream to floats; <paramref name="nameForErrors"/> names it in exceptions.</summary>
    public static AudioBuffer Read(Stream stream, string nameForErrors, FlacDecoderOptions? options = null) =>
        Decode(stream, nameForErrors, options).ToAudioBuffer();

    /// <summary>Decodes a FLAC file to integer samples (bit-exact).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid FLAC; the message names the file and the problem.</exception>
    public static FlacDecodedAudio Decode(string path, FlacDecoderOptions? options = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"FLAC file not found: {path}", path);
        return Decode(File.ReadAllBytes(path), path, options);
    }

    /// <summary>Decodes a FLAC stream to integer samples (bit-exact).</summary>
    public static FlacDecodedAudio Decode(Stream stream, string nameForErrors, FlacDecoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return Decode(ms.ToArray(), nameForErrors, options);
    }

    /// <summary>Reads STREAMINFO only (no decoding, so <see cref="AudioInfo.Md5Verified"/> is null).</summary>
    public static AudioInfo ReadInfo(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"FLAC file not found: {path}", path);
        using var fs = File.OpenRead(path);
        return ReadInfo(fs, path);
    }

    /// <summary>Reads STREAMINFO from a stream positioned at the start of the FLAC data.</summary>
    public static AudioInfo ReadInfo(Stream stream, string nameForErrors)
    {
        var si = ReadStreamInfo(stream, nameForErrors);
        return ToAudioInfo(si, si.TotalSamples, null);
    }

    /// <summary>Reads the STREAMINFO block and leaves the stream at the first frame.</summary>
    public static FlacStreamInfo ReadStreamInfo(Stream stream, string nameForErrors)
    {
        ArgumentNullException.ThrowIfNull(stream);
        FlacStreamInfo? info = null;
        try
        {
            SkipId3v2(stream, nameForErrors);
            var magic = ReadExactly(stream, 4, nameForErrors, "the fLaC marker");
            if (magic[0] != 'f' || magic[1] != 'L' || magic[2] != 'a' || magic[3] != 'C')
                throw Error(nameForErrors, "not a FLAC stream (no 'fLaC' marker)");
            bool last = false;
            int index = 0;
            while (!last)
            {
                var header = ReadExactly(stream, 4, nameForErrors, "a metadata block header");
                last = (header[0] & 0x80) != 0;
                int type = header[0] & 0x7F;
                int length = (header[1] << 16) | (header[2] << 8) | header[3];
                if (type == 127) throw Error(nameForErrors, $"invalid metadata block type 127 (block {index})");
                if (index == 0 && type != 0) throw Error(nameForErrors, $"first metadata block is type {type}, not STREAMINFO");
                if (type == 0)
                {
                    if (index != 0) throw Error(nameForErrors, "more than one STREAMINFO block");
                    if (length != 34) throw Error(nameForErrors, $"STREAMINFO block has length {length}, expected 34");
                    info = ParseStreamInfo(ReadExactly(stream, 34, nameForErrors, "STREAMINFO"), nameForErrors);
                }
                else Skip(stream, length, nameForErrors, $"metadata block {index} (type {type})");
                index++;
            }
        }
        catch (EndOfStreamException e)
        {
            throw Error(nameForErrors, e.Message);
        }
        return info!;
    }

    private static FlacStreamInfo ParseStreamInfo(byte[] b, string name)
    {
        int minBlock = BinaryPrimitives.ReadUInt16BigEndian(b);
        int maxBlock = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(2));
        int minFrame = (b[4] << 16) | (b[5] << 8) | b[6];
        int maxFrame = (b[7] << 16) | (b[8] << 8) | b[9];
        ulong packed = BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(10));
        int rate = (int)(packed >> 44);
        int channels = (int)((packed >> 41) & 7) + 1;
        int bps = (int)((packed >> 36) & 31) + 1;
        long total = (long)(packed & 0xFFFFFFFFFUL);
        var md5 = b.AsSpan(18, 16).ToArray();
        if (rate == 0) throw Error(name, "STREAMINFO sample rate is 0");
        if (bps < 4) throw Error(name, $"STREAMINFO bits per sample {bps} is below the minimum of 4");
        if (minBlock < 16 && minBlock != maxBlock) throw Error(name, $"STREAMINFO minimum block size {minBlock} is below 16");
        if (maxBlock < minBlock) throw Error(name, $"STREAMINFO maximum block size {maxBlock} is below the minimum {minBlock}");
        return new FlacStreamInfo(minBlock, maxBlock, minFrame, maxFrame, rate, channels, bps, total, md5);
    }

    private static FlacDecodedAudio Decode(byte[] data, string name, FlacDecoderOptions? options)
    {
        options ??= FlacDecoderOptions.Default;
        var ms = new MemoryStream(data, false);
        var si = ReadStreamInfo(ms, name);
        int pos = (int)ms.Position;
        int end = data.Length;
        int channels = si.Channels;
        long total = si.TotalSamples;
        if (total > int.MaxValue) throw Error(name, $"{total} samples per channel is too long to decode into memory");

        var stats = new FlacStreamStatistics();
        var frames = new FlacFrameDecoder(data, end, si, stats);
        // A header cannot make us allocate more than the file could plausibly hold: start near the file size
        // (FLAC rarely beats 1 byte per sample) and grow up to the stated total for silence-heavy streams.
        int capacity = (int)Math.Min(total > 0 ? total : int.MaxValue, data.Length + 65536L);
        var samples = Enumerable.Range(0, channels).Select(_ => new int[capacity]).ToArray();
        bool md5 = options.VerifyMd5 && si.HasMd5;
        using var hash = md5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        int bytesPerSample = (si.BitsPerSample + 7) / 8;
        byte[] md5Buffer = Array.Empty<byte>();

        long decoded = 0;
        long frameIndex = 0;
        while (pos < end)
        {
            if (total > 0 && decoded >= total) break; // trailing bytes after the last frame (tags) are ignored
            if (end - pos < 2 || data[pos] != 0xFF || (data[pos + 1] & 0xFE) != 0xF8)
            {
                // Without a known total an ID3v1 tag may legitimately follow the last frame.
                if (total == 0 && end - pos == 128 && data[pos] == 'T' && data[pos + 1] == 'A' && data[pos + 2] == 'G') break;
                throw Error(name, $"expected a frame sync code at byte {pos} (frame {frameIndex}, after {decoded} samples)");
            }
            int next;
            try
            {
                next = frames.DecodeFrame(pos);
            }
            catch (InvalidDataException e)
            {
                throw Error(name, $"frame {frameIndex} at byte {pos}: {e.Message}", e);
            }
            long expected = frames.VariableBlockSize ? decoded : frameIndex;
            if (frames.CodedNumber != expected)
                throw Error(name, $"frame {frameIndex} at byte {pos} is numbered {frames.CodedNumber}, expected {expected} (missing or reordered frames)");
            int n = frames.BlockSize;
            if (total > 0 && decoded + n > total)
                throw Error(name, $"frame {frameIndex} at byte {pos} runs past STREAMINFO's {total} samples");
            if (decoded + n > samples[0].Length)
            {
                long grown = Math.Min(total > 0 ? total : int.MaxValue, Math.Max(decoded + n, (long)samples[0].Length * 2));
                for (int c = 0; c < channels; c++) Array.Resize(ref samples[c], (int)grown);
            }
            var work = frames.Work;
            int off = (int)decoded;
            for (int c = 0; c < channels; c++)
            {
                var src = work[c];
                var dst = samples[c];
                for (int i = 0; i < n; i++) dst[off + i] = (int)src[i];
            }
            if (hash != null)
            {
                int needed = n * channels * bytesPerSample;
                if (md5Buffer.Length < needed) md5Buffer = new byte[needed];
                FillMd5Bytes(md5Buffer, work, n, channels, bytesPerSample);
                hash.AppendData(md5Buffer, 0, needed);
            }
            decoded += n;
            frameIndex++;
            pos = next;
        }
        if (total > 0 && decoded < total)
            throw Error(name, $"truncated: the stream ends after {decoded} of {total} samples (byte {end})");
        if (decoded != samples[0].Length)
            for (int c = 0; c < channels; c++) Array.Resize(ref samples[c], (int)decoded);

        bool? verified = null;
        if (hash != null)
        {
            var digest = hash.GetHashAndReset();
            verified = digest.AsSpan().SequenceEqual(si.Md5Signature);
            if (verified == false && options.ThrowOnMd5Mismatch)
                throw Error(name, $"MD5 mismatch: decoded audio has {Convert.ToHexString(digest).ToLowerInvariant()}, STREAMINFO says {Convert.ToHexString(si.Md5Signature).ToLowerInvariant()}");
        }
        return new FlacDecodedAudio(ToAudioInfo(si, decoded, verified), si, samples, stats);
    }

    /// <summary>Interleaved signed little-endian samples of ceil(bps/8) bytes: what the FLAC MD5 covers.</summary>
    private static void FillMd5Bytes(byte[] buf, long[][] work, int n, int channels, int bytesPerSample)
    {
        int o = 0;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++)
            {
                long v = work[c][i];
                for (int b = 0; b < bytesPerSample; b++) buf[o++] = (byte)(v >> (8 * b));
            }
    }

    private static AudioInfo ToAudioInfo(FlacStreamInfo si, long frames, bool? md5) =>
        new("flac", "flac", si.SampleRate, si.Channels, si.BitsPerSample, frames) { Md5Verified = md5 };

    private static void SkipId3v2(Stream s, string name)
    {
        long start = s.Position;
        var head = new byte[10];
        int got = s.ReadAtLeast(head, 10, throwOnEndOfStream: false);
        if (got < 10 || head[0] != 'I' || head[1] != 'D' || head[2] != '3')
        {
            s.Position = start;
            return;
        }
        // Sync-safe size: 4 x 7 bits; a footer (flag 0x10) adds 10 bytes.
        int size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9];
        if ((head[5] & 0x10) != 0) size += 10;
        Skip(s, size, name, "the ID3v2 tag");
    }

    private static byte[] ReadExactly(Stream s, int n, string name, string what)
    {
        var b = new byte[n];
        if (s.ReadAtLeast(b, n, throwOnEndOfStream: false) < n) throw Error(name, $"truncated while reading {what}");
        return b;
    }

    private static void Skip(Stream s, int n, string name, string what)
    {
        if (s.CanSeek)
        {
            if (s.Position + n > s.Length) throw Error(name, $"truncated inside {what}");
            s.Position += n;
        }
        else ReadExactly(s, n, name, what);
    }

    private static InvalidDataException Error(string name, string message, Exception? inner = null) =>
        new($"{name}: {message}", inner);
}
