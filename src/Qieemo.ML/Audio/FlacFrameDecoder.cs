namespace Qieemo.ML.Audio;

/// <summary>
/// Decodes one FLAC frame at a time (header with CRC-8, subframes, channel decorrelation, CRC-16)
/// into caller-owned integer channel arrays. Errors are <see cref="InvalidDataException"/>s without
/// the file name; <see cref="FlacDecoder"/> adds it.
/// </summary>
internal sealed class FlacFrameDecoder
{
    private static readonly int[] SampleRateCodes = { 0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000 };
    private static readonly int[] SampleSizeCodes = { 0, 8, 12, -1, 16, 20, 24, 32 };

    private readonly byte[] _data;
    private readonly FlacStreamInfo _info;
    private readonly FlacBitReader _reader;
    private readonly FlacStreamStatistics _stats;
    private long[][] _work;          // per-channel subframe output, long so 33-bit side channels fit
    private readonly long[] _coefs = new long[32];

    public FlacFrameDecoder(byte[] data, int end, FlacStreamInfo info, FlacStreamStatistics stats)
    {
        _data = data;
        _info = info;
        _stats = stats;
        _reader = new FlacBitReader(data, 0, end);
        int cap = Math.Max(16, info.MaxBlockSize);
        _work = Enumerable.Range(0, info.Channels).Select(_ => new long[cap]).ToArray();
    }

    /// <summary>Header fields of the frame last decoded.</summary>
    public int BlockSize { get; private set; }
    public bool VariableBlockSize { get; private set; }
    /// <summary>Frame number (fixed block size) or first sample number (variable block size).</summary>
    public long CodedNumber { get; private set; }

    /// <summary>The frame's samples per channel after decorrelation, valid until the next call: Work[c][0..BlockSize).</summary>
    public long[][] Work => _work;

    /// <summary>Decodes the frame starting at byte <paramref name="start"/> and returns the offset after it.</summary>
    public int DecodeFrame(int start)
    {
        var r = _reader;
        r.Seek(start);
        uint sync = r.ReadBits(15);
        if ((sync >> 1) != 0x3FFE) throw new InvalidDataException("frame sync code not found");
        if ((sync & 1) != 0) throw new InvalidDataException("reserved bit after the sync code is set");
        VariableBlockSize = r.ReadBits(1) == 1;
        int bsCode = (int)r.ReadBits(4);
        int srCode = (int)r.ReadBits(4);
        int chCode = (int)r.ReadBits(4);
        int ssCode = (int)r.ReadBits(3);
        if (r.ReadBits(1) != 0) throw new InvalidDataException("reserved frame header bit is set");
        CodedNumber = ReadCodedNumber(r, VariableBlockSize);

        int blockSize = bsCode switch
        {
            0 => throw new InvalidDataException("reserved block size code 0"),
            1 => 192,
            >= 2 and <= 5 => 576 << (bsCode - 2),
            6 => (int)r.ReadBits(8) + 1,
            7 => (int)r.ReadBits(16) + 1,
            _ => 256 << (bsCode - 8),
        };
        int sampleRate = srCode switch
        {
            0 => _info.SampleRate,
            <= 11 => SampleRateCodes[srCode],
            12 => (int)r.ReadBits(8) * 1000,
            13 => (int)r.ReadBits(16),
            14 => (int)r.ReadBits(16) * 10,
            _ => throw new InvalidDataException("invalid sample rate code 15"),
        };
        if (srCode != 0) _stats.FramesWithHeaderSampleRate++;
        int bps = ssCode == 0 ? _info.BitsPerSample : SampleSizeCodes[ssCode];
        if (bps < 0) throw new InvalidDataException("reserved sample size code 3");
        if (chCode > 10) throw new InvalidDataException($"reserved channel assignment {chCode}");
        int channels = chCode < 8 ? chCode + 1 : 2;

        int headerEnd = r.BytePosition;
        uint crc8 = r.ReadBits(8);
        byte computed8 = FlacCrc.Crc8(_data.AsSpan(start, headerEnd - start));
        if (crc8 != computed8) throw new InvalidDataException($"frame header CRC-8 mismatch (stored 0x{crc8:X2}, computed 0x{computed8:X2})");

        if (channels != _info.Channels) throw new InvalidDataException($"frame has {channels} channels, STREAMINFO says {_info.Channels}");
        if (bps != _info.BitsPerSample) throw new InvalidDataException($"frame has {bps} bits per sample, STREAMINFO says {_info.BitsPerSample}");
        if (sampleRate != _info.SampleRate) throw new InvalidDataException($"frame has sample rate {sampleRate}, STREAMINFO says {_info.SampleRate}");

        BlockSize = blockSize;
        if (_work[0].Length < blockSize)
            _work = Enumerable.Range(0, channels).Select(_ => new long[blockSize]).ToArray();

        for (int c = 0; c < channels; c++)
        {
            // The side channel needs one more bit than the samples.
            bool side = (chCode == 8 && c == 1) || (chCode == 9 && c == 0) || (chCode == 10 && c == 1);
            DecodeSubframe(_work[c].AsSpan(0, blockSize), bps + (side ? 1 : 0));
        }
        if (r.AlignToByte() != 0) throw new InvalidDataException("non-zero padding bits at the end of the frame");
        int crcPos = r.BytePosition;
        uint crc16 = r.ReadBits(16);
        ushort computed16 = FlacCrc.Crc16(_data.AsSpan(start, crcPos - start));
        if (crc16 != computed16) throw new InvalidDataException($"frame CRC-16 mismatch (stored 0x{crc16:X4}, computed 0x{computed16:X4})");

        Decorrelate(chCode, blockSize);
        _stats.Frames++;
        if (VariableBlockSize) _stats.VariableBlockSizeFrames++;
        _stats.BlockSizes.Add(blockSize);
        _stats.ChannelAssignments[chCode < 8 ? 0 : chCode - 7]++;
        return crcPos + 2;
    }

    /// <summary>The UTF-8-like coded frame or sample number of the frame header.</summary>
    private static long ReadCodedNumber(FlacBitReader r, bool variable)
    {
        uint b0 = r.ReadBits(8);
        int extra;
        long v;
        if (b0 < 0x80) { v = b0; extra = 0; }
        else if ((b0 & 0xE0) == 0xC0) { v = b0 & 0x1F; extra = 1; }
        else if ((b0 & 0xF0) == 0xE0) { v = b0 & 0x0F; extra = 2; }
        else if ((b0 & 0xF8) == 0xF0) { v = b0 & 0x07; extra = 3; }
        else if ((b0 & 0xFC) == 0xF8) { v = b0 & 0x03; extra = 4; }
        else if ((b0 & 0xFE) == 0xFC) { v = b0 & 0x01; extra = 5; }
        else if (b0 == 0xFE) { v = 0; extra = 6; }
        else throw new InvalidDataException($"invalid coded frame/sample number (first byte 0x{b0:X2})");
        if (extra == 6 && !variable) throw new InvalidDataException("frame number longer than 31 bits");
        for (int i = 0; i < extra; i++)
        {
            uint b = r.ReadBits(8);
            if ((b & 0xC0) != 0x80) throw new InvalidDataException("invalid continuation byte in coded frame/sample number");
            v = (v << 6) | (b & 0x3F);
        }
        return v;
    }

    private void DecodeSubframe(Span<long> s, int bps)
    {
        var r = _reader;
        if (r.ReadBits(1) != 0) throw new InvalidDataException("subframe padding bit is set");
        int type = (int)r.ReadBits(6);
        int wasted = 0;
        if (r.ReadBits(1) == 1)
        {
            wasted = (int)r.ReadUnary() + 1;
            if (wasted >= bps) throw new InvalidDataException($"{wasted} wasted bits in a {bps}-bit subframe");
            bps -= wasted;
            _stats.WastedBitsSubframes++;
        }

        if (type == 0)
        {
            s.Fill(r.ReadSigned(bps));
            _stats.ConstantSubframes++;
        }
        else if (type == 1)
        {
            for (int i = 0; i < s.Length; i++) s[i] = r.ReadSigned(bps);
            _stats.VerbatimSubframes++;
        }
        else if (type >= 8 && type <= 12)
        {
            DecodeFixed(s, bps, type - 8);
            _stats.FixedSubframes[type - 8]++;
        }
        else if (type >= 32)
        {
            DecodeLpc(s, bps, type - 31);
            _stats.LpcSubframes[type - 31]++;
        }
        else throw new InvalidDataException($"reserved subframe type {type}");

        if (wasted > 0)
            for (int i = 0; i < s.Length; i++) s[i] <<= wasted;
    }

    private void DecodeFixed(Span<long> s, int bps, int order)
    {
        if (order > s.Length) throw new InvalidDataException($"fixed predictor order {order} exceeds block size {s.Length}");
        for (int i = 0; i < order; i++) s[i] = _reader.ReadSigned(bps);
        ReadResidual(s, order);
        switch (order)
        {
            case 1:
                for (int i = 1; i < s.Length; i++) s[i] += s[i - 1];
                break;
            case 2:
                for (int i = 2; i < s.Length; i++) s[i] += 2 * s[i - 1] - s[i - 2];
                break;
            case 3:
                for (int i = 3; i < s.Length; i++) s[i] += 3 * (s[i - 1] - s[i - 2]) + s[i - 3];
                break;
            case 4:
                for (int i = 4; i < s.Length; i++) s[i] += 4 * (s[i - 1] + s[i - 3]) - 6 * s[i - 2] - s[i - 4];
                break;
        }
    }

    private void DecodeLpc(Span<long> s, int bps, int order)
    {
        var r = _reader;
        if (order > s.Length) throw new InvalidDataException($"LPC order {order} exceeds block size {s.Length}");
        for (int i = 0; i < order; i++) s[i] = r.ReadSigned(bps);
        int precision = (int)r.ReadBits(4) + 1;
        if (precision == 16) throw new InvalidDataException("invalid LPC coefficient precision code 15");
        int shift = (int)r.ReadSigned(5);
        if (shift < 0) throw new InvalidDataException($"negative LPC shift {shift}");
        var coefs = _coefs.AsSpan(0, order);
        for (int j = 0; j < order; j++) coefs[j] = r.ReadSigned(precision);
        ReadResidual(s, order);

        // s[i] = residual[i] + (sum_j coefs[j] * s[i-1-j]) >> shift, in 64-bit like libFLAC's wide path.
        if (order == 1)
        {
            long c0 = coefs[0];
            for (int i = 1; i < s.Length; i++) s[i] += (c0 * s[i - 1]) >> shift;
            return;
        }
        for (int i = order; i < s.Length; i++)
        {
            long sum = 0;
            var hist = s.Slice(i - order, order);
            // hist[order-1-j] is s[i-1-j].
            for (int j = 0; j < order; j++) sum += coefs[j] * hist[order - 1 - j];
            s[i] += sum >> shift;
        }
    }

    private void ReadResidual(Span<long> s, int order)
    {
        var r = _reader;
        int method = (int)r.ReadBits(2);
        if (method > 1) throw new InvalidDataException($"reserved residual coding method {method}");
        int paramBits = method == 0 ? 4 : 5;
        int escape = (1 << paramBits) - 1;
        int partitionOrder = (int)r.ReadBits(4);
        int partitions = 1 << partitionOrder;
        int n = s.Length;
        if ((n >> partitionOrder) << partitionOrder != n)
            throw new InvalidDataException($"block size {n} is not divisible into 2^{partitionOrder} residual partitions");
        int perPartition = n >> partitionOrder;
        if (perPartition < order)
            throw new InvalidDataException($"first residual partition ({perPartition} samples) is shorter than predictor order {order}");
        int pos = order;
        for (int p = 0; p < partitions; p++)
        {
            int count = p == 0 ? perPartition - order : perPartition;
            var dst = s.Slice(pos, count);
            int k = (int)r.ReadBits(paramBits);
            if (k == escape)
            {
                int raw = (int)r.ReadBits(5);
                if (raw == 0) dst.Clear();
                else for (int i = 0; i < count; i++) dst[i] = r.ReadSigned(raw);
                _stats.EscapedPartitions++;
            }
            else
            {
                r.ReadRiceBlock(dst, k);
                if (method == 0) _stats.Rice4BitPartitions++;
                else _stats.Rice5BitPartitions++;
            }
            pos += count;
        }
    }

    private void Decorrelate(int chCode, int n)
    {
        var w = _work;
        switch (chCode)
        {
            case 8: // left, side: right = left - side
                for (int i = 0; i < n; i++) w[1][i] = w[0][i] - w[1][i];
                break;
            case 9: // side, right: left = side + right
                for (int i = 0; i < n; i++) w[0][i] += w[1][i];
                break;
            case 10: // mid, side
                for (int i = 0; i < n; i++)
                {
                    long side = w[1][i];
                    long mid = (w[0][i] << 1) | (side & 1);
                    w[0][i] = (mid + side) >> 1;
                    w[1][i] = (mid - side) >> 1;
                }
                break;
        }
    }
}
