using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Training;

/// <summary>
/// One checkpoint per completed epoch in a folder: <c>epoch_003.ckpt</c> (format:
/// <see cref="CheckpointFile"/>), written to a temporary file, flushed to disk and renamed, so a
/// crash never leaves a half-written <c>epoch_*.ckpt</c>; plus a manifest <c>checkpoints.json</c>
/// listing the kept checkpoints, their metrics, the best epoch and the training history.
/// <see cref="TryResume"/> restores the newest complete checkpoint (skipping corrupt ones with a
/// warning); <see cref="AverageLast"/> averages the weights of the newest N (WeNet's average_model).
/// </summary>
public sealed partial class CheckpointManager
{
    /// <summary>Name of the manifest file in the checkpoint folder.</summary>
    public const string ManifestName = "checkpoints.json";

    private const string TempSuffix = ".tmp";

    /// <summary>Opens (creating when missing) the checkpoint folder and removes leftover temporary files of interrupted writes.</summary>
    public CheckpointManager(CheckpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory)) throw new ArgumentException("the checkpoint directory is not set", nameof(options));
        if (options.KeepLast < 0) throw new ArgumentException($"KeepLast must be ≥ 0, got {options.KeepLast}", nameof(options));
        Options = options;
        Directory = Path.GetFullPath(options.Directory);
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var tmp in System.IO.Directory.EnumerateFiles(Directory, "*" + TempSuffix))
        {
            Warn($"removing {tmp}: an unfinished checkpoint write");
            File.Delete(tmp);
        }
    }

    /// <summary>The options.</summary>
    public CheckpointOptions Options { get; }

    /// <summary>Absolute path of the checkpoint folder.</summary>
    public string Directory { get; }

    /// <summary>Path of the checkpoint of <paramref name="epoch"/>.</summary>
    public string PathFor(int epoch) => Path.Combine(Directory, FileNameFor(epoch));

    /// <summary>File name of the checkpoint of <paramref name="epoch"/> (<c>epoch_003.ckpt</c>).</summary>
    public static string FileNameFor(int epoch) =>
        epoch >= 1 ? $"epoch_{epoch:D3}.ckpt" : throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "epochs count from 1");

    /// <summary>Epochs that have a checkpoint file (complete or not), ascending.</summary>
    public IReadOnlyList<int> ListEpochs() =>
        System.IO.Directory.EnumerateFiles(Directory, "epoch_*.ckpt")
            .Select(f => EpochFileRegex().Match(Path.GetFileName(f)))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Where(e => e >= 1)
            .OrderBy(e => e).ToList();

    /// <summary>
    /// Saves the checkpoint of epoch <c>state.Epoch</c> atomically, applies the keep-last-K rule
    /// and rewrites the manifest. Returns the checkpoint's path.
    /// </summary>
    public string Save(nn.Module model, OptimizerHelper? optimizer, TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string path = PathFor(state.Epoch);
        string tmp = path + TempSuffix;
        try
        {
            CheckpointFile.Write(tmp, model, optimizer, state);
            File.Move(tmp, path, overwrite: true);   // rename(2): atomic on POSIX file systems
        }
        catch
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            throw;
        }
        Prune(state);
        WriteManifest(state);
        return path;
    }

    /// <summary>
    /// Restores the newest complete checkpoint into <paramref name="model"/> and
    /// <paramref name="optimizer"/> and returns its state, or null when there is none. A truncated or
    /// corrupt file is skipped with a warning and the previous epoch is tried. A valid checkpoint
    /// that does not fit the model throws (resuming a different configuration is an error, not corruption).
    /// </summary>
    public TrainingState? TryResume(nn.Module model, OptimizerHelper? optimizer)
    {
        foreach (int epoch in ListEpochs().Reverse())
        {
            string path = PathFor(epoch);
            try
            {
                CheckpointFile.Validate(path);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                Warn($"ignoring checkpoint {path}: {e.Message}; trying the previous epoch");
                continue;
            }
            var state = CheckpointFile.Load(path, model, optimizer);
            if (state.Epoch != epoch)
                throw new InvalidDataException($"{path}: holds epoch {state.Epoch} but is named for epoch {epoch}");
            return state;
        }
        return null;
    }

    /// <summary>Loads the model weights of one epoch's checkpoint (e.g. the best epoch) into <paramref name="model"/>.</summary>
    public TrainingState LoadModel(int epoch, nn.Module model) => CheckpointFile.Load(PathFor(epoch), model, null);

    /// <summary>
    /// Sets <paramref name="model"/> to the element-wise mean of the model tensors of the newest
    /// <paramref name="count"/> complete checkpoints (WeNet's <c>average_model.py</c>: floating
    /// tensors averaged in float64; integer buffers such as BatchNorm's counters get the truncated
    /// mean, as WeNet's true_divide + copy into an integer buffer). Returns the epochs averaged.
    /// </summary>
    public IReadOnlyList<int> AverageLast(int count, nn.Module model)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "average at least one checkpoint");
        var epochs = new List<int>();
        foreach (int epoch in ListEpochs().Reverse())
        {
            if (epochs.Count == count) break;
            try
            {
                CheckpointFile.Validate(PathFor(epoch));
                epochs.Add(epoch);
            }
            catch (InvalidDataException e)
            {
                Warn($"not averaging {PathFor(epoch)}: {e.Message}");
            }
        }
        if (epochs.Count < count)
            throw new InvalidOperationException($"{Directory}: {count} checkpoints requested for averaging, only {epochs.Count} complete ones (epochs {string.Join(", ", epochs)})");
        epochs.Reverse();
        AverageEpochs(epochs, model);
        return epochs;
    }

    /// <summary>Sets <paramref name="model"/> to the mean of the model tensors of the given epochs' checkpoints (see <see cref="AverageLast"/>).</summary>
    public void AverageEpochs(IReadOnlyList<int> epochs, nn.Module model)
    {
        if (epochs.Count == 0) throw new ArgumentException("no epochs to average", nameof(epochs));
        Dictionary<string, Tensor>? sum = null;
        var floating = new Dictionary<string, bool>();
        try
        {
            foreach (int epoch in epochs)
            {
                string path = PathFor(epoch);
                var tensors = CheckpointFile.ReadModelState(path);
                try
                {
                    if (sum is null)
                    {
                        sum = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float64));
                        foreach (var (k, t) in tensors) floating[k] = t.is_floating_point();
                        continue;
                    }
                    if (!tensors.Keys.ToHashSet().SetEquals(sum.Keys))
                        throw new InvalidDataException($"{path}: tensor names differ from {PathFor(epochs[0])}");
                    foreach (var (k, t) in tensors)
                    {
                        if (!t.shape.SequenceEqual(sum[k].shape))
                            throw new InvalidDataException($"{path}: '{k}' has shape [{string.Join(", ", t.shape)}], {PathFor(epochs[0])} [{string.Join(", ", sum[k].shape)}]");
                        sum[k].add_(t.to_type(ScalarType.Float64));
                    }
                }
                finally
                {
                    foreach (var t in tensors.Values) t.Dispose();
                }
            }
            var mean = new Dictionary<string, Tensor>();
            foreach (var (k, s) in sum!)
            {
                var m = s.div(epochs.Count);
                if (!floating[k]) { var tr = m.trunc(); m.Dispose(); m = tr; }
                mean[k] = m;
            }
            try
            {
                CheckpointFile.CopyInto(model, mean, $"average of epochs {string.Join(", ", epochs)} in {Directory}");
            }
            finally
            {
                foreach (var t in mean.Values) t.Dispose();
            }
        }
        finally
        {
            if (sum is not null) foreach (var t in sum.Values) t.Dispose();
        }
    }

    /// <summary>Reads the manifest (null when there is none yet).</summary>
    public CheckpointManifest? ReadManifest()
    {
        string path = Path.Combine(Directory, ManifestName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(path), CheckpointFile.Json)
                ?? throw new InvalidDataException($"{path}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: unreadable manifest: {e.Message}", e);
        }
    }

    private void Prune(TrainingState state)
    {
        if (Options.KeepLast == 0) return;
        var epochs = ListEpochs();
        foreach (int epoch in epochs.Take(Math.Max(0, epochs.Count - Options.KeepLast)))
        {
            if (Options.KeepBest && state.BestEpoch == epoch) continue;
            File.Delete(PathFor(epoch));
        }
    }

    private void WriteManifest(TrainingState state)
    {
        var byEpoch = state.History.ToDictionary(h => h.Epoch);
        var manifest = new CheckpointManifest
        {
            BestEpoch = state.BestEpoch,
            BestMetric = state.BestMetric,
            History = state.History,
            Checkpoints = ListEpochs().Select(e => new CheckpointInfo
            {
                Epoch = e,
                File = FileNameFor(e),
                GlobalStep = byEpoch.TryGetValue(e, out var h) ? h.GlobalStep : 0,
                Metrics = byEpoch.TryGetValue(e, out var h2) ? h2.Metrics : new(),
                SavedUtc = File.GetLastWriteTimeUtc(PathFor(e)),
            }).ToList(),
        };
        string path = Path.Combine(Directory, ManifestName);
        string tmp = path + TempSuffix;
        File.WriteAllText(tmp, JsonSerializer.Serialize(manifest, CheckpointFile.Json));
        File.Move(tmp, path, overwrite: true);
    }

    private void Warn(string message)
    {
        if (Options.Warning is { } w) w(message);
        else Console.Error.WriteLine($"warning: {message}");
    }

    [GeneratedRegex(@"^epoch_(\d+)\.ckpt$")]
    private static partial Regex EpochFileRegex();
}
