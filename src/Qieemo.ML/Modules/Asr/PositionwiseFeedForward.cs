using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Qieemo.ML.Modules.Asr;

/// <summary>Position-wise feed-forward: w_2(dropout(ReLU(w_1(x)))) (WeNet's PositionwiseFeedForward).</summary>
public sealed class PositionwiseFeedForward : Module<Tensor, Tensor>
{
    private readonly Linear w_1, w_2;
    private readonly Dropout dropout;

    /// <param name="name">Module name.</param>
    /// <param name="dim">Model dimension D.</param>
    /// <param name="hiddenUnits">Hidden width.</param>
    /// <param name="dropoutRate">Dropout after the activation.</param>
    public PositionwiseFeedForward(string name, int dim, int hiddenUnits, double dropoutRate) : base(name)
    {
        w_1 = Linear(dim, hiddenUnits);
        w_2 = Linear(hiddenUnits, dim);
        dropout = Dropout(dropoutRate);
        RegisterComponents();
    }

    /// <summary>x [B, L, D] -> [B, L, D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return w_2.forward(dropout.forward(functional.relu(w_1.forward(x)))).MoveToOuterDisposeScope();
    }
}
