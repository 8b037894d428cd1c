using System.Text.Json;
using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Modules;

/// <summary>
/// Full-size presets against WeNet's own counts (param_counts.json: WeNet instantiated from
/// examples/librispeech/s0/conf/*.yaml): totals, top-level modules, every block, every tensor shape.
/// </summary>
[TestClass]
public sealed class ParameterCountTests
{
    private static JsonElement Config(string yamlName)
    {
        var doc = JsonDocument.Parse(File.ReadAllText(TestSupport.TestData("wenet", "param_counts.json")));
        return doc.RootElement.GetProperty("configs").GetProperty(yamlName).Clone();
    }

    private static long Sum(ConformerEncoder e, string prefix) =>
        e.named_parameters().Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal)).Sum(p => p.parameter.numel());

    [TestMethod]
    [DataRow("efficient-v1", "train_u2++_efficonformer_v1.yaml", 33_583_872L)]
    [DataRow("efficient-v2", "train_u2++_efficonformer_v2.yaml", 34_450_176L)]
    [DataRow("conformer", "train_conformer.yaml", 33_464_832L)]
    public void PresetHasWeNetsExactParameterCounts(string preset, string yamlName, long expectedTotal)
    {
        var wenet = Config(yamlName);
        using var encoder = new ConformerEncoder(EncoderConfig.Preset(preset));

        Assert.AreEqual(expectedTotal, wenet.GetProperty("parameters").GetInt64(), "param_counts.json total");
        Assert.AreEqual(expectedTotal, encoder.ParameterCount(), "nn parameters");

        foreach (var top in wenet.GetProperty("top_level_parameters").EnumerateObject())
            Assert.AreEqual(top.Value.GetInt64(), Sum(encoder, top.Name + "."), top.Name);

        var perBlock = wenet.GetProperty("per_block_parameters").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.AreEqual(perBlock.Length, encoder.NumBlocks);
        for (int i = 0; i < perBlock.Length; i++)
            Assert.AreEqual(perBlock[i], Sum(encoder, $"encoders.{i}."), $"block {i}");

        var sd = encoder.state_dict();
        Assert.AreEqual(wenet.GetProperty("state_dict_tensors").GetInt32(), sd.Count, "state_dict tensors");
        Assert.AreEqual(wenet.GetProperty("state_dict_elements").GetInt64(), sd.Values.Sum(t => t.numel()), "state_dict elements");
        foreach (var buffer in wenet.GetProperty("buffers").EnumerateObject())
            Assert.AreEqual(buffer.Value.GetInt64(), sd[buffer.Name].numel(), buffer.Name);
    }

    [TestMethod]
    [DataRow("efficient-v1", "train_u2++_efficonformer_v1.yaml")]
    [DataRow("efficient-v2", "train_u2++_efficonformer_v2.yaml")]
    [DataRow("conformer", "train_conformer.yaml")]
    public void PresetBlocksHaveWeNetsTypesModulesAndShapes(string preset, string yamlName)
    {
        var wenet = Config(yamlName);
        using var encoder = new ConformerEncoder(EncoderConfig.Preset(preset));
        var parameters = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        int covered = 0;
        foreach (var type in wenet.GetProperty("block_types").EnumerateObject())
        {
            // e.g. "StrideConformerEncoderLayer / GroupedRelPositionMultiHeadedAttention / conv kernel 15 stride 2"
            var parts = type.Name.Split(" / ");
            var conv = parts[2].Split(' ');
            int kernel = int.Parse(conv[2]);
            int stride = conv.Length > 4 ? int.Parse(conv[4]) : 1;
            foreach (var blockIndex in type.Value.GetProperty("blocks").EnumerateArray().Select(e => e.GetInt32()))
            {
                covered++;
                var block = encoder.Blocks[blockIndex];
                Assert.AreEqual(parts[0] == "StrideConformerEncoderLayer", block is StrideConformerBlock, $"block {blockIndex} layer class");
                Assert.AreEqual(parts[1], block.SelfAttention.GetType().Name, $"block {blockIndex} attention class");
                Assert.AreEqual(kernel, block.Convolution!.KernelSize, $"block {blockIndex} kernel");
                Assert.AreEqual(stride, block.TimeStride, $"block {blockIndex} stride");
                foreach (var module in type.Value.GetProperty("modules").EnumerateObject())
                    Assert.AreEqual(module.Value.GetInt64(), Sum(encoder, $"encoders.{blockIndex}.{module.Name}."), $"block {blockIndex} {module.Name}");
                var expectedTensors = type.Value.GetProperty("tensors").EnumerateObject().ToList();
                Assert.AreEqual(expectedTensors.Count, parameters.Keys.Count(k => k.StartsWith($"encoders.{blockIndex}.")), $"block {blockIndex} tensor count");
                foreach (var t in expectedTensors)
                {
                    string key = $"encoders.{blockIndex}.{t.Name}";
                    Assert.IsTrue(parameters.ContainsKey(key), $"missing parameter {key}");
                    CollectionAssert.AreEqual(t.Value.EnumerateArray().Select(e => e.GetInt64()).ToArray(), parameters[key], key);
                }
            }
        }
        Assert.AreEqual(encoder.NumBlocks, covered);
    }

    [TestMethod]
    [DataRow("efficient-v1", "train_u2++_efficonformer_v1.yaml")]
    [DataRow("efficient-v2", "train_u2++_efficonformer_v2.yaml")]
    [DataRow("conformer", "train_conformer.yaml")]
    public void PresetEqualsWeNetRecipeEncoderConf(string preset, string yamlName)
    {
        var conf = Config(yamlName).GetProperty("encoder_conf");
        var c = EncoderConfig.Preset(preset);
        Assert.AreEqual(conf.GetProperty("output_size").GetInt32(), c.OutputSize);
        Assert.AreEqual(conf.GetProperty("attention_heads").GetInt32(), c.AttentionHeads);
        Assert.AreEqual(conf.GetProperty("linear_units").GetInt32(), c.LinearUnits);
        Assert.AreEqual(conf.GetProperty("num_blocks").GetInt32(), c.NumBlocks);
        Assert.AreEqual(conf.GetProperty("cnn_module_kernel").GetInt32(), c.CnnModuleKernel);
        Assert.AreEqual(conf.GetProperty("input_layer").GetString(), c.InputLayer);
        Assert.AreEqual(conf.GetProperty("dropout_rate").GetDouble(), c.DropoutRate);
        Assert.AreEqual(conf.GetProperty("positional_dropout_rate").GetDouble(), c.PositionalDropoutRate);
        Assert.AreEqual(conf.GetProperty("attention_dropout_rate").GetDouble(), c.AttentionDropoutRate);
        // WeNet's default cnn_module_norm is batch_norm when the recipe does not name one.
        Assert.AreEqual(conf.TryGetProperty("cnn_module_norm", out var norm) ? norm.GetString() : "batch_norm", c.CnnModuleNorm);
        if (conf.TryGetProperty("efficient_conf", out var eff))
        {
            CollectionAssert.AreEqual(eff.GetProperty("stride_layer_idx").EnumerateArray().Select(e => e.GetInt32()).ToArray(), c.StrideLayerIdx);
            CollectionAssert.AreEqual(eff.GetProperty("stride").EnumerateArray().Select(e => e.GetInt32()).ToArray(), c.Stride);
            CollectionAssert.AreEqual(eff.GetProperty("group_layer_idx").EnumerateArray().Select(e => e.GetInt32()).ToArray(), c.GroupLayerIdx);
            Assert.AreEqual(eff.GetProperty("group_size").GetInt32(), c.GroupSize);
            Assert.AreEqual(eff.GetProperty("stride_kernel").GetBoolean(), c.StrideKernel);
            Assert.AreEqual("efficientConformer", c.EncoderType);
        }
        else Assert.AreEqual("conformer", c.EncoderType);
    }

    [TestMethod]
    public void TinyPresetHasTheEfficientFixtureArchitecture()
    {
        // The tiny preset is the efficient-conformer-v1-small fixture's network (dropout aside):
        // WeNet's checkpoint must load into it key for key and shape for shape.
        var fx = new WeNetFixture("efficient-conformer-v1-small");
        using var tiny = new ConformerEncoder(EncoderConfig.Preset("tiny"));
        WeNetCheckpoint.LoadStateDict(tiny, fx.StateDict);
        Assert.IsTrue(tiny.ParameterCount() < 2_000_000, $"tiny has {tiny.ParameterCount()} parameters");
    }

    [TestMethod]
    public void SmallPresetIsSmall()
    {
        using var small = new ConformerEncoder(EncoderConfig.Preset("small"));
        long n = small.ParameterCount();
        Assert.IsTrue(n is > 2_000_000 and < 10_000_000, $"small has {n} parameters");
        Assert.AreEqual(144, small.OutputSize);
        Assert.AreEqual(8, small.NumBlocks);
    }
}
