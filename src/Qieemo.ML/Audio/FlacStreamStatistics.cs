namespace Qieemo.ML.Audio;

/// <summary>
/// Which FLAC coding tools a decoded stream used (frames, subframe types, channel assignments, residual
/// codings). Lets tests prove that a corpus exercises every branch of the decoder.
/// </summary>
public sealed class FlacStreamStatistics
{
    /// <summary>Frames decoded.</summary>
    public int Frames { get; internal set; }
    /// <summary>Frames whose header announces a variable block size (sample-numbered frames).</summary>
    public int VariableBlockSizeFrames { get; internal set; }
    /// <summary>Distinct block sizes seen.</summary>
    public SortedSet<int> BlockSizes { get; } = new();
    /// <summary>Frames per channel assignment: independent, left/side, right/side, mid/side.</summary>
    public int[] ChannelAssignments { get; } = new int[4];
    /// <summary>CONSTANT subframes.</summary>
    public int ConstantSubframes { get; internal set; }
    /// <summary>VERBATIM subframes.</summary>
    public int VerbatimSubframes { get; internal set; }
    /// <summary>FIXED subframes per predictor order 0..4.</summary>
    public int[] FixedSubframes { get; } = new int[5];
    /// <summary>LPC subframes per predictor order (index 1..32).</summary>
    public int[] LpcSubframes { get; } = new int[33];
    /// <summary>Subframes with wasted bits.</summary>
    public int WastedBitsSubframes { get; internal set; }
    /// <summary>Residual partitions coded with a 4-bit Rice parameter.</summary>
    public int Rice4BitPartitions { get; internal set; }
    /// <summary>Residual partitions coded with a 5-bit Rice parameter (RICE2).</summary>
    public int Rice5BitPartitions { get; internal set; }
    /// <summary>Residual partitions stored as raw (escaped) samples.</summary>
    public int EscapedPartitions { get; internal set; }
    /// <summary>Frames whose header gives the sample rate itself (codes 1-14) rather than referring to STREAMINFO.</summary>
    public int FramesWithHeaderSampleRate { get; internal set; }

    /// <summary>A one-line summary for logs and test messages.</summary>
    public override string ToString() =>
        $"frames={Frames} variable={VariableBlockSizeFrames} blocksizes=[{string.Join(",", BlockSizes)}] " +
        $"chan(ind/ls/rs/ms)={string.Join("/", ChannelAssignments)} const={ConstantSubframes} verb={VerbatimSubframes} " +
        $"fixed=[{string.Join(",", FixedSubframes)}] lpcOrders=[{string.Join(",", LpcSubframes.Select((n, i) => (n, i)).Where(p => p.n > 0).Select(p => $"{p.i}:{p.n}"))}] " +
        $"wasted={WastedBitsSubframes} rice4={Rice4BitPartitions} rice5={Rice5BitPartitions} escaped={EscapedPartitions}";
}
