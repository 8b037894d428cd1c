using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// WeNet's <c>PositionwiseFeedForward</c>: w_2(dropout(activation(w_1(x)))), keys <c>w_1.*</c>, <c>w_2.*</c>.
/// </summary>
public sealed class PositionwiseFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly Linear w_1;
    private readonly Linear w_2;
    private readonly nn.Module<Tensor, Tensor> activation;
    private readonly nn.Module<Tensor, Tensor> dropout;

    /// <param name="dModel">Model dimension D.</param>
    /// <param name="hiddenUnits">Hidden width (WeNet's linear_units).</param>
    /// <param name="dropoutRate">Dropout after the activation in training.</param>
    /// <param name="activation">Activation module (swish in conformers).</param>
    public PositionwiseFeedForward(int dModel, int hiddenUnits, double dropoutRate, nn.Module<Tensor, Tensor> activation)
        : base(nameof(PositionwiseFeedForward))
    {
        w_1 = nn.Linear(dModel, hiddenUnits);
        w_2 = nn.Linear(hiddenUnits, dModel);
        this.activation = activation;
        dropout = nn.Dropout(dropoutRate);
        register_module("w_1", w_1);
        register_module("activation", activation);
        register_module("dropout", dropout);
        register_module("w_2", w_2);
    }

    /// <summary>x: (B, T, D) → (B, T, D).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(w_2.call(dropout.call(activation.call(w_1.call(x)))));
    }
}
