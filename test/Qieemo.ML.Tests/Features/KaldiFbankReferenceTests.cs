using System.Text.Json;
using Qieemo.ML.Features;
using Qieemo.ML.IO;

namespace Qieemo.ML.Tests.Features;

/// <summary>KaldiFbank against torchaudio.compliance.kaldi.fbank outputs (test/reference/fbank_make_fixtures.py).</summary>
[TestClass]
public sealed class KaldiFbankReferenceTests
{
    public TestContext TestContext { get; set; } = null!;

    private static JsonElement Manifest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestSupport.TestData("fbank", "manifest.json")));
        return doc.RootElement.Clone();
    }

    public static IEnumerable<object[]> Cases() =>
        Manifest().GetProperty("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    /// <summary>torchaudio keyword arguments to our options.</summary>
    internal static KaldiFbankOptions ToOptions(JsonElement kwargs, double inputScale)
    {
        var o = new KaldiFbankOptions { InputScale = inputScale };
        foreach (var p in kwargs.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "num_mel_bins": o.NumMelBins = v.GetInt32(); break;
                case "frame_length": o.FrameLengthMs = v.GetDouble(); break;
                case "frame_shift": o.FrameShiftMs = v.GetDouble(); break;
                case "dither": o.Dither = v.GetDouble(); break;
                case "energy_floor": o.EnergyFloor = v.GetDouble(); break;
                case "sample_frequency": o.SampleFrequency = v.GetDouble(); break;
                case "window_type": o.WindowType = Enum.Parse<KaldiWindowType>(v.GetString()!, ignoreCase: true); break;
                case "snip_edges": o.SnipEdges = v.GetBoolean(); break;
                case "use_energy": o.UseEnergy = v.GetBoolean(); break;
                case "raw_energy": o.RawEnergy = v.GetBoolean(); break;
                case "use_log_fbank": o.UseLogFbank = v.GetBoolean(); break;
                case "use_power": o.UsePower = v.GetBoolean(); break;
                case "round_to_power_of_two": o.RoundToPowerOfTwo = v.GetBoolean(); break;
                case "low_freq": o.LowFreq = v.GetDouble(); break;
                case "high_freq": o.HighFreq = v.GetDouble(); break;
                case "remove_dc_offset": o.RemoveDcOffset = v.GetBoolean(); break;
                case "preemphasis_coefficient": o.PreemphasisCoefficient = v.GetDouble(); break;
                case "blackman_coeff": o.BlackmanCoeff = v.GetDouble(); break;
                default: throw new InvalidDataException($"manifest.json: option '{p.Name}' has no mapping");
            }
        }
        return o;
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void MatchesTorchaudio(string name)
    {
        var c = Manifest().GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var wave = NpyArray.Load(TestSupport.TestData("fbank", c.GetProperty("wave").GetString()!));
        var expected = NpyArray.Load(TestSupport.TestData("fbank", c.GetProperty("fbank").GetString()!));
        var options = ToOptions(c.GetProperty("options"), c.GetProperty("input_scale").GetDouble());
        var fbank = new KaldiFbank(options);

        var result = fbank.Compute(wave.ToFloats());

        Assert.AreEqual(expected.Shape[0], result.Frames, "frame count");
        Assert.AreEqual(expected.Shape[1], result.Dim, "feature dimension");
        Assert.AreEqual(result.Frames, fbank.NumFrames((int)wave.Length));
        var want = expected.ToFloats();
        double maxAbs = 0, sumAbs = 0, maxRel = 0;
        int worst = 0;
        for (int i = 0; i < want.Length; i++)
        {
            double d = Math.Abs(result.Data[i] - want[i]);
            sumAbs += d;
            if (d > maxAbs) { maxAbs = d; worst = i; }
            maxRel = Math.Max(maxRel, d / Math.Max(Math.Abs(want[i]), 1.0));
        }
        double meanAbs = sumAbs / want.Length;
        TestContext.WriteLine($"{name}: frames {result.Frames} dim {result.Dim} max|diff| {maxAbs:E3} (frame {worst / result.Dim}, col {worst % result.Dim}: ours {result.Data[worst]} torchaudio {want[worst]}) mean|diff| {meanAbs:E3} max rel {maxRel:E3}");
        Assert.IsLessThanOrEqualTo(0.02, maxAbs, $"{name}: max |diff| {maxAbs}");
        Assert.IsLessThanOrEqualTo(1e-4, meanAbs, $"{name}: mean |diff| {meanAbs}");
    }
}
