using System.Collections;
using Qieemo.ML.Modules;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Qieemo.ML.Models;

/// <summary>
/// Import and export of WeNet encoder weights in PyTorch's <c>torch.save(state_dict)</c> zip format
/// (read and written with TorchSharp.PyBridge's unpickler / pickler). Keys are WeNet's
/// (<c>encoder.embed.conv.0.weight</c>, …); other top-level modules of an ASR checkpoint
/// (<c>decoder.*</c>, <c>ctc.*</c>) are ignored on import. Matching is strict: any missing or
/// unexpected <c>encoder.*</c> key, or a shape mismatch, throws with the full list.
/// </summary>
public static class WeNetCheckpoint
{
    /// <summary>Key prefix of the encoder inside a WeNet ASR model.</summary>
    public const string EncoderPrefix = "encoder.";

    /// <summary>
    /// Builds the encoder described by a WeNet training yaml and loads its weights from a
    /// <c>torch.save</c>d state_dict. With <paramref name="cmvnJsonPath"/>, the GlobalCMVN buffers are
    /// set from WeNet's json statistics (and may be absent from the checkpoint). The encoder is
    /// returned in eval mode.
    /// </summary>
    public static ConformerEncoder LoadEncoder(string statePt, string yamlPath, string? cmvnJsonPath = null)
    {
        var config = EncoderConfig.FromWeNetYaml(yamlPath);
        (float[] Mean, float[] Istd)? cmvn = null;
        if (cmvnJsonPath is not null)
        {
            var stats = Features.GlobalCmvn.Load(cmvnJsonPath);
            cmvn = (stats.Mean, stats.Istd);
            if (cmvn.Value.Mean.Length != config.InputDim)
                throw new InvalidDataException($"{cmvnJsonPath}: {cmvn.Value.Mean.Length} CMVN features but input_dim is {config.InputDim} in {yamlPath}");
            config.UseGlobalCmvn = true;
        }
        var encoder = new ConformerEncoder(config);
        try
        {
            LoadStateDict(encoder, statePt, optionalKeys: cmvn is null ? null : new[] { "global_cmvn.mean", "global_cmvn.istd" });
            if (cmvn is { } s) encoder.GlobalCmvn!.SetStatistics(s.Mean, s.Istd);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
        encoder.eval();
        return encoder;
    }

    /// <summary>Reads every tensor of a <c>torch.save</c>d state_dict (zip format) by key.</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream, false, false);
        }
        catch (Exception e) when (e is not IOException || e is EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a readable torch.save state_dict (zip format, tensors only): {e.Message}", e);
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in table)
        {
            if (e.Key is string k && e.Value is Tensor t) result[k] = t;
        }
        if (result.Count == 0) throw new InvalidDataException($"{path}: the state_dict holds no tensors");
        return result;
    }

    /// <summary>
    /// Loads WeNet weights into <paramref name="encoder"/>: the checkpoint's <c>encoder.*</c> keys must
    /// equal the encoder's state_dict keys (keys in <paramref name="optionalKeys"/> may be missing),
    /// with equal shapes (a scalar stored as [1] is accepted for a [] buffer). Values are copied.
    /// </summary>
    public static void LoadStateDict(ConformerEncoder encoder, string statePt, IReadOnlyCollection<string>? optionalKeys = null)
    {
        var source = ReadStateDict(statePt);
        try
        {
            var target = encoder.state_dict();
            var encoderKeys = source.Keys.Where(k => k.StartsWith(EncoderPrefix, StringComparison.Ordinal))
                                         .ToDictionary(k => k.Substring(EncoderPrefix.Length), k => source[k], StringComparer.Ordinal);
            var missing = target.Keys.Where(k => !encoderKeys.ContainsKey(k) && !(optionalKeys?.Contains(k) ?? false)).ToList();
            var unexpected = encoderKeys.Keys.Where(k => !target.ContainsKey(k)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
            {
                string msg = $"{statePt}: state_dict does not match the encoder built from the configuration";
                if (encoderKeys.Count == 0) msg += $" (no '{EncoderPrefix}*' keys; first keys: {string.Join(", ", source.Keys.Take(5))})";
                if (missing.Count > 0) msg += $"; missing keys ({missing.Count}): {string.Join(", ", missing.Select(k => EncoderPrefix + k))}";
                if (unexpected.Count > 0) msg += $"; unexpected keys ({unexpected.Count}): {string.Join(", ", unexpected.Select(k => EncoderPrefix + k))}";
                throw new InvalidDataException(msg);
            }
            var badShapes = new List<string>();
            foreach (var (key, src) in encoderKeys)
            {
                var dst = target[key];
                bool scalarAsOne = dst.dim() == 0 && src.numel() == 1;
                if (!scalarAsOne && !dst.shape.SequenceEqual(src.shape))
                    badShapes.Add($"{EncoderPrefix}{key}: checkpoint [{string.Join(", ", src.shape)}] vs encoder [{string.Join(", ", dst.shape)}]");
                else if (dst.dtype != src.dtype && !(dst.is_floating_point() && src.is_floating_point()))
                    badShapes.Add($"{EncoderPrefix}{key}: checkpoint {src.dtype} vs encoder {dst.dtype}");
            }
            if (badShapes.Count > 0)
                throw new InvalidDataException($"{statePt}: shape/type mismatches ({badShapes.Count}): {string.Join("; ", badShapes)}");

            using var _ = no_grad();
            foreach (var (key, src) in encoderKeys)
            {
                var dst = target[key];
                using var value = src.reshape(dst.shape).to_type(dst.dtype);
                dst.copy_(value);
            }
        }
        finally
        {
            foreach (var t in source.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Writes the encoder's parameters and buffers as a WeNet-loadable state_dict
    /// (<c>torch.load</c> gives a dict of <c>encoder.*</c> tensors that
    /// <c>model.load_state_dict(..., strict=False)</c> / an encoder-only module accepts).
    /// </summary>
    public static void SaveWeNetStateDict(ConformerEncoder encoder, string path)
    {
        var dict = new Hashtable();
        var copies = new List<Tensor>();
        try
        {
            foreach (var (key, value) in encoder.state_dict())
            {
                var copy = value.detach().cpu().contiguous().clone();
                copies.Add(copy);
                dict[EncoderPrefix + key] = copy;
            }
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
            PyTorchPickler.PickleStateDict(stream, dict, false);
        }
        finally
        {
            foreach (var t in copies) t.Dispose();
        }
    }
}
