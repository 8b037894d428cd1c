using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// WeNet's <c>ConformerEncoderLayer</c> (macaron style, pre-norm), the paper's equations (1)-(5):
/// x += ½·FFN₁(LN(x)); x += MHSA(LN(x)); x += Conv(LN(x)); x += ½·FFN₂(LN(x)); y = LN_final(x).
/// Keys: <c>self_attn.*</c>, <c>feed_forward.*</c>, <c>feed_forward_macaron.*</c>, <c>conv_module.*</c>,
/// <c>norm_ff</c>, <c>norm_mha</c>, <c>norm_ff_macaron</c>, <c>norm_conv</c>, <c>norm_final</c>.
/// Residual-branch dropout (dropout_rate) is active only in training mode.
/// Forward: (x (B, T, D), mask (B, 1, T), posEmb (1, T, D), maskPad (B, 1, T)) → (B, T', D).
/// </summary>
public class ConformerBlock : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly RelPositionAttentionBase self_attn;
    private readonly PositionwiseFeedForward feed_forward;
    private readonly PositionwiseFeedForward? feed_forward_macaron;
    private readonly ConvolutionModule? conv_module;
    private readonly LayerNorm norm_ff;
    private readonly LayerNorm norm_mha;
    private readonly LayerNorm? norm_ff_macaron;
    private readonly LayerNorm? norm_conv;
    private readonly LayerNorm? norm_final;
    private readonly nn.Module<Tensor, Tensor> dropout;
    private readonly double ffScale;

    /// <param name="size">Model dimension D.</param>
    /// <param name="selfAttn">Self-attention (plain or grouped relative-position).</param>
    /// <param name="feedForward">Second (or only) feed-forward module.</param>
    /// <param name="feedForwardMacaron">First, half-step feed-forward; null disables macaron style.</param>
    /// <param name="convModule">Convolution module; null disables it (and norm_final).</param>
    /// <param name="dropoutRate">Residual-branch dropout in training.</param>
    /// <param name="normalizeBefore">Pre-norm (WeNet default true) or post-norm.</param>
    public ConformerBlock(int size, RelPositionAttentionBase selfAttn, PositionwiseFeedForward feedForward,
        PositionwiseFeedForward? feedForwardMacaron, ConvolutionModule? convModule, double dropoutRate, bool normalizeBefore = true)
        : this(nameof(ConformerBlock), size, selfAttn, feedForward, feedForwardMacaron, convModule, dropoutRate, normalizeBefore) { }

    /// <summary>Constructor for derived blocks with their own module name.</summary>
    protected ConformerBlock(string name, int size, RelPositionAttentionBase selfAttn, PositionwiseFeedForward feedForward,
        PositionwiseFeedForward? feedForwardMacaron, ConvolutionModule? convModule, double dropoutRate, bool normalizeBefore)
        : base(name)
    {
        Size = size;
        NormalizeBefore = normalizeBefore;
        self_attn = selfAttn;
        feed_forward = feedForward;
        feed_forward_macaron = feedForwardMacaron;
        conv_module = convModule;
        norm_ff = nn.LayerNorm(size, eps: 1e-5);
        norm_mha = nn.LayerNorm(size, eps: 1e-5);
        register_module("self_attn", self_attn);
        register_module("feed_forward", feed_forward);
        if (feed_forward_macaron is not null)
        {
            register_module("feed_forward_macaron", feed_forward_macaron);
            norm_ff_macaron = nn.LayerNorm(size, eps: 1e-5);
            ffScale = 0.5;
        }
        else ffScale = 1.0;
        if (conv_module is not null)
        {
            register_module("conv_module", conv_module);
            norm_conv = nn.LayerNorm(size, eps: 1e-5);
            norm_final = nn.LayerNorm(size, eps: 1e-5);
        }
        register_module("norm_ff", norm_ff);
        register_module("norm_mha", norm_mha);
        if (norm_ff_macaron is not null) register_module("norm_ff_macaron", norm_ff_macaron);
        if (norm_conv is not null) register_module("norm_conv", norm_conv);
        if (norm_final is not null) register_module("norm_final", norm_final);
        dropout = nn.Dropout(dropoutRate);
        register_module("dropout", dropout);
    }

    /// <summary>Model dimension D.</summary>
    public int Size { get; }

    /// <summary>Whether the layer norms come before each sub-block.</summary>
    public bool NormalizeBefore { get; }

    /// <summary>The self-attention module.</summary>
    public RelPositionAttentionBase SelfAttention => self_attn;

    /// <summary>The convolution module, if any.</summary>
    public ConvolutionModule? Convolution => conv_module;

    /// <summary>Time stride of this block (1 for a plain conformer block).</summary>
    public virtual int TimeStride => 1;

    /// <summary>
    /// x: (B, T, D), mask: (B, 1, T) bool attention mask, posEmb: (1, T, D), maskPad: (B, 1, T) bool
    /// padding mask for the convolution → (B, ceil(T / TimeStride), D).
    /// </summary>
    public override Tensor forward(Tensor x, Tensor mask, Tensor posEmb, Tensor maskPad)
    {
        using var scope = NewDisposeScope();
        if (feed_forward_macaron is not null)
        {
            var residual = x;
            if (NormalizeBefore) x = norm_ff_macaron!.call(x);
            x = residual + ffScale * dropout.call(feed_forward_macaron.call(x));
            if (!NormalizeBefore) x = norm_ff_macaron!.call(x);
        }

        {
            var residual = x;
            if (NormalizeBefore) x = norm_mha.call(x);
            x = residual + dropout.call(self_attn.call(x, mask, posEmb));
            if (!NormalizeBefore) x = norm_mha.call(x);
        }

        if (conv_module is not null)
        {
            var residual = x;
            if (NormalizeBefore) x = norm_conv!.call(x);
            x = conv_module.call(x, maskPad);
            x = ConvResidual(residual) + dropout.call(x);
            if (!NormalizeBefore) x = norm_conv!.call(x);
        }

        {
            var residual = x;
            if (NormalizeBefore) x = norm_ff.call(x);
            x = residual + ffScale * dropout.call(feed_forward.call(x));
            if (!NormalizeBefore) x = norm_ff.call(x);
        }

        if (norm_final is not null) x = norm_final.call(x);
        return scope.MoveToOuter(x);
    }

    /// <summary>The convolution branch's residual: (B, T, D) → (B, T', D); identity here.</summary>
    protected virtual Tensor ConvResidual(Tensor residual) => residual;
}
