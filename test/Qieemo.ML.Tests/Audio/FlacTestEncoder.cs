using System.Security.Cryptography;

namespace Qieemo.ML.Tests.Audio;

/// <summary>
/// A deliberately simple FLAC encoder for tests, written from the format specification to produce the
/// coding tools the flac tool never emits: variable block sizes (sample-numbered frames), escaped residual
/// partitions (including 0-bit escapes), 5-bit Rice parameters for small signals, every block-size and
/// sample-rate header code, and extra metadata blocks. Its output is validated by `flac -d` (the independent
/// reference), never only by our decoder.
/// </summary>
internal static class FlacTestEncoder
{
    public static byte[] Encode(int[][] ch, int rate, int bps, int[] blockSizes, bool variable)
    {
        int nch = ch.Length, n = ch[0].Length;
        var w = new BitWriter();
        w.Bytes("fLaC"u8);
        // STREAMINFO (34 bytes).
        w.Write(0, 1); w.Write(0, 7); w.Write(34, 24);
        int minBs = blockSizes.Min(), maxBs = blockSizes.Max();
        w.Write((ulong)minBs, 16); w.Write((ulong)maxBs, 16);
        w.Write(0, 24); w.Write(0, 24);
        w.Write((ulong)rate, 20); w.Write((ulong)(nch - 1), 3); w.Write((ulong)(bps - 1), 5); w.Write((ulong)n, 36);
        w.Bytes(Md5(ch, bps));
        // An APPLICATION block and a final PADDING block that the decoder must skip.
        w.Write(0, 1); w.Write(2, 7); w.Write(8, 24); w.Bytes("qiee"u8); w.Bytes(new byte[] { 1, 2, 3, 4 });
        w.Write(1, 1); w.Write(1, 7); w.Write(13, 24); w.Bytes(new byte[13]);

        int pos = 0, fi = 0;
        while (pos < n)
        {
            int bs = Math.Min(blockSizes[fi % blockSizes.Length], n - pos);
            WriteFrame(w, ch, pos, bs, fi, rate, bps, variable);
            pos += bs;
            fi++;
        }
        return w.ToArray();
    }

    private static void WriteFrame(BitWriter w, int[][] ch, int pos, int bs, int fi, int rate, int bps, bool variable)
    {
        int start = w.ByteLength;
        w.Write(0x3FFE, 14); w.Write(0, 1); w.Write(variable ? 1UL : 0, 1);
        int bsCode = bs == 192 ? 1
            : new[] { 576, 1152, 2304, 4608 }.Contains(bs) ? 2 + (int)Math.Log2(bs / 576)
            : new[] { 256, 512, 1024, 2048, 4096, 8192, 16384, 32768 }.Contains(bs) ? 8 + (int)Math.Log2(bs / 256)
            : bs <= 256 ? 6 : 7;
        int[] table = { 0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000 };
        int srCode;
        if (fi % 2 == 1) srCode = 0; // odd frames: "see STREAMINFO"
        else if (Array.IndexOf(table, rate) > 0) srCode = Array.IndexOf(table, rate);
        else if (rate % 1000 == 0 && rate / 1000 < 256) srCode = 12;
        else if (rate % 10 == 0 && (rate > 65535 || fi % 4 == 2)) srCode = 14; // alternate 13/14 where both work
        else srCode = 13;
        int nch = ch.Length;
        int chCode = nch == 2 ? new[] { 1, 8, 9, 10 }[fi % 4] : nch - 1;
        int ssCode = fi % 2 == 1 ? 0 : bps switch { 8 => 1, 12 => 2, 16 => 4, 20 => 5, 24 => 6, 32 => 7, _ => 0 };
        w.Write((ulong)bsCode, 4); w.Write((ulong)srCode, 4); w.Write((ulong)chCode, 4); w.Write((ulong)ssCode, 3); w.Write(0, 1);
        WriteCodedNumber(w, variable ? (ulong)pos : (ulong)fi);
        if (bsCode == 6) w.Write((ulong)(bs - 1), 8);
        if (bsCode == 7) w.Write((ulong)(bs - 1), 16);
        if (srCode == 12) w.Write((ulong)(rate / 1000), 8);
        if (srCode == 13) w.Write((ulong)rate, 16);
        if (srCode == 14) w.Write((ulong)(rate / 10), 16);
        w.Write(Crc8(w.Slice(start)), 8);

        var sub = new long[nch][];
        for (int c = 0; c < nch; c++) sub[c] = ch[c].Skip(pos).Take(bs).Select(v => (long)v).ToArray();
        if (chCode >= 8)
        {
            long[] l = sub[0], r = sub[1], s = l.Zip(r, (a, b) => a - b).ToArray();
            sub = chCode switch
            {
                8 => new[] { l, s },
                9 => new[] { s, r },
                _ => new[] { l.Zip(r, (a, b) => (a + b) >> 1).ToArray(), s },
            };
        }
        for (int c = 0; c < nch; c++)
        {
            bool side = (chCode == 8 && c == 1) || (chCode == 9 && c == 0) || (chCode == 10 && c == 1);
            WriteSubframe(w, sub[c], bps + (side ? 1 : 0), fi + c, fi % 2 == 1 || bps > 24); // 4-bit Rice on 32-bit audio would need huge unary codes
        }
        w.Align();
        w.Write(Crc16(w.Slice(start)), 16);
    }

    private static void WriteSubframe(BitWriter w, long[] s, int bps, int choice, bool rice2)
    {
        w.Write(0, 1);
        if (s.All(v => v == s[0]))
        {
            w.Write(0, 6); w.Write(0, 1); w.WriteSigned(s[0], bps);
            return;
        }
        int wasted = 0;
        while (s.All(v => ((v >> wasted) & 1) == 0)) wasted++;
        int order = choice % 6 - 1; // -1: verbatim, 0..4: fixed
        if (order >= s.Length) order = -1;
        long typeBitPosition = w.BitLength;
        w.Write(order < 0 ? 1UL : (ulong)(8 + order), 6);
        if (wasted > 0) { w.Write(1, 1); w.WriteUnary((ulong)(wasted - 1)); }
        else w.Write(0, 1);
        var x = s.Select(v => v >> wasted).ToArray();
        bps -= wasted;
        if (order < 0)
        {
            foreach (var v in x) w.WriteSigned(v, bps);
            return;
        }
        for (int i = 0; i < order; i++) w.WriteSigned(x[i], bps);
        var res = new long[x.Length];
        for (int i = order; i < x.Length; i++)
            res[i] = x[i] - order switch
            {
                0 => 0,
                1 => x[i - 1],
                2 => 2 * x[i - 1] - x[i - 2],
                3 => 3 * x[i - 1] - 3 * x[i - 2] + x[i - 3],
                _ => 4 * x[i - 1] - 6 * x[i - 2] + 4 * x[i - 3] - x[i - 4],
            };
        // RFC 9639: residuals must fit in 32 bits; where they do not (33-bit side channels), store VERBATIM instead.
        if (res.Any(v => v > int.MaxValue || v <= int.MinValue))
        {
            w.Patch(typeBitPosition, 1, 6);
            foreach (var v in x.Skip(order)) w.WriteSigned(v, bps);
            return;
        }
        int po = 3;
        while (po > 0 && (x.Length % (1 << po) != 0 || (x.Length >> po) < order)) po--;
        int paramBits = rice2 ? 5 : 4;
        w.Write(rice2 ? 1UL : 0, 2); w.Write((ulong)po, 4);
        int per = x.Length >> po;
        for (int p = 0, i = order; p < (1 << po); p++)
        {
            int count = p == 0 ? per - order : per;
            var part = res.Skip(i).Take(count).ToArray();
            int rawBits = 0;
            while (part.Any(v => rawBits == 0 ? v != 0 : v < -(1L << (rawBits - 1)) || v >= (1L << (rawBits - 1)))) rawBits++;
            bool escape = (p + choice) % 3 == 2 && rawBits <= 31 || rawBits == 0 && p % 2 == 0;
            if (escape)
            {
                w.Write((ulong)((1 << paramBits) - 1), paramBits);
                w.Write((ulong)rawBits, 5);
                if (rawBits > 0) foreach (var v in part) w.WriteSigned(v, rawBits);
            }
            else
            {
                double mean = part.Length == 0 ? 0 : part.Average(v => (double)Math.Abs(v));
                int k = mean < 1 ? 0 : (int)Math.Floor(Math.Log2(mean));
                k = Math.Clamp(k, 0, (1 << paramBits) - 2);
                w.Write((ulong)k, paramBits);
                foreach (var v in part)
                {
                    ulong u = v >= 0 ? (ulong)v << 1 : ((ulong)(-v) << 1) - 1;
                    w.WriteUnary(u >> k);
                    w.Write(u & ((1UL << k) - 1), k);
                }
            }
            i += count;
        }
    }

    private static void WriteCodedNumber(BitWriter w, ulong v)
    {
        if (v < 0x80) { w.Write(v, 8); return; }
        int extra = v < 0x800 ? 1 : v < 0x10000 ? 2 : v < 0x200000 ? 3 : v < 0x4000000 ? 4 : v < 0x80000000 ? 5 : 6;
        ulong lead = extra == 6 ? 0xFE : (0xFF00UL >> (extra + 1)) & 0xFF;
        w.Write(lead | (v >> (6 * extra)), 8);
        for (int i = extra - 1; i >= 0; i--) w.Write(0x80 | ((v >> (6 * i)) & 0x3F), 8);
    }

    public static byte[] Md5(int[][] ch, int bps)
    {
        int bytes = (bps + 7) / 8;
        var buf = new List<byte>();
        for (int i = 0; i < ch[0].Length; i++)
            foreach (var c in ch)
                for (int b = 0; b < bytes; b++) buf.Add((byte)(c[i] >> (8 * b)));
        return MD5.HashData(buf.ToArray());
    }

    private static ulong Crc8(byte[] data)
    {
        int crc = 0;
        foreach (var b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
        }
        return (ulong)crc;
    }

    private static ulong Crc16(byte[] data)
    {
        int crc = 0;
        foreach (var b in data)
        {
            crc ^= b << 8;
            for (int i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
        }
        return (ulong)crc;
    }

    /// <summary>MSB-first bit writer.</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = new();
        private int _acc, _n;

        public int ByteLength => _bytes.Count;
        public long BitLength => _bytes.Count * 8L + _n;

        /// <summary>Overwrites <paramref name="bits"/> bits at an earlier bit position.</summary>
        public void Patch(long bitPos, ulong v, int bits)
        {
            for (int i = 0; i < bits; i++, bitPos++)
            {
                int bit = (int)((v >> (bits - 1 - i)) & 1);
                int byteIdx = (int)(bitPos / 8), shift = 7 - (int)(bitPos % 8);
                if (byteIdx < _bytes.Count) _bytes[byteIdx] = (byte)((_bytes[byteIdx] & ~(1 << shift)) | (bit << shift));
                else
                {
                    int accShift = _n - 1 - (int)(bitPos - _bytes.Count * 8L);
                    _acc = (_acc & ~(1 << accShift)) | (bit << accShift);
                }
            }
        }

        public void Write(ulong v, int bits)
        {
            for (int i = bits - 1; i >= 0; i--)
            {
                _acc = (_acc << 1) | (int)((v >> i) & 1);
                if (++_n == 8) { _bytes.Add((byte)_acc); _acc = 0; _n = 0; }
            }
        }

        public void WriteSigned(long v, int bits) => Write((ulong)v & (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1), bits);

        public void WriteUnary(ulong zeros)
        {
            for (ulong i = 0; i < zeros; i++) Write(0, 1);
            Write(1, 1);
        }

        public void Bytes(ReadOnlySpan<byte> b)
        {
            foreach (var x in b) Write(x, 8);
        }

        public void Align()
        {
            while (_n != 0) Write(0, 1);
        }

        /// <summary>The whole bytes written since <paramref name="start"/>.</summary>
        public byte[] Slice(int start) => _bytes.Skip(start).ToArray();

        public byte[] ToArray()
        {
            Align();
            return _bytes.ToArray();
        }
    }
}
