using Qieemo.ML.Audio;

namespace Qieemo.ML.Tests.Audio;

/// <summary>
/// The FLAC decoder against the reference decoder: files encoded by the flac tool (levels -0..-8 and special
/// options) from espeak-ng speech must decode bit-exactly to what `flac -d` produces, with the MD5 verified.
/// </summary>
[TestClass]
public sealed class FlacDecoderTests
{
    private static readonly object Lock = new();
    private static readonly Dictionary<string, string> Encoded = new();

    /// <summary>Encodes a corpus WAV with the flac tool (cached per argument list).</summary>
    internal static string EncodeWithFlac(string source, params string[] flacArgs)
    {
        TestSupport.RequireTool("flac");
        string wav = AudioCorpus.Wav(source);
        string key = source + " " + string.Join(" ", flacArgs);
        lock (Lock)
        {
            if (Encoded.TryGetValue(key, out var done)) return done;
            string outPath = Path.Combine(AudioCorpus.Dir, $"{source}_{Encoded.Count}.flac");
            TestSupport.Run("flac", new[] { "-s", "-f" }.Concat(flacArgs).Concat(new[] { "-o", outPath, wav }).ToArray());
            Encoded[key] = outPath;
            return outPath;
        }
    }

    /// <summary>`flac -d` of a file as integers per channel: the reference samples.</summary>
    internal static int[][] ReferenceDecode(string flacPath, int channels, int bits)
    {
        if (bits % 8 == 0)
            return AudioCorpus.ParseRawInts(AudioCorpus.RunBytes("flac", "-s", "-d", "-c", "--force-raw-format", "--endian=little", "--sign=signed", flacPath),
                channels, bits / 8);
        // flac writes raw output only for whole bytes: go through its AIFF output and let sox widen it to 32 bits.
        string wav = Path.Combine(TestSupport.TempDir("qieemo-flacref"), "ref.aiff");
        TestSupport.Run("flac", "-s", "-d", "-f", "--force-aiff-format", "-o", wav, flacPath);
        var wide = AudioCorpus.ParseRawInts(AudioCorpus.RunBytes("sox", wav, "-t", "raw", "-e", "signed", "-b", "32", "-L", "-"), channels, 4);
        foreach (var ch in wide) for (int i = 0; i < ch.Length; i++) ch[i] >>= 32 - bits;
        return wide;
    }

    /// <summary>Decodes with our decoder and with `flac -d`, asserts identical integers and a verified MD5.</summary>
    internal static FlacDecodedAudio AssertMatchesFlacTool(string flacPath)
    {
        var ours = FlacDecoder.Decode(flacPath);
        var reference = ReferenceDecode(flacPath, ours.Info.Channels, ours.Info.BitsPerSample);
        Assert.AreEqual(reference.Length, ours.Samples.Length, "channel count");
        for (int c = 0; c < reference.Length; c++)
        {
            Assert.AreEqual(reference[c].Length, ours.Samples[c].Length, $"{flacPath}: length of channel {c}");
            int mismatch = FirstMismatch(reference[c], ours.Samples[c]);
            Assert.AreEqual(-1, mismatch, $"{flacPath}: channel {c} differs from flac -d at sample {mismatch} ({ours.Statistics})");
        }
        Assert.IsTrue(ours.StreamInfo.HasMd5, "the flac tool stores an MD5 signature");
        Assert.AreEqual(true, ours.Info.Md5Verified, "MD5 verified");
        Assert.AreEqual(reference[0].Length, ours.Info.Frames);
        return ours;
    }

    internal static int FirstMismatch(int[] a, int[] b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++) if (a[i] != b[i]) return i;
        return a.Length == b.Length ? -1 : Math.Min(a.Length, b.Length);
    }

    public static IEnumerable<object[]> Levels =>
        from src in new[] { "m16", "s16", "m24", "s24" }
        from level in Enumerable.Range(0, 9)
        select new object[] { src, level };

    [TestMethod]
    [DynamicData(nameof(Levels))]
    public void CompressionLevelMatchesFlacTool(string source, int level)
    {
        var d = AssertMatchesFlacTool(EncodeWithFlac(source, $"-{level}"));
        Assert.AreEqual(source.StartsWith('s') ? 2 : 1, d.Info.Channels);
        Assert.AreEqual(source.EndsWith("24") ? 24 : 16, d.Info.BitsPerSample);
    }

    [TestMethod]
    [DataRow("m16", "-b", "192")]     // block size code 1
    [DataRow("s16", "-b", "200")]     // code 6: 8-bit size in the header
    [DataRow("s16", "-b", "1000")]    // code 7: 16-bit size
    [DataRow("m16", "-b", "4608")]    // code 5
    [DataRow("s24", "--lax", "-b", "16384")] // code 14, beyond the subset
    [DataRow("m16", "--lax", "-b", "32768")] // code 15 (larger than the file: one short frame)
    public void BlockSizesMatchFlacTool(string source, params string[] args)
    {
        var d = AssertMatchesFlacTool(EncodeWithFlac(source, args));
        int requested = int.Parse(args[^1]);
        Assert.AreEqual(requested, d.StreamInfo.MaxBlockSize, "STREAMINFO block size");
        Assert.IsTrue(d.Statistics.BlockSizes.Max() <= requested);
    }

    [TestMethod]
    public void Lpc32AndExhaustiveSearchMatchFlacTool()
    {
        var d = AssertMatchesFlacTool(EncodeWithFlac("s24", "--lax", "-l", "32", "-b", "4096", "-e", "-p", "-r", "0,15"));
        Assert.IsTrue(d.Statistics.LpcSubframes.Skip(13).Sum() > 0, $"expected LPC orders above 12: {d.Statistics}");
        var m = AssertMatchesFlacTool(EncodeWithFlac("m16", "--lax", "-l", "32", "-b", "2048", "-r", "8"));
        Assert.IsTrue(m.Statistics.LpcSubframes.Sum() > 0, m.Statistics.ToString());
    }

    [TestMethod]
    [DataRow("m8", 8)]
    [DataRow("s32", 32)]
    [DataRow("wasted16", 16)]
    [DataRow("m11025", 16)]   // sample-rate header code 13/14 or STREAMINFO
    [DataRow("m12000", 16)]
    [DataRow("m37800", 16)]
    [DataRow("noise", 16)]    // white noise: VERBATIM subframes
    public void BitDepthsRatesAndNoiseMatchFlacTool(string source, int bits)
    {
        var d = AssertMatchesFlacTool(EncodeWithFlac(source, "-5"));
        Assert.AreEqual(bits, d.Info.BitsPerSample);
        if (source == "wasted16") Assert.IsTrue(d.Statistics.WastedBitsSubframes > 0, d.Statistics.ToString());
        if (source == "noise") Assert.IsTrue(d.Statistics.VerbatimSubframes > 0, d.Statistics.ToString());
    }

    /// <summary>The flac tool's streams together exercise every coding tool it can emit.</summary>
    [TestMethod]
    public void FlacToolCorpusCoversDecoderBranches()
    {
        var files = new[]
        {
            EncodeWithFlac("m16", "-0"), EncodeWithFlac("s16", "-2"), EncodeWithFlac("s16", "-8"), EncodeWithFlac("s24", "-5"),
            EncodeWithFlac("wasted16", "-5"), EncodeWithFlac("noise", "-5"),
        };
        var stats = files.Select(f => FlacDecoder.Decode(f).Statistics).ToList();
        string all = string.Join("\n", stats);
        Assert.IsTrue(stats.Sum(s => s.ConstantSubframes) > 0, "CONSTANT\n" + all);
        Assert.IsTrue(stats.Sum(s => s.VerbatimSubframes) > 0, "VERBATIM\n" + all);
        for (int o = 0; o <= 4; o++) Assert.IsTrue(stats.Sum(s => s.FixedSubframes[o]) > 0, $"FIXED order {o}\n" + all);
        Assert.IsTrue(stats.Sum(s => s.LpcSubframes.Sum()) > 0, "LPC\n" + all);
        Assert.IsTrue(stats.Sum(s => s.WastedBitsSubframes) > 0, "wasted bits\n" + all);
        Assert.IsTrue(stats.Sum(s => s.Rice4BitPartitions) > 0, "Rice\n" + all);
        for (int a = 0; a < 4; a++) Assert.IsTrue(stats.Sum(s => s.ChannelAssignments[a]) > 0, $"channel assignment {a}\n" + all);
    }

    /// <summary>
    /// Streams from the hand-written encoder cover what the flac tool never writes (variable block sizes,
    /// escaped partitions, Rice2 with small parameters, every header code); `flac -d` accepts them and
    /// decodes the original samples, and so must we.
    /// </summary>
    [TestMethod]
    [DataRow(2, 16, 44100, true)]
    [DataRow(2, 24, 37800, true)]
    [DataRow(1, 16, 11025, true)]
    [DataRow(2, 20, 12000, false)]
    [DataRow(3, 8, 22050, true)]
    [DataRow(2, 32, 48000, true)]
    public void HandEncodedStreamsMatchFlacToolAndSource(int channels, int bits, int rate, bool variable)
    {
        TestSupport.RequireTool("flac");
        var speech = WavReader.Read(AudioCorpus.Wav("st")).Channels;
        int n = speech[0].Length;
        var rng = new Random(7);
        var src = new int[channels][];
        long max = (1L << (bits - 1)) - 1;
        for (int c = 0; c < channels; c++)
        {
            src[c] = new int[n];
            for (int i = 0; i < n; i++)
            {
                double v = speech[c % 2][i] * (c == 2 ? 0.3 : 0.9) + (c == 2 ? 0.001 * (rng.NextDouble() - 0.5) : 0);
                src[c][i] = (int)Math.Clamp(Math.Round(v * (max + 1)), -max - 1, max);
            }
        }
        // A stretch of digital silence (CONSTANT subframes) and one of even samples (wasted bits).
        for (int c = 0; c < channels; c++)
        {
            Array.Clear(src[c], 20000, 9000);
            for (int i = 6000; i < 8000; i++) src[c][i] &= ~7;
        }
        int[] sizes = variable ? new[] { 1000, 17, 4096, 333, 192, 576, 256, 2048, 1152, 4608, 16, 3000 } : new[] { 1000 };
        string dir = TestSupport.TempDir("qieemo-flacenc");
        string path = Path.Combine(dir, $"hand_{channels}ch_{bits}b.flac");
        File.WriteAllBytes(path, FlacTestEncoder.Encode(src, rate, bits, sizes, variable));

        var ours = AssertMatchesFlacTool(path);
        for (int c = 0; c < channels; c++)
            Assert.AreEqual(-1, FirstMismatch(src[c], ours.Samples[c]), $"channel {c} differs from the encoder's input");
        var st = ours.Statistics;
        Assert.AreEqual(rate, ours.Info.SampleRate);
        Assert.IsTrue(st.EscapedPartitions > 0 && st.Rice5BitPartitions > 0 && (bits > 24 || st.Rice4BitPartitions > 0), st.ToString());
        Assert.IsTrue(st.ConstantSubframes > 0 && st.VerbatimSubframes > 0 && st.WastedBitsSubframes > 0, st.ToString());
        Assert.IsTrue(st.FramesWithHeaderSampleRate > 0, st.ToString());
        if (variable) Assert.AreEqual(st.Frames, st.VariableBlockSizeFrames, st.ToString());
        if (channels == 2) Assert.IsTrue(st.ChannelAssignments.All(x => x > 0), st.ToString());
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void LeadingId3v2TagIsSkipped()
    {
        string flac = EncodeWithFlac("m16", "-5");
        var bytes = File.ReadAllBytes(flac);
        var tag = new byte[10 + 20];
        "ID3"u8.CopyTo(tag);
        tag[3] = 4; tag[9] = 20; // version 2.4, sync-safe size 20
        string path = Path.Combine(TestSupport.TempDir(), "id3.flac");
        File.WriteAllBytes(path, tag.Concat(bytes).ToArray());
        var withTag = FlacDecoder.Decode(path);
        var plain = FlacDecoder.Decode(flac);
        CollectionAssert.AreEqual(plain.Samples[0], withTag.Samples[0]);
        Assert.AreEqual(true, AudioFile.Read(path).Info.Md5Verified);
    }

    [TestMethod]
    public void UnknownTotalSampleCountDecodesToTheEnd()
    {
        string flac = EncodeWithFlac("s16", "-5");
        var bytes = File.ReadAllBytes(flac);
        // STREAMINFO's total-samples field is the low 36 bits of its bytes 13..17 (file offset 8 + 13).
        bytes[8 + 13] &= 0xF0;
        Array.Clear(bytes, 8 + 14, 4);
        string path = Path.Combine(TestSupport.TempDir(), "nototal.flac");
        File.WriteAllBytes(path, bytes);
        Assert.AreEqual(0L, FlacDecoder.ReadInfo(path).Frames, "header-only: unknown");
        var d = FlacDecoder.Decode(path);
        var reference = ReferenceDecode(flac, 2, 16);
        Assert.AreEqual(reference[0].Length, d.Info.Frames);
        Assert.AreEqual(-1, FirstMismatch(reference[0], d.Samples[0]));
        Assert.AreEqual(true, d.Info.Md5Verified);
    }

    [TestMethod]
    public void FloatScalingIsIntegerOverTwoToBitsMinusOne()
    {
        var d = FlacDecoder.Decode(EncodeWithFlac("s24", "-5"));
        var buf = d.ToAudioBuffer();
        for (int i = 0; i < buf.Frames; i += 97)
            Assert.AreEqual(d.Samples[1][i] / 8388608.0, buf.Channels[1][i], 1e-9);
    }
}
