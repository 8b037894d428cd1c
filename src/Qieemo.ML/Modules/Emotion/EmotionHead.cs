using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// The Qieemo emotion head (Fig. 1 above the encoder): MMF over the selected blocks gives E, CMA attends
/// from E to the PPG (last block), the n outputs are mean-pooled over valid positions and classified.
/// <list type="bullet">
/// <item><c>UseCma = false</c>: logits = classifier(masked mean of E); no CMA parameters exist.</item>
/// <item><c>UseMmf = false</c>: E = Linear(D → d_e)(h^l) on the PPG frames (n = T_l, PPG lengths), no other
/// block is read and no MMF parameters exist; CMA (if on) then attends from that E to the same PPG.</item>
/// </list>
/// </summary>
public sealed class EmotionHead : nn.Module<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>, Tensor>
{
    private readonly EmotionHeadOptions _options;
    private readonly int[] _fused;
    private readonly int _ppg;
    private readonly MultimodalFusion? mmf;
    private readonly Linear? ppg_projection;
    private readonly CrossModalAttention? cma;
    private readonly EmotionClassifier classifier;

    /// <summary>Builds the head; the options are validated and copied (via JSON) so later edits do not affect it.</summary>
    public EmotionHead(EmotionHeadOptions options, string name = "EmotionHead") : base(name)
    {
        options.Validate();
        _options = EmotionHeadOptions.FromJson(options.ToJson());
        _fused = _options.ResolvedFusedBlocks;
        _ppg = _options.ResolvedPpgBlock;
        int de = _options.EmotionDim;
        if (_options.UseMmf) mmf = new MultimodalFusion(_fused.Length, _options.InputDim, _options.Mmf);
        else ppg_projection = nn.Linear(_options.InputDim, de);
        if (_options.UseCma) cma = new CrossModalAttention(de, _options.InputDim, _options.Cma);
        int pooledDim = _options.UseCma ? _options.Cma.AttentionDim : de;
        classifier = new EmotionClassifier(pooledDim, _options.ClassifierHidden, _options.NumClasses, _options.Dropout);
        RegisterComponents();
    }

    /// <summary>A copy of the options this head was built with.</summary>
    public EmotionHeadOptions Options => EmotionHeadOptions.FromJson(_options.ToJson());

    /// <summary>Indices of the fused blocks (MMF channel order).</summary>
    public IReadOnlyList<int> FusedBlocks => _fused;

    /// <summary>Index of the PPG block.</summary>
    public int PpgBlock => _ppg;

    /// <summary>The MMF module (null when UseMmf is false).</summary>
    public MultimodalFusion? Fusion => mmf;

    /// <summary>The CMA module (null when UseCma is false).</summary>
    public CrossModalAttention? Attention => cma;

    /// <summary>Current MMF block multipliers, one per fused block (empty without MMF).</summary>
    public float[] BlockWeights => mmf?.BlockWeights ?? Array.Empty<float>();

    /// <summary>blocks: all encoder block outputs [B, T_k, D]; lengths: their valid lengths [B] → logits [B, classes].</summary>
    public override Tensor forward(IReadOnlyList<Tensor> blocks, IReadOnlyList<Tensor> lengths)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Compute(blocks, lengths).Logits);
    }

    /// <summary>Like <see cref="forward"/> but returns E, the pooled vector and the CMA attention maps too.</summary>
    public EmotionHeadOutput ForwardDetailed(IReadOnlyList<Tensor> blocks, IReadOnlyList<Tensor> lengths)
    {
        using var scope = NewDisposeScope();
        var r = Compute(blocks, lengths);
        scope.MoveToOuter(r.Logits, r.Emotion, r.EmotionLengths, r.Pooled);
        if (r.QueryAttention is not null) scope.MoveToOuter(r.QueryAttention, r.OutputAttention!);
        return new EmotionHeadOutput(r.Logits, r.Emotion, r.EmotionLengths, r.Pooled, r.QueryAttention, r.OutputAttention);
    }

    private sealed record Computed(Tensor Logits, Tensor Emotion, Tensor EmotionLengths, Tensor Pooled, Tensor? QueryAttention, Tensor? OutputAttention);

    // Runs inside the caller's dispose scope; every tensor it creates belongs to that scope.
    private Computed Compute(IReadOnlyList<Tensor> blocks, IReadOnlyList<Tensor> lengths)
    {
        if (blocks.Count != _options.NumBlocks || lengths.Count != _options.NumBlocks)
            throw new ArgumentException($"EmotionHead expects all {_options.NumBlocks} encoder blocks and their lengths, got {blocks.Count} blocks and {lengths.Count} lengths");

        Tensor ppg = blocks[_ppg], ppgLengths = lengths[_ppg];
        SequenceMask.Check(ppg, ppgLengths, $"EmotionHead PPG block {_ppg}");
        if (ppg.shape[2] != _options.InputDim) throw new ArgumentException($"EmotionHead PPG block {_ppg}: width {ppg.shape[2]}, expected {_options.InputDim}");

        // E [B, n, d_e] and its lengths.
        Tensor e, eLengths;
        if (mmf != null)
        {
            (e, eLengths) = mmf.forward(_fused.Select(i => blocks[i]).ToList(), _fused.Select(i => lengths[i]).ToList());
        }
        else
        {
            e = SequenceMask.ZeroPadded(ppg_projection!.forward(ppg), ppgLengths);                  // [B, T_l, d_e]
            eLengths = ppgLengths.to(ScalarType.Int64, copy: true);
        }

        // CMA (eq. 6-8) and masked mean over the n query positions.
        if (cma != null)
        {
            var r = cma.ForwardWithAttention(e, ppg, ppgLengths);                                   // O_att [B, n, d_att]
            var pooled = SequenceMask.MaskedMean(r.Output, eLengths);                               // [B, d_att]
            return new Computed(classifier.forward(pooled), e, eLengths, pooled, r.QueryAttention, r.OutputAttention);
        }
        else
        {
            var pooled = SequenceMask.MaskedMean(e, eLengths);                                       // [B, d_e]
            return new Computed(classifier.forward(pooled), e, eLengths, pooled, null, null);
        }
    }
}
