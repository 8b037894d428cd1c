using Qieemo.ML.Audio;

namespace Qieemo.ML.Tests.Audio;

/// <summary>The WAV reader against sox's decoding of the same files.</summary>
[TestClass]
public sealed class WavReaderTests
{
    /// <summary>Asserts our floats equal sox's (int / 2^31 or float) decoding within <paramref name="tol"/>.</summary>
    internal static void AssertMatchesSox(string path, AudioBuffer ours, double tol)
    {
        var sox = AudioCorpus.SoxDecode(path, ours.Info.Channels);
        Assert.AreEqual(sox.Length, ours.Channels.Length);
        for (int c = 0; c < sox.Length; c++)
        {
            Assert.AreEqual(sox[c].Length, ours.Channels[c].Length, $"{path}: frames of channel {c}");
            for (int i = 0; i < sox[c].Length; i++)
                if (Math.Abs(sox[c][i] - ours.Channels[c][i]) > tol)
                    Assert.Fail($"{path}: channel {c} sample {i}: ours {ours.Channels[c][i]:R}, sox {sox[c][i]:R}");
        }
    }

    /// <summary>Converts a corpus file with sox; returns the path.</summary>
    internal static string SoxConvert(string source, string name, string[] formatArgs, string effects = "")
    {
        string outPath = Path.Combine(AudioCorpus.Dir, name + ".wav");
        if (!File.Exists(outPath))
            TestSupport.Run("sox", new[] { "-R", AudioCorpus.Wav(source) }.Concat(formatArgs).Append(outPath)
                .Concat(effects.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray());
        return outPath;
    }

    [TestMethod]
    [DataRow("m16", "u8", "pcm_u8", 8, false, new[] { "-b", "8" })]
    [DataRow("s16", "s16", "pcm_s16", 16, false, new[] { "-b", "16" })]
    [DataRow("s16", "s24", "pcm_s24", 24, true, new[] { "-b", "24" })]             // sox writes EXTENSIBLE above 16 bits
    [DataRow("s16", "s32", "pcm_s32", 32, true, new[] { "-b", "32" })]
    [DataRow("s16", "f32", "float32", 32, false, new[] { "-e", "floating-point", "-b", "32" })]
    [DataRow("s16", "f64", "float64", 64, false, new[] { "-e", "floating-point", "-b", "64" })]
    [DataRow("s16", "ch3", "pcm_s16", 16, true, new[] { "-b", "16" }, "remix 1 2 1v0.5,2v-0.5")]    // EXTENSIBLE above 2 channels
    [DataRow("s16", "ch6", "pcm_s24", 24, true, new[] { "-b", "24" }, "remix 1 2 1v0.5,2v0.5 1v-0.5 2v0.25 1v0.1,2v-0.1")]
    [DataRow("s16", "ch6f", "float32", 32, false, new[] { "-e", "floating-point", "-b", "32" }, "remix 1 2 1v0.5,2v0.5 1v-0.5 2v0.25 1v0.1,2v-0.1")]
    // sox writes WAVE_FORMAT_EXTENSIBLE for integer PCM above 16 bits or 2 channels, never for floats;
    // HandBuiltExtensibleMatchesSox covers extensible floats.
    public void SoxWrittenFilesMatchSox(string source, string name, string codec, int bits, bool extensible, string[] args, string effects = "")
    {
        string path = SoxConvert(source, name, args, effects);
        var buf = WavReader.Read(path);
        var fmt = WavReader.ReadFormat(path);
        Assert.AreEqual(codec, buf.Info.Codec);
        Assert.AreEqual(bits, buf.Info.BitsPerSample);
        Assert.AreEqual(extensible, fmt.IsExtensible, "sox's choice of header");
        // Integers up to 24 bits are exact in float; 32-bit ints and floats round to float (sox keeps 32-bit ints).
        AssertMatchesSox(path, buf, bits <= 24 && !codec.StartsWith("float") ? 0 : 1e-7);
        int soxChannels = int.Parse(TestSupport.Run("soxi", "-c", path).Trim());
        Assert.AreEqual(soxChannels, buf.Channels.Length);
    }

    /// <summary>Raw little-endian samples of a corpus file in the given sox encoding.</summary>
    private static byte[] SoxRaw(string source, string encoding, int bits) =>
        AudioCorpus.RunBytes("sox", "-R", AudioCorpus.Wav(source), "-t", "raw", "-e", encoding, "-b", bits.ToString(), "-L", "-");

    [TestMethod]
    [DataRow(1, 8, "unsigned-integer")]
    [DataRow(1, 16, "signed-integer")]
    [DataRow(1, 24, "signed-integer")]
    [DataRow(1, 32, "signed-integer")]
    [DataRow(3, 32, "floating-point")]
    [DataRow(3, 64, "floating-point")]
    public void HandBuiltExtensibleMatchesSox(int tag, int bits, string encoding)
    {
        TestSupport.RequireTool("sox");
        var data = SoxRaw("s16", encoding, bits);
        string dir = TestSupport.TempDir("qieemo-wavext");
        string path = new WavBuilder()
            .Chunk("fmt ", WavBuilder.FmtExtensible(tag, 2, 44100, bits, bits, 0x3))
            .Chunk("fact", BitConverter.GetBytes(data.Length / (2 * bits / 8)))
            .Chunk("data", data)
            .Save(dir, $"ext_{bits}_{tag}.wav");
        var buf = WavReader.Read(path);
        Assert.IsTrue(WavReader.ReadFormat(path).IsExtensible);
        AssertMatchesSox(path, buf, bits <= 24 && tag == 1 ? 0 : 1e-7);
        // The same payload under a plain header decodes identically.
        string plain = new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(tag, 2, 44100, bits)).Chunk("data", data).Save(dir, "plain.wav");
        var p = WavReader.Read(plain);
        CollectionAssert.AreEqual(p.Channels[1], buf.Channels[1]);
    }

    [TestMethod]
    public void ExtensibleWithFewerValidBitsIsScaledByItsContainer()
    {
        TestSupport.RequireTool("sox");
        // 20 significant bits left-justified in 24-bit containers (what flac -d writes for 20-bit audio).
        var data = SoxRaw("s16", "signed-integer", 24);
        for (int i = 0; i < data.Length; i += 3) data[i] &= 0xF0;
        string dir = TestSupport.TempDir("qieemo-wav20");
        string ext = new WavBuilder().Chunk("fmt ", WavBuilder.FmtExtensible(1, 2, 44100, 24, 20, 3)).Chunk("data", data).Save(dir, "ext20.wav");
        string plain = new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(1, 2, 44100, 24)).Chunk("data", data).Save(dir, "plain24.wav");
        var fmt = WavReader.ReadFormat(ext);
        Assert.AreEqual(20, fmt.ValidBitsPerSample);
        Assert.AreEqual(24, fmt.BitsPerSample);
        AssertMatchesSox(plain, WavReader.Read(ext), 0); // sox itself refuses padded samples, so it reads the plain twin
    }

    /// <summary>8-bit mono with an odd sample count: the data chunk itself needs a pad byte.</summary>
    private static (byte[] Data, string Canonical, string Dir) OddPayload()
    {
        TestSupport.RequireTool("sox");
        var data = SoxRaw("m16", "unsigned-integer", 8);
        if (data.Length % 2 == 0) data = data[..^1];
        string dir = TestSupport.TempDir("qieemo-wavlayout");
        string canonical = new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(1, 1, 22050, 8)).Chunk("data", data).Save(dir, "canonical.wav");
        return (data, canonical, dir);
    }

    [TestMethod]
    [DataRow("list-before-fmt")]
    [DataRow("list-with-data-text")]
    [DataRow("list-after-data")]
    [DataRow("odd-chunks-everywhere")]
    [DataRow("data-before-fmt")]
    [DataRow("trailing-junk")]
    public void ChunkLayoutsDecodeLikeCanonicalFile(string layout)
    {
        var (data, canonical, dir) = OddPayload();
        var fmt = WavBuilder.Fmt(1, 1, 22050, 8);
        var list = WavBuilder.ListInfo("has the bytes data inside: data\u0001\0\0\0 and odd length!"); // odd-sized
        var b = new WavBuilder();
        switch (layout)
        {
            case "list-before-fmt": b.Chunk("LIST", list).Chunk("fmt ", fmt).Chunk("data", data); break;
            case "list-with-data-text": b.Chunk("fmt ", fmt).Chunk("LIST", list).Chunk("data", data); break;
            case "list-after-data": b.Chunk("fmt ", fmt).Chunk("data", data).Chunk("LIST", list); break;
            case "odd-chunks-everywhere":
                b.Chunk("junk", new byte[3]).Chunk("fmt ", fmt).Chunk("fact", BitConverter.GetBytes(data.Length))
                 .Chunk("bext", WavBuilder.Text("data data data")).Chunk("data", data).Chunk("LIST", list).Chunk("id3 ", new byte[7]);
                break;
            case "data-before-fmt": b.Chunk("LIST", list).Chunk("data", data).Chunk("fmt ", fmt); break;
            case "trailing-junk": b.Chunk("fmt ", fmt).Chunk("data", data); break;
        }
        byte[] file = b.Build();
        if (layout == "trailing-junk") file = file.Concat(WavBuilder.Text("garbage after the RIFF chunk")).ToArray();
        string path = Path.Combine(dir, layout + ".wav");
        File.WriteAllBytes(path, file);

        var ours = WavReader.Read(path);
        Assert.AreEqual(data.Length, ours.Frames);
        AssertMatchesSox(canonical, ours, 0);
        if (layout != "data-before-fmt") AssertMatchesSox(path, ours, 0); // sox cannot read data before fmt
    }

    [TestMethod]
    public void StreamedSizesReadToEndOfFile()
    {
        var (data, canonical, dir) = OddPayload();
        var fmt16 = WavBuilder.Fmt(1, 2, 22050, 16);
        var pcm = SoxRaw("s16", "signed-integer", 16);
        string reference = new WavBuilder().Chunk("fmt ", fmt16).Chunk("data", pcm).Save(dir, "ref16.wav");
        var expected = WavReader.Read(reference);
        AssertMatchesSox(reference, expected, 0);

        // 0xFFFFFFFF sizes (ffmpeg to a pipe), plus one stray byte: a partial frame that is dropped.
        var streamed = new WavBuilder { RiffSize = 0xFFFFFFFF }.Chunk("fmt ", fmt16).Chunk("data", pcm.Append((byte)7).ToArray(), 0xFFFFFFFF).Build();
        string p1 = Path.Combine(dir, "streamed.wav");
        File.WriteAllBytes(p1, streamed[..^1]); // Build padded the odd body; a pipe would not have
        var got = WavReader.Read(p1);
        CollectionAssert.AreEqual(expected.Channels[0], got.Channels[0]);
        CollectionAssert.AreEqual(expected.Channels[1], got.Channels[1]);

        // Sizes left at 0 by a writer that never patched its header.
        string p2 = new WavBuilder { RiffSize = 0 }.Chunk("fmt ", fmt16).Chunk("data", pcm, 0).Save(dir, "zeros.wav");
        CollectionAssert.AreEqual(expected.Channels[1], WavReader.Read(p2).Channels[1]);

        // A data size of 0 in a consistent file is a valid, empty recording.
        string p3 = new WavBuilder().Chunk("fmt ", fmt16).Chunk("data", Array.Empty<byte>()).Save(dir, "empty.wav");
        var empty = WavReader.Read(p3);
        Assert.AreEqual(0, empty.Frames);
        Assert.AreEqual(0L, long.Parse(TestSupport.Run("soxi", "-s", p3).Trim()));
    }

    [TestMethod]
    public void Rf64IsRead()
    {
        TestSupport.RequireTool("sox");
        var pcm = SoxRaw("s16", "signed-integer", 16);
        var ds64 = new byte[28];
        BitConverter.GetBytes((long)(pcm.Length + 36 + 28 + 8)).CopyTo(ds64, 0);
        BitConverter.GetBytes((long)pcm.Length).CopyTo(ds64, 8);
        BitConverter.GetBytes((long)(pcm.Length / 4)).CopyTo(ds64, 16);
        string dir = TestSupport.TempDir("qieemo-rf64");
        string path = new WavBuilder { RiffId = "RF64", RiffSize = 0xFFFFFFFF }
            .Chunk("ds64", ds64).Chunk("fmt ", WavBuilder.Fmt(1, 2, 44100, 16)).Chunk("data", pcm, 0xFFFFFFFF).Save(dir, "rf64.wav");
        var buf = AudioFile.Read(path);
        AssertMatchesSox(AudioCorpus.Wav("s16"), buf, 0);
    }
}
