using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Asr;

/// <summary>Decoder inputs and outputs for teacher forcing (WeNet's add_sos_eos).</summary>
/// <param name="Input">[B, S+1] int64: &lt;sos&gt; + tokens, padded with &lt;eos&gt;.</param>
/// <param name="Output">[B, S+1] int64: tokens + &lt;eos&gt;, padded with the ignore id.</param>
/// <param name="Lengths">[B] int64: target lengths + 1.</param>
public sealed record TeacherForcingBatch(Tensor Input, Tensor Output, Tensor Lengths) : IDisposable
{
    /// <summary>Disposes the three tensors.</summary>
    public void Dispose() { Input.Dispose(); Output.Dispose(); Lengths.Dispose(); }
}

/// <summary>Helpers that turn padded token targets into decoder inputs and outputs.</summary>
public static class AttentionTargets
{
    /// <summary>
    /// WeNet's add_sos_eos: from targets [B, S] (token ids in the first targetLengths[b] positions),
    /// builds the decoder input &lt;sos&gt; y (padded with &lt;eos&gt;) and output y &lt;eos&gt;
    /// (padded with <paramref name="ignoreId"/>). Tensors are created on the targets' device.
    /// </summary>
    public static TeacherForcingBatch AddSosEos(Tensor targets, Tensor targetLengths, int sos, int eos, int ignoreId = -1)
    {
        if (targets.dim() != 2) throw new ArgumentException($"targets must be [B, S], got [{string.Join(",", targets.shape)}]", nameof(targets));
        AsrMasks.CheckLengths(targetLengths, targets.shape[0], targets.shape[1], nameof(targetLengths));
        long b = targets.shape[0], s = targets.shape[1];
        long[] flat = targets.cpu().to(ScalarType.Int64).data<long>().ToArray();
        long[] lens = targetLengths.cpu().to(ScalarType.Int64).data<long>().ToArray();
        var rows = new int[b][];
        for (int i = 0; i < b; i++)
        {
            rows[i] = new int[lens[i]];
            for (int j = 0; j < lens[i]; j++) rows[i][j] = checked((int)flat[i * s + j]);
        }
        return AddSosEos(rows, sos, eos, ignoreId, targets.device);
    }

    /// <summary>add_sos_eos on token lists; the padded width is the longest list + 1.</summary>
    public static TeacherForcingBatch AddSosEos(IReadOnlyList<int[]> tokens, int sos, int eos, int ignoreId = -1, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int b = tokens.Count;
        int width = (b == 0 ? 0 : tokens.Max(t => t.Length)) + 1;
        var input = new long[b * width];
        var output = new long[b * width];
        var lengths = new long[b];
        for (int i = 0; i < b; i++)
        {
            int[] y = tokens[i];
            Array.Fill(input, eos, i * width, width);
            Array.Fill(output, ignoreId, i * width, width);
            input[i * width] = sos;
            for (int j = 0; j < y.Length; j++)
            {
                input[i * width + j + 1] = y[j];
                output[i * width + j] = y[j];
            }
            output[i * width + y.Length] = eos;
            lengths[i] = y.Length + 1;
        }
        return new TeacherForcingBatch(
            tensor(input, new long[] { b, width }, ScalarType.Int64, device),
            tensor(output, new long[] { b, width }, ScalarType.Int64, device),
            tensor(lengths, new long[] { b }, ScalarType.Int64, device));
    }
}
