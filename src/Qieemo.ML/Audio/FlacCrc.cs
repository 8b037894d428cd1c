namespace Qieemo.ML.Audio;

/// <summary>The two checksums of FLAC frames: CRC-8 (poly 0x07) over the header, CRC-16 (poly 0x8005) over the frame.</summary>
internal static class FlacCrc
{
    private static readonly byte[] Crc8Table = BuildCrc8();
    private static readonly ushort[] Crc16Table = BuildCrc16();

    private static byte[] BuildCrc8()
    {
        var t = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            int c = i;
            for (int b = 0; b < 8; b++) c = (c & 0x80) != 0 ? ((c << 1) ^ 0x07) : (c << 1);
            t[i] = (byte)c;
        }
        return t;
    }

    private static ushort[] BuildCrc16()
    {
        var t = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            int c = i << 8;
            for (int b = 0; b < 8; b++) c = (c & 0x8000) != 0 ? ((c << 1) ^ 0x8005) : (c << 1);
            t[i] = (ushort)c;
        }
        return t;
    }

    public static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0;
        foreach (byte b in data) crc = Crc8Table[crc ^ b];
        return crc;
    }

    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        var table = Crc16Table;
        foreach (byte b in data) crc = ((crc << 8) ^ table[(crc >> 8) ^ b]) & 0xFFFF;
        return (ushort)crc;
    }
}
