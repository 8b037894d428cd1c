namespace Qieemo.ML.Audio;

/// <summary>
/// Reads audio files by content, not by extension: RIFF/RF64 WAVE goes to <see cref="WavReader"/>, "fLaC"
/// (optionally after an ID3v2 tag) to <see cref="FlacDecoder"/>.
/// </summary>
public static class AudioFile
{
    /// <summary>Decodes a WAV or FLAC file to floats scaled like torchaudio.load.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Unknown format or a damaged file; the message names the file and the problem.</exception>
    public static AudioBuffer Read(string path, FlacDecoderOptions? flacOptions = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"audio file not found: {path}", path);
        using var fs = File.OpenRead(path);
        return Read(fs, path, flacOptions);
    }

    /// <summary>Decodes a WAV or FLAC stream; <paramref name="nameForErrors"/> names it in exceptions.</summary>
    public static AudioBuffer Read(Stream stream, string nameForErrors, FlacDecoderOptions? flacOptions = null)
    {
        var (kind, s) = Sniff(stream, nameForErrors);
        return kind == "wav" ? WavReader.Read(s, nameForErrors) : FlacDecoder.Read(s, nameForErrors, flacOptions);
    }

    /// <summary>Reads the header only (FLAC: STREAMINFO, no MD5 check).</summary>
    public static AudioInfo ReadInfo(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"audio file not found: {path}", path);
        using var fs = File.OpenRead(path);
        return ReadInfo(fs, path);
    }

    /// <summary>Reads the header of a WAV or FLAC stream.</summary>
    public static AudioInfo ReadInfo(Stream stream, string nameForErrors)
    {
        var (kind, s) = Sniff(stream, nameForErrors);
        return kind == "wav" ? WavReader.ReadInfo(s, nameForErrors) : FlacDecoder.ReadInfo(s, nameForErrors);
    }

    /// <summary>"wav" or "flac" from the first bytes of a file, or null.</summary>
    public static string? DetectFormat(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && (head[..4].SequenceEqual("RIFF"u8) || head[..4].SequenceEqual("RF64"u8)) && head[8..12].SequenceEqual("WAVE"u8))
            return "wav";
        if (head.Length >= 4 && head[..4].SequenceEqual("fLaC"u8)) return "flac";
        if (head.Length >= 3 && head[..3].SequenceEqual("ID3"u8)) return "flac"; // FLAC allows a leading ID3v2 tag; WAV does not start with one
        return null;
    }

    private static (string Kind, Stream Stream) Sniff(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var ms = new MemoryStream();
            stream.CopyTo(ms);
            ms.Position = 0;
            stream = ms;
        }
        long start = stream.Position;
        var head = new byte[12];
        int n = stream.ReadAtLeast(head, 12, throwOnEndOfStream: false);
        stream.Position = start;
        string? kind = DetectFormat(head.AsSpan(0, n));
        if (kind != null) return (kind, stream);
        string what = n == 0 ? "the file is empty" :
            n >= 4 && head.AsSpan(0, 4).SequenceEqual("RIFF"u8) ? $"a RIFF file of type '{System.Text.Encoding.ASCII.GetString(head, 8, Math.Max(0, n - 8))}', not WAVE" :
            $"unrecognised header bytes {Convert.ToHexString(head, 0, Math.Min(n, 8))}";
        throw new InvalidDataException($"{name}: unknown audio format ({what}); only WAV and FLAC are supported");
    }
}
