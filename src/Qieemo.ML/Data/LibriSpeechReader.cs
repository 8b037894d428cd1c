using System.Text.RegularExpressions;

namespace Qieemo.ML.Data;

/// <summary>
/// Reads LibriSpeech-layout corpora: <c>&lt;subset&gt;/&lt;speaker&gt;/&lt;chapter&gt;/&lt;speaker&gt;-&lt;chapter&gt;-&lt;utt&gt;.flac</c>
/// with one <c>&lt;speaker&gt;-&lt;chapter&gt;.trans.txt</c> per chapter (lines <c>ID TEXT...</c>).
/// </summary>
/// <remarks>
/// The root may be a subset folder (its children are numeric speaker folders) or the LibriSpeech folder holding
/// several subsets. Rows carry <see cref="Utterance.Path"/>, <see cref="Utterance.Id"/>, <see cref="Utterance.Speaker"/>,
/// <see cref="Utterance.Chapter"/>, <see cref="Utterance.Text"/>, <see cref="Utterance.Duration"/> (from the FLAC STREAMINFO
/// header) and the subset name in <see cref="Utterance.Session"/>. A <c>.wav</c> file is accepted where no <c>.flac</c>
/// exists (the synthetic corpus falls back to WAV when the flac tool is missing).
/// </remarks>
public static partial class LibriSpeechReader
{
    /// <summary>Reads the subset(s) under <paramref name="root"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The root or a requested subset does not exist.</exception>
    /// <exception cref="InvalidDataException">Malformed transcript line, transcript line without audio or audio without transcript (unless skipped), bad audio header.</exception>
    public static LibriSpeechCorpus Read(string root, LibriSpeechOptions? options = null)
    {
        options ??= new LibriSpeechOptions();
        root = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"LibriSpeech root not found: {root}");

        var subsetDirs = ResolveSubsets(root, options.Subsets);
        var all = new List<Utterance>();
        var subsetCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int chapters = 0, skipped = 0;
        foreach (var subsetDir in subsetDirs)
        {
            string subset = System.IO.Path.GetFileName(subsetDir);
            subsetCounts[subset] = 0;
            foreach (var speakerDir in NumericDirs(subsetDir))
                foreach (var chapterDir in NumericDirs(speakerDir))
                {
                    chapters++;
                    var (utts, skip) = ReadChapter(chapterDir, subset, options);
                    skipped += skip;
                    all.AddRange(utts);
                    subsetCounts[subset] += utts.Count;
                }
        }
        if (all.Count == 0 && skipped == 0) throw new InvalidDataException($"No LibriSpeech utterances under {root}");

        all.Sort((a, b) =>
        {
            int c = string.CompareOrdinal(a.Session, b.Session);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });
        var speakers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var u in all) speakers[u.Speaker] = speakers.GetValueOrDefault(u.Speaker) + 1;
        double hours = options.ReadDurations ? all.Sum(u => (double)u.Duration) / 3600 : double.NaN;
        var summary = new LibriSpeechSummary
        {
            Utterances = all.Count, Speakers = speakers, Subsets = subsetCounts, Chapters = chapters, Hours = hours, Skipped = skipped,
        };
        return new LibriSpeechCorpus(root, all, summary);
    }

    private static List<string> ResolveSubsets(string root, IReadOnlyCollection<string>? requested)
    {
        string rootName = System.IO.Path.GetFileName(root.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        if (NumericDirs(root).Any())
        {
            if (requested != null && !requested.Contains(rootName))
                throw new ArgumentException($"{root} is the LibriSpeech subset '{rootName}', which is not among the requested subsets {string.Join(", ", requested)}");
            return [root];
        }
        if (requested != null)
        {
            var dirs = new List<string>();
            foreach (var s in requested.Distinct().OrderBy(s => s, StringComparer.Ordinal))
            {
                string dir = System.IO.Path.Combine(root, s);
                if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"LibriSpeech subset folder not found: {dir}");
                dirs.Add(dir);
            }
            return dirs;
        }
        var present = Directory.GetDirectories(root).Where(d => NumericDirs(d).Any()).OrderBy(d => d, StringComparer.Ordinal).ToList();
        if (present.Count == 0) throw new DirectoryNotFoundException($"{root} holds neither LibriSpeech speaker folders nor subset folders");
        return present;
    }

    private static IEnumerable<string> NumericDirs(string dir) =>
        Directory.GetDirectories(dir)
            .Where(d => System.IO.Path.GetFileName(d).All(char.IsAsciiDigit))
            .OrderBy(d => d, StringComparer.Ordinal);

    private static (List<Utterance> Utterances, int Skipped) ReadChapter(string chapterDir, string subset, LibriSpeechOptions options)
    {
        string chapter = System.IO.Path.GetFileName(chapterDir);
        string speaker = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(chapterDir)!);
        string prefix = $"{speaker}-{chapter}";
        string transFile = System.IO.Path.Combine(chapterDir, prefix + ".trans.txt");

        // Audio present in the folder: id -> path (FLAC preferred over a WAV of the same id).
        var audio = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var ext in new[] { ".wav", ".flac" })
            foreach (var f in Directory.GetFiles(chapterDir, "*" + ext))
                audio[System.IO.Path.GetFileNameWithoutExtension(f)] = f;

        var result = new List<Utterance>();
        int skipped = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(transFile))
        {
            int lineNo = 0;
            foreach (var raw in File.ReadLines(transFile))
            {
                lineNo++;
                string line = raw.TrimEnd('\r');
                if (line.Trim().Length == 0) continue;
                var m = TranscriptLine().Match(line);
                if (!m.Success) throw new InvalidDataException($"{transFile}:{lineNo}: expected '<speaker>-<chapter>-<utt> TEXT', got '{line}'");
                string id = m.Groups[1].Value;
                if (!id.StartsWith(prefix + "-", StringComparison.Ordinal))
                    throw new InvalidDataException($"{transFile}:{lineNo}: utterance id '{id}' does not belong to speaker {speaker}, chapter {chapter}");
                if (!seen.Add(id)) throw new InvalidDataException($"{transFile}:{lineNo}: duplicate utterance id '{id}'");
                if (!audio.TryGetValue(id, out var path))
                {
                    if (options.SkipMismatched) { skipped++; continue; }
                    throw new InvalidDataException($"{transFile}:{lineNo}: transcript line for '{id}' has no audio file ({id}.flac) in {chapterDir}");
                }
                var u = new Utterance
                {
                    Path = path, Id = id, Session = subset, Speaker = speaker, Chapter = chapter, Text = m.Groups[2].Value.Trim(),
                };
                if (options.ReadDurations) u.Duration = (float)AudioDuration.Seconds(path);
                result.Add(u);
            }
        }
        foreach (var (id, path) in audio)
        {
            if (seen.Contains(id)) continue;
            if (options.SkipMismatched) { skipped++; continue; }
            throw new InvalidDataException(File.Exists(transFile)
                ? $"{path}: audio file has no line in the transcript {transFile}"
                : $"{path}: audio file has no transcript ({transFile} does not exist)");
        }
        return (result, skipped);
    }

    [GeneratedRegex(@"^(\d+-\d+-\d+)(?:[ \t]+(.*))?$")]
    private static partial Regex TranscriptLine();
}
