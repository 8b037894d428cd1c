using System.Text.Json.Serialization;
using Microsoft.ML;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Reporting;

/// <summary>What the model was evaluated on: corpus, number of utterances, and counts per session, label and speaker.</summary>
public sealed record DatasetSummary
{
    /// <summary>Corpus name (e.g. "IEMOCAP").</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>Where the corpus was read from, or null.</summary>
    [JsonPropertyName("path")] public string? Path { get; init; }

    /// <summary>Number of utterances.</summary>
    [JsonPropertyName("utterances")] public long Utterances { get; init; }

    /// <summary>Utterances per session, sessions in ordinal order.</summary>
    [JsonPropertyName("sessions")] public Dictionary<string, long> Sessions { get; init; } = new();

    /// <summary>Utterances per label, in the label column's class order.</summary>
    [JsonPropertyName("labels")] public Dictionary<string, long> Labels { get; init; } = new();

    /// <summary>Number of distinct speakers, or null when unknown.</summary>
    [JsonPropertyName("speakers")] public int? Speakers { get; init; }

    /// <summary>
    /// Counts the sessions, labels and (optionally) speakers of a data view; columns may be text, number or key typed.
    /// </summary>
    /// <param name="name">Corpus name.</param>
    /// <param name="path">Corpus location, or null.</param>
    /// <param name="data">The utterances.</param>
    /// <param name="sessionColumnName">Session column.</param>
    /// <param name="labelColumnName">Label column.</param>
    /// <param name="speakerColumnName">Speaker column, or null when there is none.</param>
    /// <exception cref="ArgumentException">A column is missing or of an unsupported type.</exception>
    /// <exception cref="InvalidDataException">A row has a missing session or label.</exception>
    public static DatasetSummary FromDataView(string name, string? path, IDataView data, string sessionColumnName = "Session",
        string labelColumnName = "Label", string? speakerColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(data);
        var columnNames = speakerColumnName == null
            ? new[] { sessionColumnName, labelColumnName }
            : new[] { sessionColumnName, labelColumnName, speakerColumnName };
        var columns = LabelColumnReader.Read(data, columnNames);
        for (int c = 0; c < 2; c++)
            for (int r = 0; r < columns[c].Values.Length; r++)
                if (columns[c].Values[r] == null)
                    throw new InvalidDataException($"Row {r} has a missing value in column '{columnNames[c]}'.");

        var sessions = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in columns[0].Values) sessions[s!] = sessions.GetValueOrDefault(s!) + 1;
        var labels = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var l in columns[1].Classes()) labels[l] = 0;
        foreach (var l in columns[1].Values) labels[l!] = labels.GetValueOrDefault(l!) + 1;
        int? speakers = speakerColumnName == null ? null : columns[2].DistinctNames().Count();
        return new DatasetSummary
        {
            Name = name,
            Path = path,
            Utterances = columns[0].Values.Length,
            Sessions = new Dictionary<string, long>(sessions),
            Labels = labels,
            Speakers = speakers,
        };
    }
}
