using TorchSharp.Modules;

namespace Qieemo.ML.Training;

/// <summary>
/// Builds Adam / AdamW with one TorchSharp parameter group per <see cref="ParameterGroupSpec"/>, in
/// the given order; group i starts at settings.LearningRate × multiplierᵢ (its
/// <c>InitialLearningRate</c>, which <see cref="LearningRateScheduler"/> takes as base rate).
/// Parameters of frozen modules (requires_grad false) may be included: Adam skips parameters without a gradient.
/// </summary>
public static class OptimizerFactory
{
    /// <summary>One group holding every parameter.</summary>
    public static OptimizerHelper Create(OptimizerSettings settings, IEnumerable<Parameter> parameters) =>
        Create(settings, new[] { new ParameterGroupSpec("all", parameters) });

    /// <summary>One parameter group per spec.</summary>
    public static OptimizerHelper Create(OptimizerSettings settings, IEnumerable<ParameterGroupSpec> groups)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var specs = groups.ToArray();
        if (specs.Length == 0) throw new ArgumentException("no parameter groups", nameof(groups));
        var seen = new Dictionary<IntPtr, string>();
        foreach (var g in specs)
        {
            if (g.Parameters.Count == 0) throw new ArgumentException($"group '{g.Name}' has no parameters", nameof(groups));
            foreach (var p in g.Parameters)
                if (!seen.TryAdd(p.Handle, g.Name))
                    throw new ArgumentException($"a parameter is in both group '{seen[p.Handle]}' and group '{g.Name}'", nameof(groups));
        }

        double lr = settings.LearningRate, b1 = settings.Beta1, b2 = settings.Beta2, eps = settings.Eps;
        return settings.Kind switch
        {
            OptimizerKind.Adam => new Adam(
                specs.Select(g => new Adam.ParamGroup(g.Parameters, lr * g.LearningRateMultiplier, b1, b2, eps,
                    g.WeightDecay ?? settings.WeightDecay, settings.AmsGrad)).ToArray(),
                lr, b1, b2, eps, settings.WeightDecay, settings.AmsGrad),
            OptimizerKind.AdamW => new AdamW(
                specs.Select(g => new AdamW.ParamGroup(g.Parameters, lr * g.LearningRateMultiplier, b1, b2, eps,
                    g.WeightDecay ?? settings.WeightDecay, settings.AmsGrad)).ToArray(),
                lr, b1, b2, eps, settings.WeightDecay, settings.AmsGrad),
            _ => throw new ArgumentException($"unknown optimizer kind {settings.Kind}"),
        };
    }
}
