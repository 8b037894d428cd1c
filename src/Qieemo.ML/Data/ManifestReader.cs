using System.Text;

namespace Qieemo.ML.Data;

/// <summary>
/// Loads a CSV/TSV manifest (header row, one utterance per row) into <see cref="Utterance"/> rows.
/// </summary>
/// <remarks>
/// Fields follow RFC 4180: a field may be double-quoted, and a quoted field may hold the delimiter, newlines and doubled
/// quotes (<c>""</c>). Blank lines are skipped. Errors (<see cref="InvalidDataException"/>) name the file and the line on
/// which the offending record starts. The row order of the file is kept. <see cref="Utterance.Id"/> is the audio file
/// name without extension.
/// </remarks>
public static class ManifestReader
{
    private const int MaxListedMissing = 5;

    /// <summary>Reads a manifest file.</summary>
    public static IReadOnlyList<Utterance> Read(string manifestPath, ManifestOptions? options = null)
    {
        options ??= new ManifestOptions();
        manifestPath = System.IO.Path.GetFullPath(manifestPath);
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"Manifest not found: {manifestPath}", manifestPath);
        string baseDir = System.IO.Path.GetDirectoryName(manifestPath)!;
        string content = File.ReadAllText(manifestPath, Encoding.UTF8);

        char delimiter = options.Delimiter ?? DetectDelimiter(content);
        using var records = ParseRecords(content, delimiter, manifestPath).GetEnumerator();
        if (!records.MoveNext()) throw new InvalidDataException($"{manifestPath}: manifest is empty (no header row)");
        var header = records.Current.Fields;

        int Column(string name, bool required)
        {
            int idx = -1;
            for (int i = 0; i < header.Count; i++)
                if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
                {
                    if (idx >= 0) throw new InvalidDataException($"{manifestPath}:1: column '{name}' appears twice in the header");
                    idx = i;
                }
            if (idx < 0 && required)
                throw new InvalidDataException($"{manifestPath}:1: header has no '{name}' column (columns: {string.Join(", ", header)}; delimiter '{Escape(delimiter)}')");
            return idx;
        }
        int pathCol = Column(options.PathColumn, true);
        int labelCol = Column(options.LabelColumn, options.RequireLabel);
        int sessionCol = Column(options.SessionColumn, false);
        int speakerCol = Column(options.SpeakerColumn, false);
        int textCol = Column(options.TextColumn, false);

        var rows = new List<Utterance>();
        var missing = new List<string>();
        while (records.MoveNext())
        {
            var (fields, line) = records.Current;
            if (fields.Count != header.Count)
                throw new InvalidDataException($"{manifestPath}:{line}: expected {header.Count} fields like the header, found {fields.Count}");
            string rel = fields[pathCol].Trim();
            if (rel.Length == 0) throw new InvalidDataException($"{manifestPath}:{line}: empty '{options.PathColumn}' field");
            string label = labelCol >= 0 ? fields[labelCol].Trim() : "";
            if (options.RequireLabel && label.Length == 0) throw new InvalidDataException($"{manifestPath}:{line}: empty '{options.LabelColumn}' field");
            string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDir, rel));
            if (options.CheckAudioExists && !File.Exists(path)) missing.Add($"{path} (line {line})");
            rows.Add(new Utterance
            {
                Path = path,
                Id = System.IO.Path.GetFileNameWithoutExtension(path),
                Label = label,
                Session = sessionCol >= 0 ? fields[sessionCol].Trim() : "",
                Speaker = speakerCol >= 0 ? fields[speakerCol].Trim() : "",
                Text = textCol >= 0 ? fields[textCol] : "",
            });
        }
        if (missing.Count > 0)
            throw new FileNotFoundException($"{manifestPath}: {missing.Count} audio file(s) missing, e.g. {string.Join(", ", missing.Take(MaxListedMissing))}");
        return rows;
    }

    /// <summary>The most frequent of tab, comma, semicolon in the first line outside quotes; comma when none occurs.</summary>
    internal static char DetectDelimiter(string content)
    {
        int tabs = 0, commas = 0, semis = 0;
        bool quoted = false;
        foreach (char c in content)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && (c == '\n' || c == '\r')) break;
            else if (!quoted && c == '\t') tabs++;
            else if (!quoted && c == ',') commas++;
            else if (!quoted && c == ';') semis++;
        }
        if (tabs >= commas && tabs >= semis && tabs > 0) return '\t';
        if (semis > commas) return ';';
        return ',';
    }

    /// <summary>RFC 4180 records with the 1-based line number where each starts; blank lines are skipped.</summary>
    internal static IEnumerable<(List<string> Fields, int Line)> ParseRecords(string content, char delimiter, string file)
    {
        int i = 0, line = 1;
        if (content.Length > 0 && content[0] == '\uFEFF') i = 1;
        while (i < content.Length)
        {
            int startLine = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            bool atFieldStart = true, quoted = false, endOfRecord = false, quotedSeen = false;
            while (i < content.Length && !endOfRecord)
            {
                char c = content[i];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (i + 1 < content.Length && content[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        quoted = false;
                        i++;
                        // After a closing quote only the delimiter or end of line may follow.
                        if (i < content.Length && content[i] != delimiter && content[i] != '\r' && content[i] != '\n')
                            throw new InvalidDataException($"{file}:{line}: unexpected '{content[i]}' after a closing quote");
                        continue;
                    }
                    if (c == '\n') line++;
                    field.Append(c);
                    i++;
                    continue;
                }
                if (c == '"' && atFieldStart) { quoted = true; quotedSeen = true; atFieldStart = false; i++; continue; }
                if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); atFieldStart = true; i++; continue; }
                if (c == '\r' || c == '\n')
                {
                    if (c == '\r' && i + 1 < content.Length && content[i + 1] == '\n') i++;
                    i++;
                    line++;
                    endOfRecord = true;
                    continue;
                }
                if (c == '"') throw new InvalidDataException($"{file}:{line}: quote inside an unquoted field");
                field.Append(c);
                atFieldStart = false;
                i++;
            }
            if (quoted) throw new InvalidDataException($"{file}:{startLine}: quoted field is not closed before the end of the file");
            if (fields.Count == 0 && !quotedSeen && field.ToString().Trim().Length == 0) continue; // blank line
            fields.Add(field.ToString());
            yield return (fields, startLine);
        }
    }

    private static string Escape(char c) => c == '\t' ? "\\t" : c.ToString();
}
