using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Training;

/// <summary>
/// Model selection and early stopping on a dev metric: remembers the best epoch and a copy of its
/// weights (a state_dict clone in memory, or a file written atomically), counts epochs without
/// improvement and says when patience is exhausted.
/// </summary>
public sealed class ModelSelector : IDisposable
{
    private Dictionary<string, Tensor>? _best;

    /// <summary>Creates a selector.</summary>
    public ModelSelector(ModelSelectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Patience < 0) throw new ArgumentException($"patience must be ≥ 0, got {options.Patience}", nameof(options));
        if (!(options.MinDelta >= 0)) throw new ArgumentException($"min delta must be ≥ 0, got {options.MinDelta}", nameof(options));
        Options = options;
    }

    /// <summary>The options.</summary>
    public ModelSelectorOptions Options { get; }

    /// <summary>Best metric so far (null before the first update).</summary>
    public double? BestMetric { get; private set; }

    /// <summary>Epoch of the best metric.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>true once <see cref="ModelSelectorOptions.Patience"/> epochs passed without improvement.</summary>
    public bool ShouldStop => Options.Patience > 0 && EpochsWithoutImprovement >= Options.Patience;

    /// <summary>Whether best weights are available to <see cref="RestoreBest"/>.</summary>
    public bool HasBestWeights => Options.BestWeightsPath is { } p ? File.Exists(p) : _best is not null;

    /// <summary>Whether <paramref name="metric"/> beats the best so far by more than MinDelta (NaN never does).</summary>
    public bool IsImprovement(double metric)
    {
        if (double.IsNaN(metric)) return false;
        if (BestMetric is not { } best) return true;
        return Options.Goal == MetricGoal.Maximize ? metric > best + Options.MinDelta : metric < best - Options.MinDelta;
    }

    /// <summary>
    /// Records the dev metric of <paramref name="epoch"/>; on improvement stores a copy of
    /// <paramref name="model"/>'s weights. Returns whether it improved.
    /// </summary>
    public bool Update(int epoch, double metric, nn.Module model)
    {
        if (!IsImprovement(metric))
        {
            EpochsWithoutImprovement++;
            return false;
        }
        BestMetric = metric;
        BestEpoch = epoch;
        EpochsWithoutImprovement = 0;
        if (Options.BestWeightsPath is { } path)
        {
            string tmp = path + ".tmp";
            CheckpointFile.Write(tmp, model, null, new TrainingState { Epoch = epoch, BestEpoch = epoch, BestMetric = metric });
            File.Move(tmp, path, overwrite: true);
        }
        else
        {
            DisposeBest();
            using var _ = no_grad();
            _best = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        }
        return true;
    }

    /// <summary>Copies the best weights into <paramref name="model"/>.</summary>
    public void RestoreBest(nn.Module model)
    {
        if (Options.BestWeightsPath is { } path)
        {
            if (!File.Exists(path)) throw new InvalidOperationException($"no best weights yet ({path} does not exist)");
            CheckpointFile.Load(path, model, null);
            return;
        }
        if (_best is null) throw new InvalidOperationException("no best weights yet: Update has not seen an improvement");
        CheckpointFile.CopyInto(model, _best, "best weights in memory");
    }

    /// <summary>Copies the selection state into a checkpoint state.</summary>
    public void SaveTo(TrainingState state)
    {
        state.BestMetric = BestMetric;
        state.BestEpoch = BestEpoch;
        state.EpochsWithoutImprovement = EpochsWithoutImprovement;
    }

    /// <summary>
    /// Restores the selection state from a checkpoint. In-memory best weights are not in the
    /// checkpoint: pass them (e.g. loaded with <see cref="CheckpointManager.LoadModel"/> for
    /// <c>state.BestEpoch</c> into a scratch model) via <paramref name="bestWeightsFrom"/>; with a
    /// <see cref="ModelSelectorOptions.BestWeightsPath"/> the file already holds them.
    /// </summary>
    public void RestoreFrom(TrainingState state, nn.Module? bestWeightsFrom = null)
    {
        BestMetric = state.BestMetric;
        BestEpoch = state.BestEpoch;
        EpochsWithoutImprovement = state.EpochsWithoutImprovement;
        if (bestWeightsFrom is not null && Options.BestWeightsPath is null)
        {
            DisposeBest();
            using var _ = no_grad();
            _best = bestWeightsFrom.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeBest();

    private void DisposeBest()
    {
        if (_best is null) return;
        foreach (var t in _best.Values) t.Dispose();
        _best = null;
    }
}
