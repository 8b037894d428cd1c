using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules;

/// <summary>
/// The activations WeNet's <c>activation_type</c> names for conformer encoders, as parameter-free
/// modules: <c>swish</c> (x·sigmoid(x), WeNet's default), <c>relu</c>, <c>gelu</c>, <c>silu</c>.
/// </summary>
public sealed class Activation : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the activation named <paramref name="type"/>.</summary>
    public Activation(string type) : base(nameof(Activation))
    {
        Type = type switch
        {
            "swish" or "silu" or "relu" or "gelu" => type,
            _ => throw new ArgumentException($"unsupported activation_type '{type}' (supported: swish, silu, relu, gelu)"),
        };
    }

    /// <summary>The activation name.</summary>
    public string Type { get; }

    /// <summary>x: any shape → same shape.</summary>
    public override Tensor forward(Tensor x) => Type switch
    {
        "relu" => nn.functional.relu(x),
        "gelu" => nn.functional.gelu(x),
        _ => x * sigmoid(x),                                       // WeNet's Swish: x * sigmoid(x)
    };
}
