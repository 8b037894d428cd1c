namespace Qieemo.ML.Training;

/// <summary>
/// The features of one utterance: <paramref name="Features"/> row-major (frames, dim), as a
/// filterbank front end produces them (before CMVN: CMVN lives inside the encoder).
/// </summary>
/// <param name="Features">frames × dim values, frame after frame.</param>
/// <param name="Frames">Number of frames (rows).</param>
public readonly record struct FeatureUtterance(float[] Features, int Frames);
