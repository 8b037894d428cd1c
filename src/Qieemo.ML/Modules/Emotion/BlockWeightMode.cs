using System.Text.Json.Serialization;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>How the MMF module turns its stored block-weight parameters into the scalars that multiply each block.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BlockWeightMode>))]
public enum BlockWeightMode
{
    /// <summary>Each block is multiplied by its stored scalar as is (unbounded, may become negative).</summary>
    Raw,

    /// <summary>
    /// Stored values are logits; the blocks are multiplied by their softmax, so the weights are positive and
    /// sum to one (the SUPERB-style layer weighting). Default: the weights stay comparable between runs and
    /// with different numbers of fused blocks, and read directly as each block's share for plots.
    /// </summary>
    Softmax,
}
