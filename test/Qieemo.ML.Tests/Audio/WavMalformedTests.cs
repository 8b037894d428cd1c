using Qieemo.ML.Audio;

namespace Qieemo.ML.Tests.Audio;

/// <summary>Broken or unsupported WAV files: each fails with an exception naming the file and the cause.</summary>
[TestClass]
public sealed class WavMalformedTests
{
    private static readonly byte[] Pcm = Enumerable.Range(0, 400).Select(i => (byte)(i * 37)).ToArray();
    private static readonly byte[] Fmt16 = WavBuilder.Fmt(1, 2, 16000, 16);

    private static string Save(byte[] file, string name)
    {
        string p = Path.Combine(TestSupport.TempDir("qieemo-badwav"), name);
        File.WriteAllBytes(p, file);
        return p;
    }

    private static void AssertFails(string path, params string[] causes)
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => WavReader.Read(path));
        StringAssert.Contains(e.Message, Path.GetFileName(path));
        foreach (var c in causes) StringAssert.Contains(e.Message, c);
        // The header-only path reports the same problem.
        var e2 = Assert.ThrowsExactly<InvalidDataException>(() => WavReader.ReadInfo(path));
        Assert.AreEqual(e.Message, e2.Message);
    }

    [TestMethod]
    public void NotRiff()
    {
        string p = Save("just some text, not audio"u8.ToArray(), "text.wav");
        AssertFails(p, "not a RIFF file");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => AudioFile.Read(p));
        StringAssert.Contains(e.Message, "text.wav");
        StringAssert.Contains(e.Message, "unknown audio format");
    }

    [TestMethod]
    public void RiffButNotWave()
    {
        string p = new WavBuilder { WaveId = "AVI " }.Chunk("fmt ", Fmt16).Chunk("data", Pcm).Save(TestSupport.TempDir(), "movie.wav");
        AssertFails(p, "'AVI '", "not 'WAVE'");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => AudioFile.Read(p)).Message, "not WAVE");
    }

    [TestMethod]
    public void TruncatedRiffHeader() => AssertFails(Save("RIFF\x10\0\0\0"u8.ToArray(), "short.wav"), "truncated RIFF header");

    [TestMethod]
    public void MissingFmtChunk() =>
        AssertFails(new WavBuilder().Chunk("LIST", WavBuilder.ListInfo("x")).Chunk("data", Pcm).Save(TestSupport.TempDir(), "nofmt.wav"), "no fmt chunk");

    [TestMethod]
    public void MissingDataChunk() =>
        AssertFails(new WavBuilder().Chunk("fmt ", Fmt16).Chunk("LIST", WavBuilder.ListInfo("data data")).Save(TestSupport.TempDir(), "nodata.wav"), "no data chunk");

    [TestMethod]
    public void TruncatedData()
    {
        var full = new WavBuilder().Chunk("fmt ", Fmt16).Chunk("data", Pcm).Build();
        AssertFails(Save(full[..^100], "cut.wav"), "data chunk declares 400 bytes", "truncated");
    }

    [TestMethod]
    public void ChunkRunningPastEndBeforeAudio() =>
        AssertFails(new WavBuilder().Chunk("LIST", new byte[10], 100000).Chunk("fmt ", Fmt16).Chunk("data", Pcm).Save(TestSupport.TempDir(), "list.wav"),
            "chunk 'LIST'", "truncated");

    [TestMethod]
    public void StreamedPlaceholderWithoutAudio() =>
        AssertFails(new WavBuilder { RiffSize = 0xFFFFFFFF }.Chunk("fmt ", Fmt16).Chunk("data", Array.Empty<byte>(), 0xFFFFFFFF).Save(TestSupport.TempDir(), "stream.wav"),
            "no audio data");

    [TestMethod]
    public void ZeroSizesWithoutAudio() =>
        AssertFails(new WavBuilder { RiffSize = 0 }.Chunk("fmt ", Fmt16).Chunk("data", Array.Empty<byte>(), 0).Save(TestSupport.TempDir(), "zero.wav"),
            "no audio data");

    [TestMethod]
    [DataRow("u-law", "0x0007", "mu-law")]
    [DataRow("a-law", "0x0006", "A-law")]
    [DataRow("ima-adpcm", "0x0011", "IMA ADPCM")]
    [DataRow("ms-adpcm", "0x0002", "Microsoft ADPCM")]
    public void UnsupportedCodecNamesTheTag(string soxEncoding, string tag, string codecName)
    {
        TestSupport.RequireTool("sox");
        string p = Path.Combine(TestSupport.TempDir(), soxEncoding + ".wav");
        TestSupport.Run("sox", AudioCorpus.Wav("m16"), "-e", soxEncoding, p);
        AssertFails(p, "unsupported WAV format tag", tag, codecName);
    }

    [TestMethod]
    public void BlockAlignInconsistent() =>
        AssertFails(new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(1, 2, 16000, 16, blockAlign: 3)).Chunk("data", Pcm).Save(TestSupport.TempDir(), "align.wav"),
            "block align 3", "2 channels x 16 bits");

    [TestMethod]
    public void DataNotWholeFrames() =>
        AssertFails(new WavBuilder().Chunk("fmt ", Fmt16).Chunk("data", Pcm[..398]).Save(TestSupport.TempDir(), "partial.wav"),
            "data chunk size 398", "4-byte sample frames");

    [TestMethod]
    public void ZeroChannels() =>
        AssertFails(new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(1, 0, 16000, 16, blockAlign: 0)).Chunk("data", Pcm).Save(TestSupport.TempDir(), "nochan.wav"), "0 channels");

    [TestMethod]
    public void ZeroSampleRate() =>
        AssertFails(new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(1, 2, 0, 16)).Chunk("data", Pcm).Save(TestSupport.TempDir(), "norate.wav"), "sample rate 0");

    [TestMethod]
    public void ExtensibleWithUnknownSubFormat() =>
        AssertFails(new WavBuilder().Chunk("fmt ", WavBuilder.FmtExtensible(1, 2, 16000, 16, 16, 3, badGuid: true)).Chunk("data", Pcm).Save(TestSupport.TempDir(), "guid.wav"),
            "sub-format");

    [TestMethod]
    public void ExtensibleWithMoreValidBitsThanContainer() =>
        AssertFails(new WavBuilder().Chunk("fmt ", WavBuilder.FmtExtensible(1, 2, 16000, 16, 20, 3)).Chunk("data", Pcm).Save(TestSupport.TempDir(), "valid.wav"),
            "20 valid bits in a 16-bit container");

    [TestMethod]
    public void FloatOfSixteenBits() =>
        AssertFails(new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(3, 2, 16000, 16)).Chunk("data", Pcm).Save(TestSupport.TempDir(), "f16.wav"),
            "IEEE float sample size of 16 bits");

    [TestMethod]
    public void FmtChunkTooShort() =>
        AssertFails(new WavBuilder().Chunk("fmt ", Fmt16[..14]).Chunk("data", Pcm).Save(TestSupport.TempDir(), "shortfmt.wav"), "fmt chunk is 14 bytes");

    [TestMethod]
    public void TwoFmtChunks() =>
        AssertFails(new WavBuilder().Chunk("fmt ", Fmt16).Chunk("fmt ", Fmt16).Chunk("data", Pcm).Save(TestSupport.TempDir(), "twofmt.wav"), "more than one fmt chunk");

    [TestMethod]
    public void TwoDataChunks() =>
        AssertFails(new WavBuilder().Chunk("fmt ", Fmt16).Chunk("data", Pcm).Chunk("data", Pcm).Save(TestSupport.TempDir(), "twodata.wav"), "more than one data chunk");

    [TestMethod]
    public void MissingFile()
    {
        string p = Path.Combine(Path.GetTempPath(), "no-such-qieemo.wav");
        StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => WavReader.Read(p)).Message, "no-such-qieemo.wav");
        Assert.ThrowsExactly<FileNotFoundException>(() => AudioFile.Read(p));
    }
}
