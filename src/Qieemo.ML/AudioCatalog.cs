using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Features;
using Qieemo.ML.Transforms;

namespace Qieemo.ML;

/// <summary>ML.NET catalog entry points for Qieemo's audio transforms (mlContext.Transforms.*).</summary>
public static class AudioCatalog
{
    /// <summary>
    /// Reads the WAV or FLAC file named by <paramref name="inputColumnName"/> (a text column), mixes
    /// it to mono and resamples it to <paramref name="sampleRate"/> Hz.
    /// </summary>
    /// <param name="catalog">mlContext.Transforms.</param>
    /// <param name="outputColumnName">Waveform column: variable-length vector of Single in [-1, 1].</param>
    /// <param name="inputColumnName">Column with file paths.</param>
    /// <param name="sampleRate">Output sample rate (Hz).</param>
    /// <param name="baseDirectory">Folder relative paths are resolved against (default: as given).</param>
    public static LoadAudioEstimator LoadAudio(this TransformsCatalog catalog, string outputColumnName = "Audio",
        string inputColumnName = "Path", int sampleRate = 16000, string? baseDirectory = null)
        => new(CatalogUtils.GetEnvironment(catalog), outputColumnName, inputColumnName, sampleRate, baseDirectory);

    /// <summary>
    /// Kaldi log-mel filterbank features of a waveform column, equal to torchaudio.compliance.kaldi.fbank
    /// for the same options. Default options: <see cref="KaldiFbankOptions.WeNet"/> (80 bins, the waveform
    /// scaled by 2^15, no dither), what WeNet-style conformer encoders are trained on.
    /// </summary>
    /// <param name="catalog">mlContext.Transforms.</param>
    /// <param name="outputColumnName">Feature column: [frames, dim] flattened row-major.</param>
    /// <param name="inputColumnName">Waveform column (e.g. from <see cref="LoadAudio"/>).</param>
    /// <param name="options">Extractor options.</param>
    public static FilterbankFeaturesEstimator FilterbankFeatures(this TransformsCatalog catalog, string outputColumnName = "Features",
        string inputColumnName = "Audio", KaldiFbankOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), outputColumnName, inputColumnName, options ?? KaldiFbankOptions.WeNet());

    /// <summary>
    /// Global CMVN of a frame-matrix column. Fit computes per-dimension mean and variance over all
    /// frames of the training data, or, with <paramref name="cmvnFile"/>, reads WeNet's global_cmvn JSON.
    /// </summary>
    /// <param name="catalog">mlContext.Transforms.</param>
    /// <param name="outputColumnName">Normalized column.</param>
    /// <param name="inputColumnName">Frame-matrix column (default: the output column, normalized in place).</param>
    /// <param name="frameDim">Values per frame, when the column does not carry it (FilterbankFeatures' output does).</param>
    /// <param name="cmvnFile">A WeNet global_cmvn JSON file to use instead of computing statistics.</param>
    public static GlobalCmvnEstimator NormalizeGlobalCmvn(this TransformsCatalog catalog, string outputColumnName = "Features",
        string? inputColumnName = null, int? frameDim = null, string? cmvnFile = null)
        => new(CatalogUtils.GetEnvironment(catalog), outputColumnName, inputColumnName ?? outputColumnName, frameDim, cmvnFile);

    /// <summary>
    /// Utterance statistics of a frame-matrix column: per-dimension mean and standard deviation over
    /// frames, a fixed-size vector of 2 × dim (the classical baseline's pooling).
    /// </summary>
    /// <param name="catalog">mlContext.Transforms.</param>
    /// <param name="outputColumnName">Pooled vector column.</param>
    /// <param name="inputColumnName">Frame-matrix column (default "Features").</param>
    /// <param name="frameDim">Values per frame, when the column does not carry it.</param>
    public static FramePoolingEstimator PoolFrames(this TransformsCatalog catalog, string outputColumnName = "Pooled",
        string inputColumnName = "Features", int? frameDim = null)
        => new(CatalogUtils.GetEnvironment(catalog), outputColumnName, inputColumnName, frameDim);
}
