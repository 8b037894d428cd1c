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

    private static JsonElement Case(string name) =>
        Manifest().GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    private static (FbankResult Ours, KaldiFbank Fbank, long Samples) ComputeCase(JsonElement c)
    {
        var wave = NpyArray.Load(TestSupport.TestData("fbank", c.GetProperty("wave").GetString()!));
        var fbank = new KaldiFbank(ToOptions(c.GetProperty("options"), c.GetProperty("input_scale").GetDouble()));
        return (fbank.Compute(wave.ToFloats()), fbank, wave.Length);
    }

    /// <summary>Max and mean absolute difference; logs both and the worst element.</summary>
    private (double Max, double Mean) Compare(string label, FbankResult ours, NpyArray expected)
    {
        Assert.AreEqual(expected.Shape[0], ours.Frames, $"{label}: frame count");
        Assert.AreEqual(expected.Shape[1], ours.Dim, $"{label}: feature dimension");
        var want = expected.ToFloats();
        double maxAbs = 0, sumAbs = 0;
        int worst = 0;
        for (int i = 0; i < want.Length; i++)
        {
            double d = Math.Abs(ours.Data[i] - want[i]);
            sumAbs += d;
            if (d > maxAbs) { maxAbs = d; worst = i; }
        }
        double meanAbs = sumAbs / Math.Max(want.Length, 1);
        TestContext.WriteLine($"{label}: frames {ours.Frames} dim {ours.Dim} max|diff| {maxAbs:E3} (frame {worst / ours.Dim}, col {worst % ours.Dim}: ours {ours.Data[worst]} reference {want[worst]}) mean|diff| {meanAbs:E3}");
        return (maxAbs, meanAbs);
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void MatchesTorchaudio(string name)
    {
        var c = Case(name);
        var (ours, fbank, samples) = ComputeCase(c);
        Assert.AreEqual(c.GetProperty("frames").GetInt32(), fbank.NumFrames((int)samples), "NumFrames");
        var (maxAbs, meanAbs) = Compare(name, ours, NpyArray.Load(TestSupport.TestData("fbank", c.GetProperty("fbank").GetString()!)));
        Assert.IsLessThanOrEqualTo(0.02, maxAbs, $"{name}: max |diff| {maxAbs}");
        Assert.IsLessThanOrEqualTo(1e-4, meanAbs, $"{name}: mean |diff| {meanAbs}");
    }

    public static IEnumerable<object[]> Float64Cases() =>
        Manifest().GetProperty("cases").EnumerateArray().Where(c => c.TryGetProperty("fbank64", out _))
            .Select(c => new object[] { c.GetProperty("name").GetString()! });

    /// <summary>Against torchaudio run in float64: the float32 reference's worst differences (up to 2e-3) are its own
    /// rounding (e.g. the per-frame DC mean), so here we must agree ~400x more tightly.</summary>
    [TestMethod]
    [DynamicData(nameof(Float64Cases))]
    public void MatchesTorchaudioFloat64(string name)
    {
        var c = Case(name);
        var (ours, _, _) = ComputeCase(c);
        var (maxAbs, meanAbs) = Compare(name + " (float64 reference)", ours, NpyArray.Load(TestSupport.TestData("fbank", c.GetProperty("fbank64").GetString()!)));
        Assert.IsLessThanOrEqualTo(5e-5, maxAbs, $"{name}: max |diff| {maxAbs} vs float64 torchaudio");
        Assert.IsLessThanOrEqualTo(5e-7, meanAbs, $"{name}: mean |diff| {meanAbs} vs float64 torchaudio");
    }
}
