using Qieemo.ML.Audio;

namespace Qieemo.ML.Tests.Audio;

/// <summary>Damaged FLAC files: each must fail with an exception naming the file and the cause.</summary>
[TestClass]
public sealed class FlacMalformedTests
{
    private static (string Dir, byte[] Good) Source()
    {
        string good = FlacDecoderTests.EncodeWithFlac("s16", "-5");
        return (TestSupport.TempDir("qieemo-badflac"), File.ReadAllBytes(good));
    }

    private static string Write(string dir, string name, byte[] data)
    {
        string p = Path.Combine(dir, name);
        File.WriteAllBytes(p, data);
        return p;
    }

    private static int FirstFrameOffset(byte[] flac)
    {
        // Walk the metadata block headers ourselves (4-byte marker, then 1+7+24-bit headers).
        int pos = 4;
        while (true)
        {
            bool last = (flac[pos] & 0x80) != 0;
            int len = (flac[pos + 1] << 16) | (flac[pos + 2] << 8) | flac[pos + 3];
            pos += 4 + len;
            if (last) return pos;
        }
    }

    private static void AssertFails(string path, params string[] causes)
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => FlacDecoder.Decode(path));
        StringAssert.Contains(e.Message, Path.GetFileName(path));
        foreach (var c in causes) StringAssert.Contains(e.Message, c);
    }

    [TestMethod]
    public void NotFlac()
    {
        var (dir, _) = Source();
        AssertFails(Write(dir, "text.flac", "this is not audio at all"u8.ToArray()), "fLaC");
    }

    [TestMethod]
    public void HeaderCrc8Mismatch()
    {
        var (dir, good) = Source();
        var bad = (byte[])good.Clone();
        bad[FirstFrameOffset(good) + 4] ^= 0x01; // frame number 0 -> 1: only the CRC-8 can tell
        AssertFails(Write(dir, "crc8.flac", bad), "CRC-8", "frame 0");
    }

    [TestMethod]
    public void FrameCrc16Mismatch()
    {
        var (dir, good) = Source();
        var bad = (byte[])good.Clone();
        bad[^1] ^= 0x5A; // low byte of the last frame's CRC-16
        AssertFails(Write(dir, "crc16.flac", bad), "CRC-16");
    }

    [TestMethod]
    public void Md5MismatchThrowsOrReports()
    {
        var (dir, good) = Source();
        var bad = (byte[])good.Clone();
        bad[8 + 18] ^= 0xFF; // first MD5 byte of STREAMINFO (no CRC protects metadata)
        string path = Write(dir, "md5.flac", bad);
        AssertFails(path, "MD5 mismatch");
        var reported = FlacDecoder.Decode(path, new FlacDecoderOptions { ThrowOnMd5Mismatch = false });
        Assert.AreEqual(false, reported.Info.Md5Verified);
        var reference = FlacDecoderTests.ReferenceDecode(FlacDecoderTests.EncodeWithFlac("s16", "-5"), 2, 16);
        Assert.AreEqual(-1, FlacDecoderTests.FirstMismatch(reference[1], reported.Samples[1]), "audio is still decoded");
    }

    [TestMethod]
    public void NoMd5SignatureGivesNull()
    {
        var (dir, good) = Source();
        var unsigned = (byte[])good.Clone();
        Array.Clear(unsigned, 8 + 18, 16);
        var d = FlacDecoder.Decode(Write(dir, "nomd5.flac", unsigned));
        Assert.IsNull(d.Info.Md5Verified);
        Assert.IsNull(FlacDecoder.ReadInfo(FlacDecoderTests.EncodeWithFlac("s16", "-5")).Md5Verified, "header-only read does not verify");
    }

    [TestMethod]
    public void TruncatedStream()
    {
        var (dir, good) = Source();
        AssertFails(Write(dir, "cut.flac", good.AsSpan(0, good.Length * 2 / 3).ToArray()), "cut.flac");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => FlacDecoder.Decode(Path.Combine(dir, "cut.flac")));
        Assert.IsTrue(e.Message.Contains("truncated") || e.Message.Contains("end of data"), e.Message);
    }

    [TestMethod]
    public void TruncatedMetadata()
    {
        var (dir, good) = Source();
        AssertFails(Write(dir, "meta.flac", good.AsSpan(0, 20).ToArray()), "truncated", "STREAMINFO");
    }

    [TestMethod]
    public void FirstBlockNotStreamInfo()
    {
        var (dir, _) = Source();
        var data = "fLaC"u8.ToArray().Concat(new byte[] { 0x81, 0, 0, 4, 0, 0, 0, 0 }).ToArray(); // a lone PADDING block
        AssertFails(Write(dir, "nosi.flac", data), "not STREAMINFO");
    }

    [TestMethod]
    public void GarbageBetweenFrames()
    {
        var (dir, good) = Source();
        int first = FirstFrameOffset(good);
        var bad = good.Take(first).Concat(new byte[] { 0x12, 0x34 }).Concat(good.Skip(first)).ToArray();
        AssertFails(Write(dir, "garbage.flac", bad), "frame sync", $"byte {first}");
    }

    [TestMethod]
    public void MissingFile() =>
        Assert.ThrowsExactly<FileNotFoundException>(() => FlacDecoder.Decode(Path.Combine(Path.GetTempPath(), "no-such-qieemo.flac")));
}
