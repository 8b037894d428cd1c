namespace Qieemo.ML.Audio;

/// <summary>The STREAMINFO metadata block that starts every FLAC stream.</summary>
/// <param name="MinBlockSize">Smallest block size (samples per channel) used, except for the last frame.</param>
/// <param name="MaxBlockSize">Largest block size used.</param>
/// <param name="MinFrameSize">Smallest frame in bytes; 0 when unknown.</param>
/// <param name="MaxFrameSize">Largest frame in bytes; 0 when unknown.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Channels">1 to 8.</param>
/// <param name="BitsPerSample">4 to 32.</param>
/// <param name="TotalSamples">Samples per channel; 0 when unknown.</param>
/// <param name="Md5Signature">MD5 of the decoded audio (signed little-endian, interleaved); all zero when not computed.</param>
public sealed record FlacStreamInfo(int MinBlockSize, int MaxBlockSize, int MinFrameSize, int MaxFrameSize,
    int SampleRate, int Channels, int BitsPerSample, long TotalSamples, byte[] Md5Signature)
{
    /// <summary>True when the encoder stored an MD5 signature (not all zero).</summary>
    public bool HasMd5 => Md5Signature.Any(b => b != 0);
}
