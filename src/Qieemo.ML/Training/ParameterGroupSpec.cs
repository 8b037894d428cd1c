using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Training;

/// <summary>
/// One optimizer parameter group: its parameters, a multiplier of the base learning rate (e.g. 0.1
/// for a pretrained encoder, 1 for a new head) and optionally its own weight decay.
/// </summary>
public sealed class ParameterGroupSpec
{
    /// <summary>Creates a group.</summary>
    public ParameterGroupSpec(string name, IEnumerable<Parameter> parameters, double learningRateMultiplier = 1.0, double? weightDecay = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!(learningRateMultiplier >= 0) || double.IsInfinity(learningRateMultiplier))
            throw new ArgumentOutOfRangeException(nameof(learningRateMultiplier), learningRateMultiplier, $"group '{name}': multiplier must be ≥ 0");
        if (weightDecay is { } wd && !(wd >= 0))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"group '{name}': weight decay must be ≥ 0");
        Name = name;
        Parameters = parameters.ToArray();   // materialised: TorchSharp re-enumerates a group's parameters on every step
        LearningRateMultiplier = learningRateMultiplier;
        WeightDecay = weightDecay;
    }

    /// <summary>Name (for logs and progress).</summary>
    public string Name { get; }

    /// <summary>The parameters.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Group base rate = settings rate × this.</summary>
    public double LearningRateMultiplier { get; }

    /// <summary>Weight decay of this group; null = the settings' value.</summary>
    public double? WeightDecay { get; }

    /// <summary>
    /// Splits a module's parameters by name prefix: each parameter goes to the first group whose
    /// prefix it starts with, the rest to a group <paramref name="restName"/> with multiplier
    /// <paramref name="restMultiplier"/> (left out when empty). Prefix groups that match nothing throw,
    /// since that is almost always a typo.
    /// </summary>
    public static IReadOnlyList<ParameterGroupSpec> ByPrefix(nn.Module module, IEnumerable<(string Name, string Prefix, double LearningRateMultiplier)> prefixes,
        string restName = "rest", double restMultiplier = 1.0)
    {
        var specs = prefixes.ToArray();
        var buckets = specs.Select(_ => new List<Parameter>()).ToArray();
        var rest = new List<Parameter>();
        foreach (var (name, p) in module.named_parameters())
        {
            int k = Array.FindIndex(specs, s => name.StartsWith(s.Prefix, StringComparison.Ordinal));
            (k >= 0 ? buckets[k] : rest).Add(p);
        }
        var groups = new List<ParameterGroupSpec>();
        for (int i = 0; i < specs.Length; i++)
        {
            if (buckets[i].Count == 0) throw new ArgumentException($"group '{specs[i].Name}': no parameter name starts with '{specs[i].Prefix}'");
            groups.Add(new ParameterGroupSpec(specs[i].Name, buckets[i], specs[i].LearningRateMultiplier));
        }
        if (rest.Count > 0) groups.Add(new ParameterGroupSpec(restName, rest, restMultiplier));
        return groups;
    }
}
