using Microsoft.ML;
using Qieemo.ML.Data;

namespace Qieemo.Cli;

/// <summary>A corpus named on the command line as LAYOUT:PATH (iemocap:DIR, librispeech:DIR, manifest:FILE).</summary>
internal sealed record CorpusSpec(string Layout, string Path)
{
    public static CorpusSpec Parse(string text)
    {
        int colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new UsageException($"corpus '{text}' must be LAYOUT:PATH, e.g. iemocap:data/iemocap (layouts: iemocap, librispeech, manifest)");
        string layout = text[..colon].ToLowerInvariant(), path = text[(colon + 1)..];
        if (layout is not ("iemocap" or "librispeech" or "manifest"))
            throw new UsageException($"unknown corpus layout '{layout}' (iemocap, librispeech, manifest)");
        if (layout == "manifest" ? !File.Exists(path) : !Directory.Exists(path))
            throw new FileNotFoundException($"{path}: {(layout == "manifest" ? "file" : "folder")} not found", path);
        return new CorpusSpec(layout, path);
    }

    /// <summary>Utterances with Path, Label, Session, Speaker (IEMOCAP 4-class protocol by default).</summary>
    public IDataView LoadEmotion(MLContext ml) => Layout switch
    {
        "iemocap" => ml.Data.LoadIemocap(Path),
        "manifest" => ml.Data.LoadManifest(Path),
        _ => throw new UsageException($"an emotion corpus is needed (iemocap:DIR or manifest:FILE), not {Layout}"),
    };
}
