namespace Qieemo.ML.Audio;

/// <summary>Options of <see cref="FlacDecoder"/>.</summary>
public sealed class FlacDecoderOptions
{
    /// <summary>Compute the MD5 of the decoded audio and compare it with STREAMINFO's signature (default true).</summary>
    public bool VerifyMd5 { get; set; } = true;

    /// <summary>
    /// When the MD5 does not match: throw <see cref="InvalidDataException"/> (default true) or only report it
    /// through <see cref="AudioInfo.Md5Verified"/> = false.
    /// </summary>
    public bool ThrowOnMd5Mismatch { get; set; } = true;

    /// <summary>The defaults: verify MD5 and throw on a mismatch.</summary>
    public static FlacDecoderOptions Default => new();
}
