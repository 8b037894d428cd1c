using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Qieemo.ML.Audio;

/// <summary>
/// MSB-first bit reader over a byte array, as FLAC frames need it. Bits are kept left-aligned in a
/// 64-bit cache that is refilled eight bytes at a time; no virtual calls on the hot path.
/// </summary>
/// <remarks>
/// The fast refill ORs a whole 8-byte word into the cache, so bits below the valid count may already
/// hold the next bytes of the stream. They are the stream's true bits at their true positions, so a later
/// refill ORs identical values over them; readers only ever look at the top <c>_bits</c> bits.
/// </remarks>
internal sealed class FlacBitReader
{
    private readonly byte[] _data;
    private readonly int _end;
    private int _pos;     // next byte to load into the cache
    private ulong _cache; // left-aligned: the next bit to read is bit 63
    private int _bits;    // valid bits in the cache

    public FlacBitReader(byte[] data, int start, int end)
    {
        _data = data;
        _end = end;
        _pos = start;
    }

    /// <summary>Byte offset of the next unread bit's byte (exact when byte-aligned).</summary>
    public int BytePosition => _pos - (_bits >> 3);

    public bool IsByteAligned => (_bits & 7) == 0;

    /// <summary>Continues reading at a byte offset, dropping the cache.</summary>
    public void Seek(int bytePosition)
    {
        _pos = bytePosition;
        _cache = 0;
        _bits = 0;
    }

    /// <summary>Skips to the next byte boundary and returns the skipped bits (FLAC requires them to be zero).</summary>
    public uint AlignToByte()
    {
        int r = _bits & 7;
        return r == 0 ? 0 : ReadBits(r);
    }

    private void Refill()
    {
        if (_pos + 8 <= _end)
        {
            if (_bits >= 57) return;
            ulong word = BinaryPrimitives.ReadUInt64BigEndian(_data.AsSpan(_pos, 8));
            int take = (64 - _bits) >> 3;
            _cache |= word >> _bits;
            _pos += take;
            _bits += take << 3;
            return;
        }
        while (_bits <= 56 && _pos < _end)
        {
            _cache |= (ulong)_data[_pos++] << (56 - _bits);
            _bits += 8;
        }
    }

    private static InvalidDataException EndOfData() => new("unexpected end of data inside a FLAC frame");

    /// <summary>Reads n (0..32) bits as an unsigned number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadBits(int n)
    {
        if (n == 0) return 0;
        if (_bits < n)
        {
            Refill();
            if (_bits < n) throw EndOfData();
        }
        uint v = (uint)(_cache >> (64 - n));
        _cache <<= n;
        _bits -= n;
        return v;
    }

    /// <summary>Reads an n-bit (0..33) two's complement number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadSigned(int n)
    {
        if (n == 0) return 0;
        if (n > 32)
        {
            ulong hi = ReadBits(n - 32);
            ulong u = (hi << 32) | ReadBits(32);
            return (long)(u << (64 - n)) >> (64 - n);
        }
        ulong v = ReadBits(n);
        return (long)(v << (64 - n)) >> (64 - n);
    }

    /// <summary>Counts zero bits up to the next one bit, consuming both.</summary>
    public uint ReadUnary()
    {
        uint count = 0;
        while (true)
        {
            if (_bits == 0)
            {
                Refill();
                if (_bits == 0) throw EndOfData();
            }
            int lz = BitOperations.LeadingZeroCount(_cache);
            if (lz < _bits)
            {
                // Two shifts: lz + 1 may be 64, which C# would reduce to a shift by 0.
                _cache = (_cache << lz) << 1;
                _bits -= lz + 1;
                return count + (uint)lz;
            }
            count += (uint)_bits;
            _cache = 0;
            _bits = 0;
        }
    }

    /// <summary>Reads Rice-coded signed residuals with parameter k (0..30) into dst: the hot loop of FLAC.</summary>
    public void ReadRiceBlock(Span<long> dst, int k)
    {
        ulong cache = _cache;
        int bits = _bits;
        for (int i = 0; i < dst.Length; i++)
        {
            ulong q = 0;
            while (true)
            {
                int lz = BitOperations.LeadingZeroCount(cache);
                if (lz < bits)
                {
                    cache = (cache << lz) << 1;
                    bits -= lz + 1;
                    q += (ulong)lz;
                    break;
                }
                q += (ulong)bits;
                _cache = 0;
                _bits = 0;
                Refill();
                if (_bits == 0) throw EndOfData();
                cache = _cache;
                bits = _bits;
            }
            if (bits < k)
            {
                _cache = cache;
                _bits = bits;
                Refill();
                if (_bits < k) throw EndOfData();
                cache = _cache;
                bits = _bits;
            }
            // (cache >> 1) >> (63 - k) is cache >> (64 - k) but also right for k = 0.
            ulong u = (q << k) | ((cache >> 1) >> (63 - k));
            cache <<= k;
            bits -= k;
            dst[i] = (long)(u >> 1) ^ -(long)(u & 1);
            if (bits < 40)
            {
                _cache = cache;
                _bits = bits;
                Refill();
                cache = _cache;
                bits = _bits;
            }
        }
        _cache = cache;
        _bits = bits;
    }
}
