using System.Globalization;
using Qieemo.ML.Audio;

namespace Qieemo.ML.Tests.Audio;

/// <summary>Format dispatch, AudioInfo against soxi, and the mono downmix against sox.</summary>
[TestClass]
public sealed class AudioFileTests
{
    private static string Soxi(string flag, string path) => TestSupport.Run("soxi", flag, path).Trim();

    public static IEnumerable<object[]> InfoFiles => new[]
    {
        new object[] { "wav", "m16", "" }, new object[] { "wav", "s24", "" }, new object[] { "wav", "m8", "" },
        new object[] { "wav", "s32", "" }, new object[] { "wav", "m37800", "" },
        new object[] { "flac", "m16", "-5" }, new object[] { "flac", "s24", "-8" }, new object[] { "flac", "m8", "-5" },
        new object[] { "flac", "s32", "-5" }, new object[] { "flac", "m11025", "-0" },
    };

    [TestMethod]
    [DynamicData(nameof(InfoFiles))]
    public void InfoMatchesSoxi(string format, string source, string level)
    {
        TestSupport.RequireTool("soxi");
        string path = format == "wav" ? AudioCorpus.Wav(source) : FlacDecoderTests.EncodeWithFlac(source, level);
        var header = AudioFile.ReadInfo(path);
        var decoded = AudioFile.Read(path);
        foreach (var info in new[] { header, decoded.Info })
        {
            Assert.AreEqual(format, info.Format);
            Assert.AreEqual(int.Parse(Soxi("-r", path)), info.SampleRate, "rate");
            Assert.AreEqual(int.Parse(Soxi("-c", path)), info.Channels, "channels");
            Assert.AreEqual(int.Parse(Soxi("-b", path)), info.BitsPerSample, "bits");
            Assert.AreEqual(long.Parse(Soxi("-s", path)), info.Frames, "frames");
            Assert.AreEqual(double.Parse(Soxi("-D", path), CultureInfo.InvariantCulture), info.Duration.TotalSeconds, 1e-6, "duration");
        }
        Assert.AreEqual(decoded.Info.Frames, decoded.Frames);
        Assert.AreEqual(format == "flac" ? true : null, decoded.Info.Md5Verified);
        Assert.IsNull(header.Md5Verified);
    }

    [TestMethod]
    public void DispatchIsByContentNotExtension()
    {
        string dir = TestSupport.TempDir();
        string flacAsWav = Path.Combine(dir, "really-flac.wav");
        string wavAsFlac = Path.Combine(dir, "really-wav.flac");
        File.Copy(FlacDecoderTests.EncodeWithFlac("s16", "-5"), flacAsWav);
        File.Copy(AudioCorpus.Wav("s16"), wavAsFlac);
        var a = AudioFile.Read(flacAsWav);
        var b = AudioFile.Read(wavAsFlac);
        Assert.AreEqual("flac", a.Info.Format);
        Assert.AreEqual("wav", b.Info.Format);
        CollectionAssert.AreEqual(b.Channels[0], a.Channels[0], "FLAC is lossless: same samples as the WAV it came from");
        CollectionAssert.AreEqual(b.Channels[1], a.Channels[1]);
        using var stream = new MemoryStream(File.ReadAllBytes(flacAsWav));
        CollectionAssert.AreEqual(a.Channels[1], AudioFile.Read(stream, "in-memory").Channels[1]);
    }

    [TestMethod]
    public void EmptyFileIsUnknownFormat()
    {
        string p = Path.Combine(TestSupport.TempDir(), "empty.flac");
        File.WriteAllBytes(p, Array.Empty<byte>());
        var e = Assert.ThrowsExactly<InvalidDataException>(() => AudioFile.ReadInfo(p));
        StringAssert.Contains(e.Message, "empty.flac");
        StringAssert.Contains(e.Message, "empty");
    }

    [TestMethod]
    [DataRow("s16")]
    [DataRow("ch3")]
    public void ToMonoAveragesChannelsLikeSox(string name)
    {
        string path = name == "s16" ? AudioCorpus.Wav("s16")
            : WavReaderTests.SoxConvert("s16", "ch3", new[] { "-b", "16" }, "remix 1 2 1v0.5,2v-0.5");
        var buf = AudioFile.Read(path);
        int n = buf.Channels.Length;
        string gains = string.Join(",", Enumerable.Range(1, n).Select(c => $"{c}v{1.0 / n:R}"));
        var sox = AudioCorpus.ParseRawF64(AudioCorpus.RunBytes("sox", "-D", path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-", "remix", gains), 1)[0];
        var mono = buf.ToMono();
        Assert.AreEqual(sox.Length, mono.Length);
        for (int i = 0; i < mono.Length; i++) Assert.AreEqual(sox[i], mono[i], 1e-6, $"sample {i}");
    }
}
