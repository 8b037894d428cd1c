using System.Globalization;
using System.Text.RegularExpressions;

namespace Qieemo.ML.Data;

/// <summary>
/// Reads the IEMOCAP corpus (release 1.0 layout) into <see cref="Utterance"/> rows.
/// </summary>
/// <remarks>
/// <para>Layout read: <c>root/SessionK/dialog/EmoEvaluation/&lt;dialog&gt;.txt</c> (only the files directly in that folder;
/// the Categorical/, Attribute/ and Self-evaluation/ subfolders are ignored), one summary line per turn
/// <c>[START - END]\tTURN\tLABEL\t[V, A, D]</c>; evaluator lines and the <c>%</c> header are ignored, and so are macOS
/// <c>._*</c> companion files.
/// Audio: <c>root/SessionK/sentences/wav/&lt;dialog&gt;/&lt;turn&gt;.wav</c> where the dialog is the turn name minus its
/// last 5 characters (<c>Ses01F_script01_1_F000</c> → <c>Ses01F_script01_1</c>).
/// Transcripts: <c>root/SessionK/dialog/transcriptions/&lt;dialog&gt;.txt</c>.</para>
/// <para>The speaker is the session plus the gender of the <em>turn</em>, not of the dialog name:
/// <c>Ses01F_impro01_M013</c> is spoken by <c>Ses01M</c>.</para>
/// <para>Errors: a malformed summary line throws <see cref="InvalidDataException"/> naming the file and line; missing WAV
/// files throw <see cref="FileNotFoundException"/> listing how many and the first few (unless
/// <see cref="IemocapOptions.SkipMissingAudio"/>); a session folder that exists but holds no utterance at all
/// (before label filtering) throws <see cref="InvalidDataException"/>: an empty session is almost always a broken
/// extraction, and silently training on four sessions would corrupt leave-one-session-out results.</para>
/// </remarks>
public static partial class IemocapReader
{
    /// <summary>
    /// Counts of the standard 4-class protocol (<see cref="IemocapLabelSets.FourClass"/>, all sessions, improvised and
    /// scripted) on the real IEMOCAP release, to check a local copy against.
    /// </summary>
    public static class StandardCounts
    {
        /// <summary>All utterances kept by the 4-class protocol.</summary>
        public const int Total = 5531;
        /// <summary>Session 1.</summary>
        public const int Session1 = 1085;
        /// <summary>Session 2.</summary>
        public const int Session2 = 1023;
        /// <summary>Session 3.</summary>
        public const int Session3 = 1151;
        /// <summary>Session 4.</summary>
        public const int Session4 = 1031;
        /// <summary>Session 5.</summary>
        public const int Session5 = 1241;
        /// <summary>neu.</summary>
        public const int Neutral = 1708;
        /// <summary>hap including exc.</summary>
        public const int Happy = 1636;
        /// <summary>ang.</summary>
        public const int Angry = 1103;
        /// <summary>sad.</summary>
        public const int Sad = 1084;
    }

    private const int MaxListedMissing = 5;

    /// <summary>Reads the corpus under <paramref name="root"/> (the folder holding Session1..Session5).</summary>
    /// <exception cref="DirectoryNotFoundException">The root or a requested session folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A malformed summary line (message names file and line) or an empty session.</exception>
    /// <exception cref="FileNotFoundException">WAV files are missing and <see cref="IemocapOptions.SkipMissingAudio"/> is off.</exception>
    public static IemocapCorpus Read(string root, IemocapOptions? options = null)
    {
        options ??= new IemocapOptions();
        ArgumentNullException.ThrowIfNull(options.LabelSet, nameof(options.LabelSet));
        root = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"IEMOCAP root not found: {root}");

        var sessions = ResolveSessions(root, options.Sessions);
        var kept = new List<Utterance>();
        var missing = new List<string>();
        int dropped = 0;
        foreach (int k in sessions)
        {
            string sessionDir = System.IO.Path.Combine(root, $"Session{k}");
            string evalDir = System.IO.Path.Combine(sessionDir, "dialog", "EmoEvaluation");
            if (!Directory.Exists(evalDir)) throw new InvalidDataException($"IEMOCAP session Session{k} has no dialog/EmoEvaluation folder: {evalDir}");
            // "._*" are macOS AppleDouble companions found in some copies of the corpus, not annotations.
            var files = Directory.GetFiles(evalDir, "*.txt", SearchOption.TopDirectoryOnly)
                .Where(f => !System.IO.Path.GetFileName(f).StartsWith("._", StringComparison.Ordinal)).ToArray();
            Array.Sort(files, StringComparer.Ordinal);
            int readInSession = 0;
            var transcripts = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                foreach (var u in ParseEvaluationFile(file, k))
                {
                    readInSession++;
                    if (options.ImprovisedOnly && !u.Dialog.Contains("_impro", StringComparison.Ordinal)) { dropped++; continue; }
                    if (!options.LabelSet.TryGetValue(u.Label, out var mapped) || string.IsNullOrEmpty(mapped)) { dropped++; continue; }
                    u.Label = mapped;
                    u.Path = System.IO.Path.Combine(sessionDir, "sentences", "wav", u.Dialog, u.Id + ".wav");
                    if (!File.Exists(u.Path)) { missing.Add(u.Path); continue; }
                    if (options.ReadTranscripts)
                    {
                        if (!transcripts.TryGetValue(u.Dialog, out var map))
                            transcripts[u.Dialog] = map = ReadTranscripts(System.IO.Path.Combine(sessionDir, "dialog", "transcriptions", u.Dialog + ".txt"));
                        u.Text = map.GetValueOrDefault(u.Id, "");
                    }
                    kept.Add(u);
                }
            }
            if (readInSession == 0)
                throw new InvalidDataException($"IEMOCAP session Session{k} is empty: no utterance summary lines in the {files.Length} file(s) of {evalDir}");
        }

        if (missing.Count > 0 && !options.SkipMissingAudio)
            throw new FileNotFoundException(
                $"IEMOCAP: {missing.Count} WAV file(s) missing under {root}, e.g. {string.Join(", ", missing.Take(MaxListedMissing))}" +
                " (set IemocapOptions.SkipMissingAudio to skip them)", missing[0]);

        kept.Sort((a, b) =>
        {
            int c = string.CompareOrdinal(a.Session, b.Session);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });
        var summary = CorpusSummary.FromUtterances(kept, sessions.Select(k => $"Session{k}"), dropped, missing.Count);
        return new IemocapCorpus(root, kept, summary);
    }

    private static List<int> ResolveSessions(string root, IReadOnlyCollection<int>? requested)
    {
        if (requested != null)
        {
            var list = requested.Distinct().OrderBy(k => k).ToList();
            if (list.Count == 0) throw new ArgumentException("IemocapOptions.Sessions is empty", nameof(requested));
            foreach (int k in list)
            {
                if (k < 1 || k > 5) throw new ArgumentException($"IEMOCAP has sessions 1-5, got {k}", nameof(requested));
                string dir = System.IO.Path.Combine(root, $"Session{k}");
                if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"IEMOCAP session folder not found: {dir}");
            }
            return list;
        }
        var present = Enumerable.Range(1, 5).Where(k => Directory.Exists(System.IO.Path.Combine(root, $"Session{k}"))).ToList();
        if (present.Count == 0) throw new DirectoryNotFoundException($"No IEMOCAP Session1..Session5 folder under {root}");
        return present;
    }

    /// <summary>Parses the summary lines of one EmoEvaluation file (raw labels, no path).</summary>
    internal static IEnumerable<Utterance> ParseEvaluationFile(string file, int session)
    {
        int lineNo = 0;
        foreach (var raw in File.ReadLines(file))
        {
            lineNo++;
            string line = raw.TrimEnd('\r', ' ');
            if (!line.StartsWith('[')) continue; // header (%), blank and evaluator lines
            yield return ParseSummaryLine(line, file, lineNo, session);
        }
    }

    private static Utterance ParseSummaryLine(string line, string file, int lineNo, int session)
    {
        InvalidDataException Bad(string what) => new($"{file}:{lineNo}: {what} in IEMOCAP summary line '{line}'");

        var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length != 4) throw Bad($"expected 4 tab-separated fields ([start - end], turn, label, [V, A, D]), found {fields.Length}");

        var time = TimeRange().Match(fields[0]);
        if (!time.Success) throw Bad("bad time range");
        float start = ParseFloat(time.Groups[1].Value), end = ParseFloat(time.Groups[2].Value);
        if (!(start >= 0) || !(end >= start)) throw Bad($"bad time range (start {start}, end {end})");

        string turn = fields[1];
        var name = TurnName().Match(turn);
        if (!name.Success) throw Bad($"bad turn name '{turn}'");
        int turnSession = int.Parse(name.Groups[1].Value, CultureInfo.InvariantCulture);
        if (turnSession != session) throw Bad($"turn '{turn}' belongs to session {turnSession}, found in Session{session}");
        string gender = name.Groups[2].Value;

        string label = fields[2];
        if (label.Any(char.IsWhiteSpace) || label.Length == 0) throw Bad("bad label");

        var vad = Vad().Match(fields[3]);
        if (!vad.Success) throw Bad("bad [valence, activation, dominance]");

        return new Utterance
        {
            Id = turn,
            Dialog = turn[..^5],
            Session = $"Session{session}",
            Speaker = $"Ses{turnSession:00}{gender}",
            Gender = gender,
            Label = label,
            Valence = ParseFloat(vad.Groups[1].Value),
            Arousal = ParseFloat(vad.Groups[2].Value),
            Dominance = ParseFloat(vad.Groups[3].Value),
            Start = start,
            End = end,
            Duration = end - start,
        };
    }

    /// <summary>Turn → transcript from one transcriptions file; empty when the file does not exist.</summary>
    internal static Dictionary<string, string> ReadTranscripts(string file)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(file)) return map;
        foreach (var line in File.ReadLines(file))
        {
            // Lines like "Ses01F_impro01_F000 [006.2901-008.2357]: Excuse me."; others (e.g. M: [BREATHING]) are not turns.
            var m = TranscriptLine().Match(line.TrimEnd('\r'));
            if (m.Success) map[m.Groups[1].Value] = m.Groups[2].Value.Trim();
        }
        return map;
    }

    private static float ParseFloat(string s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\[\s*(\d+(?:\.\d*)?)\s*-\s*(\d+(?:\.\d*)?)\s*\]$")]
    private static partial Regex TimeRange();

    // Ses01F_impro01_F000, Ses01F_script01_1_M013, Ses03M_impro05b_F012: session, dialog, gender + 3-digit index.
    [GeneratedRegex(@"^Ses(\d\d)[FM]_\S+_([FM])\d{3}$")]
    private static partial Regex TurnName();

    private const string Num = @"\s*([+-]?\d+(?:\.\d*)?)\s*";
    [GeneratedRegex(@"^\[" + Num + "," + Num + "," + Num + @"\]$")]
    private static partial Regex Vad();

    [GeneratedRegex(@"^(Ses\d\d[FM]_\S+_[FM]\d{3})\s+\[[^\]]*\]:(.*)$")]
    private static partial Regex TranscriptLine();
}
