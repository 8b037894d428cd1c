using System.Text.Json.Serialization;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// How MMF brings fused blocks with different frame counts (an efficient conformer halves the frame rate
/// after its stride layers) to the lowest frame rate among them before stacking them as image channels.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<FrameRateAlignment>))]
public enum FrameRateAlignment
{
    /// <summary>
    /// Average each window of r consecutive frames (r = the frame-count ratio), counting only valid frames,
    /// so a window that straddles the end of an utterance averages just its valid frames. Default: keeps all
    /// information of the higher-rate block, like the encoder's own strided convolution sees it.
    /// </summary>
    AveragePool,

    /// <summary>Keep every r-th frame (frames 0, r, 2r, ...), as a strided layer without smoothing would.</summary>
    StridedPick,
}
