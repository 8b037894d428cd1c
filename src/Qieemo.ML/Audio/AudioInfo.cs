namespace Qieemo.ML.Audio;

/// <summary>
/// What an audio file holds, as read from its header (and, for FLAC, after decoding).
/// </summary>
/// <param name="Format">Container: "wav" or "flac".</param>
/// <param name="Codec">Sample coding: "pcm_u8", "pcm_s16", "pcm_s24", "pcm_s32", "float32", "float64" (WAV) or "flac".</param>
/// <param name="SampleRate">Samples per second per channel.</param>
/// <param name="Channels">Number of interleaved channels.</param>
/// <param name="BitsPerSample">Bits per sample: the WAV container size (wBitsPerSample) or FLAC's STREAMINFO bit depth.</param>
/// <param name="Frames">Samples per channel. For a FLAC header whose STREAMINFO leaves the total unknown, 0 until decoded.</param>
public sealed record AudioInfo(string Format, string Codec, int SampleRate, int Channels, int BitsPerSample, long Frames)
{
    /// <summary>Length of the audio: <see cref="Frames"/> / <see cref="SampleRate"/>.</summary>
    public TimeSpan Duration => SampleRate > 0 ? TimeSpan.FromSeconds(Frames / (double)SampleRate) : TimeSpan.Zero;

    /// <summary>
    /// FLAC only: true when the decoded audio matched STREAMINFO's MD5 signature, false when it did not
    /// (only possible with <see cref="FlacDecoderOptions.ThrowOnMd5Mismatch"/> off); null when the stream
    /// carries no signature (all zero), when the audio was not decoded (header-only read) or for WAV.
    /// </summary>
    public bool? Md5Verified { get; init; }
}
