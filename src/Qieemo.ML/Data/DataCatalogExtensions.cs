using Microsoft.ML;

namespace Qieemo.ML.Data;

/// <summary>
/// Loads corpora into ML.NET <see cref="IDataView"/>s with the <see cref="Utterance"/> schema
/// (text columns Path, Id, Dialog, Session, Speaker, Gender, Label, Text, Chapter; float columns Valence, Arousal,
/// Dominance, Start, End, Duration).
/// </summary>
/// <remarks>The corpus is read eagerly (so format errors surface here, not in the middle of training) and then wrapped
/// with <see cref="DataOperationsCatalog.LoadFromEnumerable{TRow}(IEnumerable{TRow}, Microsoft.ML.Data.SchemaDefinition)"/>.</remarks>
public static class DataCatalogExtensions
{
    /// <summary>Reads IEMOCAP with <see cref="IemocapReader.Read"/>.</summary>
    public static IDataView LoadIemocap(this DataOperationsCatalog catalog, string root, IemocapOptions? options = null) =>
        catalog.LoadFromEnumerable(IemocapReader.Read(root, options).Utterances);

    /// <summary>Reads a LibriSpeech subset or LibriSpeech folder with <see cref="LibriSpeechReader.Read"/>.</summary>
    public static IDataView LoadLibriSpeech(this DataOperationsCatalog catalog, string root, LibriSpeechOptions? options = null) =>
        catalog.LoadFromEnumerable(LibriSpeechReader.Read(root, options).Utterances);

    /// <summary>Reads a CSV/TSV manifest with <see cref="ManifestReader.Read"/>.</summary>
    public static IDataView LoadManifest(this DataOperationsCatalog catalog, string manifestPath, ManifestOptions? options = null) =>
        catalog.LoadFromEnumerable(ManifestReader.Read(manifestPath, options));
}
