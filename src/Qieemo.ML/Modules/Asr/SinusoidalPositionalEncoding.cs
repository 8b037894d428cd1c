using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Qieemo.ML.Modules.Asr;

/// <summary>
/// Absolute sinusoidal positional encoding applied to embeddings: x * sqrt(D) + pe[:L], then dropout
/// (WeNet's PositionalEncoding). pe[p, 2i] = sin(p / 10000^(2i/D)), pe[p, 2i+1] = cos(same).
/// The table is a non-persistent buffer: it is not part of the state dict, like WeNet's.
/// </summary>
public sealed class SinusoidalPositionalEncoding : Module<Tensor, Tensor>
{
    private readonly Tensor pe;
    private readonly Dropout dropout;
    private readonly double _scale;

    /// <param name="name">Module name.</param>
    /// <param name="dim">Model dimension D (even).</param>
    /// <param name="dropoutRate">Dropout after adding the encoding.</param>
    /// <param name="maxLength">Longest sequence supported.</param>
    public SinusoidalPositionalEncoding(string name, int dim, double dropoutRate, int maxLength = 5000) : base(name)
    {
        if (dim <= 0 || dim % 2 != 0) throw new ArgumentException($"dim must be positive and even, got {dim}", nameof(dim));
        _scale = Math.Sqrt(dim);
        using (var scope = NewDisposeScope())
        {
            var position = arange(maxLength, dtype: ScalarType.Float32).unsqueeze(1);                               // [maxLen, 1]
            var div = exp(arange(0, dim, 2, dtype: ScalarType.Float32).mul(-Math.Log(10000.0) / dim));           // [D/2]
            var table = zeros(maxLength, dim);
            table.index_put_(sin(position.mul(div)), TensorIndex.Colon, TensorIndex.Slice(0, null, 2));
            table.index_put_(cos(position.mul(div)), TensorIndex.Colon, TensorIndex.Slice(1, null, 2));
            pe = table.MoveToOuterDisposeScope();
        }
        dropout = Dropout(dropoutRate);
        // Registered by hand: RegisterComponents would make the Tensor field a persistent buffer.
        register_module("dropout", dropout);
        register_buffer("pe", pe, persistent: false);
    }

    /// <summary>Longest sequence supported.</summary>
    public long MaxLength => pe.shape[0];

    /// <summary>x [B, L, D] -> [B, L, D].</summary>
    public override Tensor forward(Tensor x)
    {
        long length = x.shape[1];
        if (length > pe.shape[0]) throw new ArgumentException($"sequence length {length} exceeds the positional encoding's {pe.shape[0]}");
        using var scope = NewDisposeScope();
        var table = pe.narrow(0, 0, length).unsqueeze(0).to(x.device);  // [1, L, D]
        return dropout.forward(x.mul(_scale).add(table)).MoveToOuterDisposeScope();
    }
}
