using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Qieemo.ML.Models;

/// <summary>
/// Reads the encoder part of a WeNet training yaml into an <see cref="EncoderConfig"/>:
/// <c>encoder</c>, <c>input_dim</c> (or <c>dataset_conf.fbank_conf.num_mel_bins</c>),
/// <c>encoder_conf</c> (with <c>efficient_conf</c> nested or flat) and the CMVN settings of both
/// yaml layouts (<c>cmvn: global_cmvn</c> + <c>cmvn_conf</c>, or legacy top-level <c>cmvn_file</c>).
/// Unknown encoder_conf keys, and known keys with values that change the network in ways not
/// implemented, are errors naming the file and line.
/// </summary>
internal static class WeNetYamlReader
{
    // Keys of newer WeNet versions that are accepted when they hold the value that keeps the classic network.
    private static readonly Dictionary<string, object?> NeutralKeys = new()
    {
        ["key_bias"] = true, ["query_bias"] = true, ["value_bias"] = true, ["conv_bias"] = true, ["mlp_bias"] = true,
        ["layer_norm_type"] = "layer_norm", ["norm_eps"] = 1e-5, ["conv_norm_eps"] = 1e-5, ["conv_inner_factor"] = 2,
        ["final_norm"] = true, ["mlp_type"] = "position_wise_feed_forward", ["n_kv_head"] = null, ["head_dim"] = null,
        ["use_sdpa"] = "*", ["gradient_checkpointing"] = "*", ["global_cmvn"] = null,
    };

    public static EncoderConfig Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"WeNet yaml not found: {path}", path);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}: invalid yaml: {e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{path}: expected a yaml mapping at the top level");

        var ctx = new Ctx(path);
        var config = new EncoderConfig();
        config.EncoderType = ctx.Str(root, "encoder") ?? throw new InvalidDataException($"{path}: missing 'encoder'");
        if (config.EncoderType is not ("conformer" or "efficientConformer"))
            throw new InvalidDataException($"{path}:{ctx.Line(root, "encoder")}: encoder '{config.EncoderType}' is not supported (conformer or efficientConformer)");

        int? inputDim = ctx.Int(root, "input_dim");
        if (inputDim is null && ctx.Map(root, "dataset_conf") is { } ds && ctx.Map(ds, "fbank_conf") is { } fb)
            inputDim = ctx.Int(fb, "num_mel_bins");
        config.InputDim = inputDim ?? throw new InvalidDataException($"{path}: missing 'input_dim' (and dataset_conf.fbank_conf.num_mel_bins)");

        var conf = ctx.Map(root, "encoder_conf") ?? throw new InvalidDataException($"{path}: missing 'encoder_conf'");
        // WeNet's encoder defaults differ from EncoderConfig's for a few fields: start from them.
        config.CnnModuleNorm = "batch_norm";
        config.AttentionDropoutRate = 0.0;
        config.UseGlobalCmvn = false;
        if (config.IsEfficient)
        {
            config.StrideLayerIdx = new[] { 3 };
            config.Stride = new[] { 2 };
            config.GroupLayerIdx = new[] { 0, 1, 2, 3 };
            config.GroupSize = 3;
            config.StrideKernel = true;
        }

        foreach (var (keyNode, value) in conf.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            if (key == "efficient_conf")
            {
                if (value is not YamlMappingNode eff)
                    throw new InvalidDataException($"{path}:{value.Start.Line}: efficient_conf must be a mapping");
                foreach (var (k2, v2) in eff.Children) ReadEfficient(ctx, config, ((YamlScalarNode)k2).Value ?? "", v2);
                continue;
            }
            if (ReadEfficient(ctx, config, key, value, throwUnknown: false)) continue;
            switch (key)
            {
                case "output_size": config.OutputSize = ctx.AsInt(value, key); break;
                case "attention_heads": config.AttentionHeads = ctx.AsInt(value, key); break;
                case "linear_units": config.LinearUnits = ctx.AsInt(value, key); break;
                case "num_blocks": config.NumBlocks = ctx.AsInt(value, key); break;
                case "dropout_rate": config.DropoutRate = ctx.AsDouble(value, key); break;
                case "positional_dropout_rate": config.PositionalDropoutRate = ctx.AsDouble(value, key); break;
                case "attention_dropout_rate": config.AttentionDropoutRate = ctx.AsDouble(value, key); break;
                case "input_layer": config.InputLayer = ctx.AsString(value, key); break;
                case "pos_enc_layer_type": config.PosEncLayerType = ctx.AsString(value, key); break;
                case "selfattention_layer_type": config.SelfAttentionLayerType = ctx.AsString(value, key); break;
                case "normalize_before": config.NormalizeBefore = ctx.AsBool(value, key); break;
                case "macaron_style": config.MacaronStyle = ctx.AsBool(value, key); break;
                case "activation_type": config.ActivationType = ctx.AsString(value, key); break;
                case "use_cnn_module": config.UseCnnModule = ctx.AsBool(value, key); break;
                case "cnn_module_kernel": config.CnnModuleKernel = ctx.AsInt(value, key); break;
                case "cnn_module_norm": config.CnnModuleNorm = ctx.AsString(value, key); break;
                case "causal": config.Causal = ctx.AsBool(value, key); break;
                case "static_chunk_size": config.StaticChunkSize = ctx.AsInt(value, key); break;
                case "use_dynamic_chunk": config.UseDynamicChunk = ctx.AsBool(value, key); break;
                case "use_dynamic_left_chunk": config.UseDynamicLeftChunk = ctx.AsBool(value, key); break;
                case "input_size": config.InputDim = ctx.AsInt(value, key); break;
                default:
                    if (!NeutralKeys.TryGetValue(key, out var neutral))
                        throw new InvalidDataException($"{path}:{value.Start.Line}: unknown encoder_conf key '{key}'");
                    ctx.CheckNeutral(value, key, neutral);
                    break;
            }
        }

        // CMVN: new layout `cmvn: global_cmvn` + `cmvn_conf: {cmvn_file, is_json_cmvn}`; legacy: top-level cmvn_file.
        string? cmvn = ctx.Str(root, "cmvn");
        if (cmvn is not null && cmvn != "global_cmvn" && cmvn != "null")
            throw new InvalidDataException($"{path}:{ctx.Line(root, "cmvn")}: cmvn '{cmvn}' is not supported (global_cmvn)");
        string? cmvnFile = null;
        bool? isJson = null;
        if (ctx.Map(root, "cmvn_conf") is { } cc)
        {
            cmvnFile = ctx.Str(cc, "cmvn_file");
            isJson = ctx.Bool(cc, "is_json_cmvn");
        }
        cmvnFile ??= ctx.Str(root, "cmvn_file");
        isJson ??= ctx.Bool(root, "is_json_cmvn");
        config.UseGlobalCmvn = cmvn == "global_cmvn" || (cmvn is null && cmvnFile is not null);
        config.CmvnFile = cmvnFile;
        if (config.UseGlobalCmvn && isJson == false)
            throw new InvalidDataException($"{path}: Kaldi-format CMVN (is_json_cmvn: false) is not supported; use WeNet's json CMVN");

        try { config.Validate(); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        return config;
    }

    private static bool ReadEfficient(Ctx ctx, EncoderConfig config, string key, YamlNode value, bool throwUnknown = true)
    {
        switch (key)
        {
            case "stride_layer_idx": config.StrideLayerIdx = ctx.AsIntList(value, key); return true;
            case "stride": config.Stride = ctx.AsIntList(value, key); return true;
            case "group_layer_idx": config.GroupLayerIdx = ctx.AsIntList(value, key); return true;
            case "group_size": config.GroupSize = ctx.AsInt(value, key); return true;
            case "stride_kernel": config.StrideKernel = ctx.AsBool(value, key); return true;
        }
        if (throwUnknown) throw new InvalidDataException($"{ctx.Path}:{value.Start.Line}: unknown efficient_conf key '{key}'");
        return false;
    }

    private sealed class Ctx
    {
        public Ctx(string path) { Path = path; }
        public string Path { get; }

        private YamlNode? Get(YamlMappingNode m, string key) =>
            m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        public long Line(YamlMappingNode m, string key) => Get(m, key)?.Start.Line ?? m.Start.Line;
        public YamlMappingNode? Map(YamlMappingNode m, string key) => Get(m, key) as YamlMappingNode;
        public string? Str(YamlMappingNode m, string key) => Get(m, key) is { } v ? AsString(v, key) : null;
        public int? Int(YamlMappingNode m, string key) => Get(m, key) is { } v ? AsInt(v, key) : null;
        public bool? Bool(YamlMappingNode m, string key) => Get(m, key) is { } v ? AsBool(v, key) : null;

        private string Scalar(YamlNode v, string key) =>
            v is YamlScalarNode s ? s.Value ?? "" : throw new InvalidDataException($"{Path}:{v.Start.Line}: '{key}' must be a scalar");

        public string AsString(YamlNode v, string key) => Scalar(v, key);

        public int AsInt(YamlNode v, string key) =>
            int.TryParse(Scalar(v, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int r) ? r
                : throw new InvalidDataException($"{Path}:{v.Start.Line}: '{key}' must be an integer, got '{Scalar(v, key)}'");

        public double AsDouble(YamlNode v, string key) =>
            double.TryParse(Scalar(v, key), NumberStyles.Float, CultureInfo.InvariantCulture, out double r) ? r
                : throw new InvalidDataException($"{Path}:{v.Start.Line}: '{key}' must be a number, got '{Scalar(v, key)}'");

        public bool AsBool(YamlNode v, string key) => Scalar(v, key).ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            var s => throw new InvalidDataException($"{Path}:{v.Start.Line}: '{key}' must be true or false, got '{s}'"),
        };

        /// <summary>An int or a list of ints (WeNet accepts both for the efficient_conf indices).</summary>
        public int[] AsIntList(YamlNode v, string key) => v switch
        {
            YamlSequenceNode seq => seq.Children.Select(c => AsInt(c, key)).ToArray(),
            _ => new[] { AsInt(v, key) },
        };

        public void CheckNeutral(YamlNode v, string key, object? neutral)
        {
            if (neutral is "*") return;
            string s = Scalar(v, key);
            bool ok = neutral switch
            {
                null => s is "" or "null" or "~",
                bool b => s.ToLowerInvariant() == (b ? "true" : "false"),
                int i => s == i.ToString(CultureInfo.InvariantCulture),
                double d => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x == d,
                string str => s == str,
                _ => false,
            };
            if (!ok)
                throw new InvalidDataException($"{Path}:{v.Start.Line}: encoder_conf '{key}: {s}' is not supported (only {neutral ?? "null"})");
        }
    }
}
