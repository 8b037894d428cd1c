using System.Globalization;
using Qieemo.ML.Models;
using Qieemo.ML.Modules.Asr;
using Qieemo.ML.Text;
using TorchSharp;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static TorchSharp.torch;

namespace Qieemo.ML.Asr;

/// <summary>
/// Imports a WeNet ASR checkpoint: always the encoder (strict, via <see cref="WeNetCheckpoint.LoadEncoder"/>); and,
/// when the checkpoint also holds <c>ctc.*</c> and <c>decoder.*</c> keys and a units file is given, the CTC head and
/// the transformer decoder (sizes from the yaml's <c>decoder_conf</c>, weights matched strictly by WeNet's names).
/// </summary>
public static class WeNetAsrImport
{
    /// <summary>Builds the <see cref="AsrModel"/> of a WeNet checkpoint (eval mode, CPU) and its units (null when not given).</summary>
    /// <exception cref="FileNotFoundException">A named file is missing.</exception>
    /// <exception cref="InvalidDataException">Keys, shapes or yaml entries do not fit.</exception>
    public static (AsrModel Model, CharTokenizer? Units) Import(string checkpointPt, string yamlPath, string? cmvnJsonPath = null, string? unitsPath = null)
    {
        var encoder = WeNetCheckpoint.LoadEncoder(checkpointPt, yamlPath, cmvnJsonPath);
        CharTokenizer? units = unitsPath is null ? null : CharTokenizer.Load(unitsPath);
        var config = new AsrModelConfig { Encoder = encoder.Config.Clone() };
        Dictionary<string, Tensor>? state = null;
        try
        {
            if (units is not null)
            {
                state = WeNetCheckpoint.ReadStateDict(checkpointPt);
                bool hasHeads = state.Keys.Any(k => k.StartsWith("ctc.", StringComparison.Ordinal)) &&
                                state.Keys.Any(k => k.StartsWith("decoder.", StringComparison.Ordinal));
                if (hasHeads)
                {
                    ReadHeadConfig(yamlPath, config, encoder.OutputSize, units.VocabularySize);
                    if (state.TryGetValue("ctc.ctc_lo.weight", out var w) && w.shape[0] != units.VocabularySize)
                        throw new InvalidDataException($"{checkpointPt}: ctc.ctc_lo.weight has {w.shape[0]} outputs but {unitsPath} lists {units.VocabularySize} units");
                }
            }
            var model = new AsrModel(config, encoder);
            if (model.HasHeads) CopyHeads(model, state!, checkpointPt);
            model.eval();
            return (model, units);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
        finally
        {
            if (state is not null) foreach (var t in state.Values) t.Dispose();
        }
    }

    private static void CopyHeads(AsrModel model, Dictionary<string, Tensor> source, string checkpointPt)
    {
        var target = model.state_dict().Where(kv => !kv.Key.StartsWith("encoder.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        var heads = source.Keys.Where(k => k.StartsWith("ctc.", StringComparison.Ordinal) || k.StartsWith("decoder.", StringComparison.Ordinal)).ToList();
        // The decoder's sinusoid table is a computed buffer that WeNet does not (or not always) save.
        var missing = target.Keys.Where(k => !source.ContainsKey(k) && !k.EndsWith(".pe", StringComparison.Ordinal)).ToList();
        var unexpected = heads.Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"{checkpointPt}: CTC/decoder weights do not match the decoder built from decoder_conf" +
                (missing.Count > 0 ? $"; missing keys ({missing.Count}): {string.Join(", ", missing.Take(20))}" : "") +
                (unexpected.Count > 0 ? $"; unexpected keys ({unexpected.Count}): {string.Join(", ", unexpected.Take(20))}" : ""));
        using var _ = no_grad();
        foreach (var (key, dst) in target)
        {
            if (!source.TryGetValue(key, out var src)) continue;
            if (!dst.shape.SequenceEqual(src.shape) && !(dst.numel() == src.numel() && key.EndsWith(".pe", StringComparison.Ordinal)))
                throw new InvalidDataException($"{checkpointPt}: {key}: checkpoint [{string.Join(", ", src.shape)}] vs model [{string.Join(", ", dst.shape)}]");
            using var value = src.reshape(dst.shape).to_type(dst.dtype);
            dst.copy_(value);
        }
    }

    private static void ReadHeadConfig(string yamlPath, AsrModelConfig config, int attentionDim, int vocabulary)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(yamlPath);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{yamlPath}:{e.Start.Line}: invalid yaml: {e.Message}", e);
        }
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        string decoderType = Scalar(root, "decoder") ?? "transformer";
        if (decoderType != "transformer")
            throw new InvalidDataException($"{yamlPath}: decoder '{decoderType}' is not supported (transformer)");
        var d = new TransformerDecoderOptions { VocabularySize = vocabulary, AttentionDim = attentionDim };
        if (Child(root, "decoder_conf") is YamlMappingNode conf)
        {
            foreach (var (keyNode, valueNode) in conf.Children)
            {
                string key = ((YamlScalarNode)keyNode).Value ?? "";
                string value = (valueNode as YamlScalarNode)?.Value ?? "";
                int line = (int)keyNode.Start.Line;
                switch (key)
                {
                    case "attention_heads": d.AttentionHeads = Int(value, yamlPath, line, key); break;
                    case "linear_units": d.LinearUnits = Int(value, yamlPath, line, key); break;
                    case "num_blocks": d.NumBlocks = Int(value, yamlPath, line, key); break;
                    case "dropout_rate": d.DropoutRate = Double(value, yamlPath, line, key); break;
                    case "positional_dropout_rate": d.PositionalDropoutRate = Double(value, yamlPath, line, key); break;
                    case "self_attention_dropout_rate": d.SelfAttentionDropoutRate = Double(value, yamlPath, line, key); break;
                    case "src_attention_dropout_rate": d.SourceAttentionDropoutRate = Double(value, yamlPath, line, key); break;
                    case "normalize_before" when value == "true":
                    case "src_attention" when value == "true":
                    case "use_output_layer" when value == "true":
                    case "input_layer" when value == "embed":
                        break;
                    default:
                        throw new InvalidDataException($"{yamlPath}:{line}: decoder_conf.{key}: {value} is not supported by the transformer decoder");
                }
            }
        }
        config.Decoder = d;
        if (Child(root, "model_conf") is YamlMappingNode model)
        {
            if (Scalar(model, "ctc_weight") is { } w) config.CtcWeight = Double(w, yamlPath, (int)model.Start.Line, "ctc_weight");
            if (Scalar(model, "lsm_weight") is { } l) config.LabelSmoothing = Double(l, yamlPath, (int)model.Start.Line, "lsm_weight");
            if (Scalar(model, "length_normalized_loss") is { } n) config.LengthNormalizedLoss = n == "true";
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    private static int Int(string value, string path, int line, string key) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new InvalidDataException($"{path}:{line}: {key} must be an integer, got '{value}'");

    private static double Double(string value, string path, int line, string key) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new InvalidDataException($"{path}:{line}: {key} must be a number, got '{value}'");
}
