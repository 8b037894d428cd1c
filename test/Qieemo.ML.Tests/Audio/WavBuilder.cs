using System.Buffers.Binary;
using System.Text;

namespace Qieemo.ML.Tests.Audio;

/// <summary>
/// Assembles RIFF/WAVE files chunk by chunk, independently of the library's WavWriter, so tests can make
/// WAVE_FORMAT_EXTENSIBLE headers, odd-sized chunks, unusual chunk orders and deliberately broken files.
/// </summary>
internal sealed class WavBuilder
{
    private readonly List<(string Id, byte[] Body, uint? Size)> _chunks = new();

    public string RiffId { get; set; } = "RIFF";
    public string WaveId { get; set; } = "WAVE";
    /// <summary>Overrides the RIFF size field (e.g. 0 or 0xFFFFFFFF for streamed files).</summary>
    public uint? RiffSize { get; set; }

    /// <summary>Adds a chunk; <paramref name="size"/> overrides the stored size field. Odd bodies get a pad byte.</summary>
    public WavBuilder Chunk(string id, byte[] body, uint? size = null)
    {
        _chunks.Add((id, body, size));
        return this;
    }

    public static byte[] Fmt(int tag, int channels, int rate, int bits, int? blockAlign = null, int extraBytes = -1)
    {
        int align = blockAlign ?? channels * ((bits + 7) / 8);
        var b = new byte[extraBytes < 0 ? 16 : 18 + extraBytes];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), rate);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), rate * align);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(14), (ushort)bits);
        if (extraBytes >= 0) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), (ushort)extraBytes);
        return b;
    }

    /// <summary>A 40-byte WAVE_FORMAT_EXTENSIBLE fmt body with KSDATAFORMAT_SUBTYPE_{PCM,IEEE_FLOAT}-style GUID.</summary>
    public static byte[] FmtExtensible(int subTag, int channels, int rate, int bits, int validBits, uint mask, bool badGuid = false)
    {
        var b = new byte[40];
        Fmt(0xFFFE, channels, rate, bits, null, 22).CopyTo(b, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), (ushort)validBits);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), mask);
        // {0000xxxx-0000-0010-8000-00aa00389b71}
        var guid = new Guid((uint)subTag, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, (byte)(badGuid ? 0x72 : 0x71));
        guid.TryWriteBytes(b.AsSpan(24));
        return b;
    }

    public static byte[] Text(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>A LIST/INFO chunk body with one ICMT comment (odd total size when the text length is even).</summary>
    public static byte[] ListInfo(string comment)
    {
        var text = Encoding.ASCII.GetBytes(comment + "\0");
        var b = new List<byte>();
        b.AddRange(Text("INFO"));
        b.AddRange(Text("ICMT"));
        b.AddRange(BitConverter.GetBytes(text.Length));
        b.AddRange(text);
        return b.ToArray();
    }

    public byte[] Build()
    {
        var body = new MemoryStream();
        body.Write(Text(WaveId));
        foreach (var (id, data, size) in _chunks)
        {
            body.Write(Text(id));
            body.Write(BitConverter.GetBytes(size ?? (uint)data.Length));
            body.Write(data);
            if ((data.Length & 1) != 0) body.WriteByte(0);
        }
        var all = new MemoryStream();
        all.Write(Text(RiffId));
        all.Write(BitConverter.GetBytes(RiffSize ?? (uint)body.Length));
        body.Position = 0;
        body.CopyTo(all);
        return all.ToArray();
    }

    public string Save(string dir, string name)
    {
        string p = Path.Combine(dir, name);
        File.WriteAllBytes(p, Build());
        return p;
    }
}
