namespace Qieemo.ML.Audio;

/// <summary>The sample encodings a WAV file can hold that Qieemo.ML reads and writes.</summary>
public enum WavSampleFormat
{
    /// <summary>Unsigned 8-bit PCM (silence is 128).</summary>
    Pcm8,
    /// <summary>Signed 16-bit PCM.</summary>
    Pcm16,
    /// <summary>Signed 24-bit PCM (3 bytes per sample).</summary>
    Pcm24,
    /// <summary>Signed 32-bit PCM.</summary>
    Pcm32,
    /// <summary>IEEE 754 single precision.</summary>
    Float32,
    /// <summary>IEEE 754 double precision.</summary>
    Float64,
}

/// <summary>A parsed and validated "fmt " chunk.</summary>
/// <param name="FormatTag">wFormatTag as stored (0xFFFE for WAVE_FORMAT_EXTENSIBLE).</param>
/// <param name="SampleFormat">The decoded encoding (from the sub-format GUID for extensible files).</param>
/// <param name="Channels">Interleaved channels.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="BlockAlign">Bytes per sample frame (all channels).</param>
/// <param name="BitsPerSample">wBitsPerSample: the container size.</param>
/// <param name="ValidBitsPerSample">Significant bits (wValidBitsPerSample of extensible files, else BitsPerSample).</param>
/// <param name="ChannelMask">Speaker positions of extensible files; 0 otherwise.</param>
public sealed record WavFormat(int FormatTag, WavSampleFormat SampleFormat, int Channels, int SampleRate, int BlockAlign,
    int BitsPerSample, int ValidBitsPerSample, uint ChannelMask)
{
    /// <summary>True for WAVE_FORMAT_EXTENSIBLE.</summary>
    public bool IsExtensible => FormatTag == WavConstants.FormatExtensible;

    /// <summary>Bytes per sample of one channel.</summary>
    public int BytesPerSample => BlockAlign / Channels;

    /// <summary>The codec name used in <see cref="AudioInfo.Codec"/>.</summary>
    public string Codec => SampleFormat switch
    {
        WavSampleFormat.Pcm8 => "pcm_u8",
        WavSampleFormat.Pcm16 => "pcm_s16",
        WavSampleFormat.Pcm24 => "pcm_s24",
        WavSampleFormat.Pcm32 => "pcm_s32",
        WavSampleFormat.Float32 => "float32",
        _ => "float64",
    };
}

/// <summary>Format tags and GUIDs of the RIFF/WAVE format.</summary>
internal static class WavConstants
{
    public const int FormatPcm = 0x0001;
    public const int FormatIeeeFloat = 0x0003;
    public const int FormatExtensible = 0xFFFE;

    /// <summary>Bytes 2..15 shared by every KSDATAFORMAT_SUBTYPE GUID derived from a format tag
    /// ({0000xxxx-0000-0010-8000-00aa00389b71} in little-endian byte order).</summary>
    public static readonly byte[] SubFormatGuidTail = { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 };

    /// <summary>Names of common codecs we do not decode, for error messages.</summary>
    public static string TagName(int tag) => tag switch
    {
        0x0000 => "unknown/invalid",
        0x0002 => "Microsoft ADPCM",
        0x0006 => "A-law",
        0x0007 => "mu-law",
        0x0010 => "OKI ADPCM",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0040 => "G.721 ADPCM",
        0x0050 => "MPEG",
        0x0055 => "MPEG Layer 3",
        0x00FF => "AAC",
        0x0161 => "Windows Media Audio",
        0x2000 => "AC-3",
        0xF1AC => "FLAC",
        _ => "unknown codec",
    };
}
