using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Training;

/// <summary>
/// Turns a list of utterances (and their labels or token sequences) into one padded
/// <see cref="FeatureBatch"/> on a device. Padding is zeros and happens before CMVN, as in WeNet
/// (CMVN is the encoder's first layer; padded frames are masked by the lengths anyway).
/// </summary>
public sealed class BatchCollator
{
    /// <summary>Pad value of token targets: WeNet's <c>IGNORE_ID</c>.</summary>
    public const long TargetPad = -1;

    /// <summary>Creates a collator for <paramref name="featureDim"/>-dimensional frames, building tensors on <paramref name="device"/> (CPU when null).</summary>
    public BatchCollator(int featureDim, Device? device = null)
    {
        if (featureDim <= 0) throw new ArgumentOutOfRangeException(nameof(featureDim), featureDim, "feature dimension must be positive");
        FeatureDim = featureDim;
        Device = device ?? CPU;
    }

    /// <summary>Feature dimension of every frame.</summary>
    public int FeatureDim { get; }

    /// <summary>Device the batch tensors are created on.</summary>
    public Device Device { get; }

    /// <summary>
    /// Pads the utterances <paramref name="indices"/> of <paramref name="utterances"/>: features and lengths only.
    /// </summary>
    public FeatureBatch Collate(IReadOnlyList<FeatureUtterance> utterances, IReadOnlyList<int> indices) =>
        Build(utterances, indices, null, null);

    /// <summary>Pads the selected utterances and gathers their class labels into an int64 (B) vector.</summary>
    public FeatureBatch CollateWithLabels(IReadOnlyList<FeatureUtterance> utterances, IReadOnlyList<int> labels, IReadOnlyList<int> indices)
    {
        if (labels.Count != utterances.Count)
            throw new ArgumentException($"{labels.Count} labels for {utterances.Count} utterances", nameof(labels));
        return Build(utterances, indices, labels, null);
    }

    /// <summary>
    /// Pads the selected utterances and their token sequences: targets (B, Umax) padded with
    /// <see cref="TargetPad"/>, target lengths int64 (B). Umax is at least 1 so that an all-empty batch stays a 2-D tensor.
    /// </summary>
    public FeatureBatch CollateWithTokens(IReadOnlyList<FeatureUtterance> utterances, IReadOnlyList<int[]> tokens, IReadOnlyList<int> indices)
    {
        if (tokens.Count != utterances.Count)
            throw new ArgumentException($"{tokens.Count} token sequences for {utterances.Count} utterances", nameof(tokens));
        return Build(utterances, indices, null, tokens);
    }

    /// <summary>
    /// Pads the selected items of any utterance type: <paramref name="features"/> picks the features,
    /// and optionally <paramref name="label"/> a class label or <paramref name="tokens"/> a token
    /// sequence (not both). Selectors are called only for the items in <paramref name="indices"/>.
    /// </summary>
    public FeatureBatch Collate<T>(IReadOnlyList<T> items, IReadOnlyList<int> indices, Func<T, FeatureUtterance> features,
        Func<T, int>? label = null, Func<T, int[]>? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(features);
        if (label is not null && tokens is not null) throw new ArgumentException("give a label selector or a token selector, not both");
        return Build(new Projection<T, FeatureUtterance>(items, features), indices,
            label is null ? null : new Projection<T, int>(items, label),
            tokens is null ? null : new Projection<T, int[]>(items, tokens));
    }

    private FeatureBatch Build(IReadOnlyList<FeatureUtterance> utterances, IReadOnlyList<int> indices,
        IReadOnlyList<int>? labels, IReadOnlyList<int[]>? tokens)
    {
        if (indices.Count == 0) throw new ArgumentException("a batch needs at least one utterance", nameof(indices));
        int b = indices.Count, dim = FeatureDim;
        int tmax = 0;
        long valid = 0;
        var lengths = new long[b];
        for (int i = 0; i < b; i++)
        {
            int idx = indices[i];
            if ((uint)idx >= (uint)utterances.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), idx, $"index outside the {utterances.Count} utterances");
            var u = utterances[idx];
            if (u.Frames <= 0)
                throw new ArgumentException($"utterance {idx} has {u.Frames} frames; at least one is needed", nameof(utterances));
            if (u.Features is null || (long)u.Frames * dim != u.Features.Length)
                throw new ArgumentException($"utterance {idx}: {u.Features?.Length ?? 0} values are not {u.Frames} frames × {dim} dims", nameof(utterances));
            lengths[i] = u.Frames;
            valid += u.Frames;
            tmax = Math.Max(tmax, u.Frames);
        }

        // One host buffer, one copy to the device: cheaper than B small tensors + pad + stack.
        var feats = new float[(long)b * tmax * dim];
        for (int i = 0; i < b; i++)
        {
            var u = utterances[indices[i]];
            Array.Copy(u.Features, 0, feats, (long)i * tmax * dim, u.Features.Length);
        }

        Tensor? featT = null, lenT = null, labT = null, tgtT = null, tgtLenT = null;
        try
        {
            featT = ToDevice(tensor(feats, new long[] { b, tmax, dim }, ScalarType.Float32));
            lenT = ToDevice(tensor(lengths, new long[] { b }, ScalarType.Int64));
            if (labels is not null)
            {
                var lab = new long[b];
                for (int i = 0; i < b; i++) lab[i] = labels[indices[i]];
                labT = ToDevice(tensor(lab, new long[] { b }, ScalarType.Int64));
            }
            if (tokens is not null)
            {
                int umax = 1;
                for (int i = 0; i < b; i++)
                {
                    var t = tokens[indices[i]] ?? throw new ArgumentException($"utterance {indices[i]} has no token sequence (null)", nameof(tokens));
                    umax = Math.Max(umax, t.Length);
                }
                var tgt = new long[(long)b * umax];
                Array.Fill(tgt, TargetPad);
                var tlen = new long[b];
                for (int i = 0; i < b; i++)
                {
                    var t = tokens[indices[i]];
                    for (int j = 0; j < t.Length; j++) tgt[(long)i * umax + j] = t[j];
                    tlen[i] = t.Length;
                }
                tgtT = ToDevice(tensor(tgt, new long[] { b, umax }, ScalarType.Int64));
                tgtLenT = ToDevice(tensor(tlen, new long[] { b }, ScalarType.Int64));
            }
            return new FeatureBatch(indices.ToArray(), featT, lenT, labT, tgtT, tgtLenT, valid);
        }
        catch
        {
            featT?.Dispose(); lenT?.Dispose(); labT?.Dispose(); tgtT?.Dispose(); tgtLenT?.Dispose();
            throw;
        }
    }

    private Tensor ToDevice(Tensor t)
    {
        if (Device.type == DeviceType.CPU) return t;   // torch.tensor(array) is already on the CPU
        var moved = t.to(Device);
        t.Dispose();
        return moved;
    }

    /// <summary>A lazy read-only view items[i] → selector(items[i]).</summary>
    private sealed class Projection<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> selector) : IReadOnlyList<TOut>
    {
        public TOut this[int index] => selector(items[index]);
        public int Count => items.Count;
        public IEnumerator<TOut> GetEnumerator() => items.Select(selector).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
