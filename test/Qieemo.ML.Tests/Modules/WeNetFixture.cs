using System.Text.Json;
using Qieemo.ML.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.Modules;

/// <summary>
/// One reference fixture under TestData/wenet/&lt;name&gt;: a WeNet-format checkpoint, yaml and CMVN json with the
/// tensors of the encoder run on a padded batch (dumped by WeNet itself, or by our PyTorch re-implementation
/// where the fixture's README.md says so).
/// </summary>
internal sealed class WeNetFixture
{
    public WeNetFixture(string name)
    {
        Name = name;
        Dir = TestSupport.TestData("wenet", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "block_lengths.json")));
        var root = doc.RootElement;
        EmbedLengths = root.GetProperty("embed").GetProperty("valid_lengths").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        BlockLengths = root.GetProperty("blocks").EnumerateArray()
            .Select(b => b.GetProperty("valid_lengths").EnumerateArray().Select(e => e.GetInt64()).ToArray()).ToArray();
        OutputLengths = root.GetProperty("output").GetProperty("valid_lengths").EnumerateArray().Select(e => e.GetInt64()).ToArray();
    }

    public string Name { get; }
    public string Dir { get; }
    public string StateDict => Path.Combine(Dir, "state_dict.pt");
    public string Yaml => Path.Combine(Dir, "config.yaml");
    public string CmvnJson => Path.Combine(Dir, "global_cmvn.json");
    public long[] EmbedLengths { get; }
    public long[][] BlockLengths { get; }
    public long[] OutputLengths { get; }
    public int NumBlocks => BlockLengths.Length;

    public Tensor Load(string file)
    {
        var npy = NpyArray.Load(Path.Combine(Dir, file));
        long[] shape = npy.Shape.Select(s => (long)s).ToArray();
        return npy.DType.StartsWith("i") ? tensor(npy.ToInt64(), shape) : tensor(npy.ToFloats(), shape);
    }

    public long[] LoadLongs(string file) => NpyArray.Load(Path.Combine(Dir, file)).ToInt64();

    /// <summary>Max |a - b| over the valid prefix of every row (a, b: (B, T, D)).</summary>
    public static double MaxAbsDiffValid(Tensor actual, Tensor expected, long[] validLengths)
    {
        Assert.AreEqual(expected.shape.Length, actual.shape.Length, "rank");
        CollectionAssert.AreEqual(expected.shape, actual.shape, $"shape [{string.Join(",", actual.shape)}] vs [{string.Join(",", expected.shape)}]");
        double max = 0;
        for (int b = 0; b < validLengths.Length; b++)
        {
            using var d = (actual[b].narrow(0, 0, validLengths[b]) - expected[b].narrow(0, 0, validLengths[b])).abs().max();
            max = Math.Max(max, d.item<float>());
        }
        return max;
    }
}
