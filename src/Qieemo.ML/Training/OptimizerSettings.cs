namespace Qieemo.ML.Training;

/// <summary>Optimizer algorithm.</summary>
public enum OptimizerKind
{
    /// <summary>Adam; <see cref="OptimizerSettings.WeightDecay"/> is an L2 term added to the gradient (WeNet's choice).</summary>
    Adam,

    /// <summary>AdamW; <see cref="OptimizerSettings.WeightDecay"/> is decoupled weight decay.</summary>
    AdamW,
}

/// <summary>Hyper-parameters of the optimizer built by <see cref="OptimizerFactory"/> (PyTorch's defaults).</summary>
public sealed class OptimizerSettings
{
    /// <summary>Algorithm.</summary>
    public OptimizerKind Kind { get; set; } = OptimizerKind.Adam;

    /// <summary>Base learning rate; a group's base rate is this × its multiplier (WeNet conformer: 0.001 or 0.002).</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Adam β₁.</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Adam β₂ (PyTorch's 0.999; note TorchSharp's <c>torch.optim.Adam</c> function defaults to 0.99).</summary>
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Adam ε.</summary>
    public double Eps { get; set; } = 1e-8;

    /// <summary>Weight decay for groups that do not set their own (Adam: L2, AdamW: decoupled).</summary>
    public double WeightDecay { get; set; }

    /// <summary>AMSGrad variant.</summary>
    public bool AmsGrad { get; set; }

    /// <summary>Throws on values the optimizers reject.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (Beta1 is < 0 or >= 1 || double.IsNaN(Beta1)) throw new ArgumentException($"beta1 must be in [0, 1), got {Beta1}");
        if (Beta2 is < 0 or >= 1 || double.IsNaN(Beta2)) throw new ArgumentException($"beta2 must be in [0, 1), got {Beta2}");
        if (!(Eps >= 0)) throw new ArgumentException($"eps must be ≥ 0, got {Eps}");
        if (!(WeightDecay >= 0)) throw new ArgumentException($"weight decay must be ≥ 0, got {WeightDecay}");
    }
}
