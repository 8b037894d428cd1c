using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>Utterance vector [B, C] → logits [B, classes] through Linear → ReLU → Dropout → Linear.</summary>
public sealed class EmotionClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly double _dropout;

    /// <summary>Creates the classifier; <paramref name="dropout"/> 0 gives the plain Linear → ReLU → Linear probe.</summary>
    public EmotionClassifier(long inputDim, long hiddenDim, long numClasses, double dropout, string name = "EmotionClassifier") : base(name)
    {
        hidden = nn.Linear(inputDim, hiddenDim);
        output = nn.Linear(hiddenDim, numClasses);
        _dropout = dropout;
        RegisterComponents();
    }

    /// <summary>x [B, C] → logits [B, classes].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(hidden.forward(x));
        if (_dropout > 0) h = nn.functional.dropout(h, _dropout, training);
        return scope.MoveToOuter(output.forward(h));
    }
}
