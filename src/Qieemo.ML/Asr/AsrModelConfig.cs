using System.Text.Json;
using System.Text.Json.Serialization;
using Qieemo.ML.Models;
using Qieemo.ML.Modules.Asr;

namespace Qieemo.ML.Asr;

/// <summary>
/// Everything that shapes an <see cref="AsrModel"/>: the encoder (WeNet encoder_conf), and optionally the ASR heads
/// (CTC + attention decoder, WeNet decoder_conf) with the hybrid-loss weights. Stored as JSON inside model zips.
/// </summary>
public sealed class AsrModelConfig
{
    /// <summary>The conformer / efficient-conformer encoder.</summary>
    public EncoderConfig Encoder { get; set; } = EncoderConfig.Preset("tiny");

    /// <summary>The attention decoder (its VocabularySize is the CTC output size too); null for an encoder-only model.</summary>
    public TransformerDecoderOptions? Decoder { get; set; }

    /// <summary>WeNet ctc_weight: loss = w·CTC + (1 − w)·attention.</summary>
    public double CtcWeight { get; set; } = 0.3;

    /// <summary>WeNet lsm_weight: label smoothing of the attention loss.</summary>
    public double LabelSmoothing { get; set; } = 0.1;

    /// <summary>WeNet length_normalized_loss.</summary>
    public bool LengthNormalizedLoss { get; set; }

    /// <summary>Whether the model has CTC and decoder heads (it can transcribe).</summary>
    [JsonIgnore]
    public bool HasHeads => Decoder is not null;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>The configuration as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses <see cref="ToJson"/>'s output; <paramref name="sourceName"/> names the source in errors.</summary>
    public static AsrModelConfig FromJson(string json, string sourceName)
    {
        try
        {
            return JsonSerializer.Deserialize<AsrModelConfig>(json, JsonOptions) ?? throw new InvalidDataException($"{sourceName}: empty ASR model configuration");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sourceName}: invalid ASR model configuration: {e.Message}", e);
        }
    }

    /// <summary>A deep copy.</summary>
    public AsrModelConfig Clone() => FromJson(ToJson(), "clone");
}
