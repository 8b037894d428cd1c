using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Asr;

/// <summary>A rescored hypothesis.</summary>
/// <param name="Tokens">Token ids (no &lt;sos&gt;/&lt;eos&gt;).</param>
/// <param name="CtcScore">CTC prefix-beam-search log score.</param>
/// <param name="AttentionScore">Teacher-forced decoder log-probability of the tokens followed by &lt;eos&gt;.</param>
/// <param name="Score">AttentionScore + ctc_weight * CtcScore.</param>
public sealed record RescoredHypothesis(int[] Tokens, double CtcScore, double AttentionScore, double Score);

/// <summary>
/// WeNet's attention rescoring: CTC prefix beam search gives the n-best with CTC scores, the attention
/// decoder scores each one teacher-forced (sum of the log-probabilities of its tokens and of &lt;eos&gt;),
/// and the hypothesis with the largest attention score + ctc_weight * CTC score wins.
/// Put the modules in eval() mode first: dropout is not switched off here.
/// </summary>
public static class AttentionRescoring
{
    /// <summary>
    /// Decodes a batch. encoderOut [B, T, D], encoderLengths [B] int64 -> per utterance, the n-best
    /// sorted by combined score (best first; ties keep CTC order, as WeNet's strict argmax).
    /// &lt;sos&gt;/&lt;eos&gt; is the last vocabulary id.
    /// </summary>
    public static RescoredHypothesis[][] Decode(CtcHead ctc, TransformerDecoder decoder, Tensor encoderOut, Tensor encoderLengths,
        AttentionRescoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ctc);
        ArgumentNullException.ThrowIfNull(decoder);
        options ??= new AttentionRescoringOptions();
        if (ctc.Options.VocabularySize != decoder.Options.VocabularySize)
            throw new ArgumentException($"vocabulary sizes differ: CTC {ctc.Options.VocabularySize}, decoder {decoder.Options.VocabularySize}");
        long b = encoderOut.shape[0];
        AsrMasks.CheckLengths(encoderLengths, b, encoderOut.shape[1], nameof(encoderLengths));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logProbs = ctc.forward(encoderOut);                                     // [B, T, V]
        long[] lens = encoderLengths.cpu().to(ScalarType.Int64).data<long>().ToArray();
        var result = new RescoredHypothesis[b][];
        for (int i = 0; i < b; i++)
        {
            var nbest = CtcPrefixBeamSearch.Search(logProbs[i], options.BeamSize, ctc.Options.BlankId, lens[i]);
            var memory = encoderOut[i].narrow(0, 0, lens[i]);                      // [T_i, D]
            double[] att = ScoreHypotheses(decoder, memory, nbest.Select(h => h.Tokens).ToList());
            result[i] = nbest.Select((h, j) => new RescoredHypothesis(h.Tokens, h.Score, att[j], att[j] + options.CtcWeight * h.Score))
                .Select((r, j) => (r, j)).OrderByDescending(x => x.r.Score).ThenBy(x => x.j).Select(x => x.r).ToArray();
        }
        return result;
    }

    /// <summary>Best hypothesis per utterance (see <see cref="Decode"/>).</summary>
    public static int[][] DecodeBest(CtcHead ctc, TransformerDecoder decoder, Tensor encoderOut, Tensor encoderLengths,
        AttentionRescoringOptions? options = null) =>
        Decode(ctc, decoder, encoderOut, encoderLengths, options).Select(n => n[0].Tokens).ToArray();

    /// <summary>
    /// Teacher-forced attention scores of hypotheses for one utterance: memory [T, D] (unpadded encoder output)
    /// -> per hypothesis sum_j log p(y_j | y_&lt;j) + log p(&lt;eos&gt; | y). All hypotheses run as one batch.
    /// </summary>
    public static double[] ScoreHypotheses(TransformerDecoder decoder, Tensor memory, IReadOnlyList<int[]> hypotheses)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        if (memory.dim() != 2) throw new ArgumentException($"memory must be [T, D], got [{string.Join(",", memory.shape)}]", nameof(memory));
        if (hypotheses.Count == 0) return Array.Empty<double>();
        int sosEos = decoder.Options.VocabularySize - 1;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int n = hypotheses.Count;
        using var batch = AttentionTargets.AddSosEos(hypotheses, sosEos, sosEos, -1, memory.device);
        var memories = memory.unsqueeze(0).expand(n, -1, -1);                          // [N, T, D]
        var memoryLengths = full(new long[] { n }, memory.shape[0], dtype: ScalarType.Int64, device: memory.device);
        var logp = decoder.forward(memories, memoryLengths, batch.Input, batch.Lengths).log_softmax(-1);  // [N, L, V]
        // Gather log p(output token) at every position; padding (-1) is masked out.
        var output = batch.Output;
        var keep = output.ne(-1);
        var picked = logp.gather(2, output.clamp_min(0).unsqueeze(2)).squeeze(2).masked_fill(keep.logical_not(), 0);  // [N, L]
        return picked.to(ScalarType.Float64).sum(1).cpu().data<double>().ToArray();
    }
}
