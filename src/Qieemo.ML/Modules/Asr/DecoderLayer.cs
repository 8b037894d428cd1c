using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Qieemo.ML.Modules.Asr;

/// <summary>
/// One pre-LayerNorm transformer decoder block (WeNet's DecoderLayer with normalize_before):
/// x += self_attn(norm1(x)); x += src_attn(norm2(x), memory); x += feed_forward(norm3(x)),
/// each residual branch followed by dropout.
/// </summary>
public sealed class DecoderLayer : Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly MultiHeadAttention self_attn, src_attn;
    private readonly PositionwiseFeedForward feed_forward;
    private readonly LayerNorm norm1, norm2, norm3;
    private readonly Dropout dropout;

    /// <param name="name">Module name.</param>
    /// <param name="options">Decoder options (dimension, heads, units, dropouts, LayerNorm epsilon).</param>
    public DecoderLayer(string name, TransformerDecoderOptions options) : base(name)
    {
        int d = options.AttentionDim;
        self_attn = new MultiHeadAttention("self_attn", options.AttentionHeads, d, options.SelfAttentionDropoutRate);
        src_attn = new MultiHeadAttention("src_attn", options.AttentionHeads, d, options.SourceAttentionDropoutRate);
        feed_forward = new PositionwiseFeedForward("feed_forward", d, options.LinearUnits, options.DropoutRate);
        norm1 = LayerNorm(d, options.LayerNormEpsilon);
        norm2 = LayerNorm(d, options.LayerNormEpsilon);
        norm3 = LayerNorm(d, options.LayerNormEpsilon);
        dropout = Dropout(options.DropoutRate);
        RegisterComponents();
    }

    /// <summary>
    /// x [B, L, D], targetMask bool [B, L, L], memory [B, T, D], memoryMask bool [B, 1, T] -> [B, L, D].
    /// </summary>
    public override Tensor forward(Tensor x, Tensor targetMask, Tensor memory, Tensor memoryMask)
    {
        using var scope = NewDisposeScope();
        var y = norm1.forward(x);
        x = x.add(dropout.forward(self_attn.forward(y, y, y, targetMask)));
        y = norm2.forward(x);
        x = x.add(dropout.forward(src_attn.forward(y, memory, memory, memoryMask)));
        x = x.add(dropout.forward(feed_forward.forward(norm3.forward(x))));
        return x.MoveToOuterDisposeScope();
    }
}
