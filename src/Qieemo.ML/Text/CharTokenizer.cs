using System.Globalization;
using System.Text;

namespace Qieemo.ML.Text;

/// <summary>
/// Character units for CTC/attention ASR, following WeNet's conventions:
/// <c>&lt;blank&gt;</c> = 0, <c>&lt;unk&gt;</c> = 1, the characters in ordinal order, and
/// <c>&lt;sos/eos&gt;</c> = the last id. A character is a Unicode scalar value (a <see cref="Rune"/>),
/// as Python iterates a string in WeNet's tokenizer.
/// </summary>
/// <remarks>
/// <para>Text is normalised before encoding: leading/trailing whitespace is dropped and each run of
/// whitespace becomes one space, which encodes as the space unit (<see cref="SpaceSymbol"/>,
/// "▁" by default like WeNet, or "&lt;space&gt;"). Units files without a space unit (e.g. Mandarin
/// character models) drop spaces when encoding. No case folding: LibriSpeech transcripts are upper-case;
/// normalise the text before calling <see cref="Encode"/> if needed.</para>
/// <para>Units files (units.txt / lang_char.txt) hold one "token id" per line. Only single-character
/// units and bracketed specials (such as &lt;noise&gt;) are accepted: multi-character pieces such as
/// "▁THE" belong to a BPE model, which this tokenizer does not implement, and are rejected with an
/// <see cref="InvalidDataException"/> naming the file and line.</para>
/// </remarks>
public sealed class CharTokenizer
{
    /// <summary>The CTC blank unit (id 0).</summary>
    public const string BlankSymbol = "<blank>";
    /// <summary>The unknown-character unit (id 1).</summary>
    public const string UnkSymbol = "<unk>";
    /// <summary>The shared start/end-of-sentence unit (the last id).</summary>
    public const string SosEosSymbol = "<sos/eos>";
    /// <summary>WeNet's space unit, U+2581 "▁".</summary>
    public const string WeNetSpaceSymbol = "\u2581";
    /// <summary>ESPnet/Kaldi's space unit.</summary>
    public const string SpaceWordSymbol = "<space>";

    private readonly string[] _units;
    private readonly Dictionary<string, int> _ids;

    private CharTokenizer(string[] units, string? spaceSymbol)
    {
        _units = units;
        _ids = new Dictionary<string, int>(units.Length, StringComparer.Ordinal);
        for (int i = 0; i < units.Length; i++) _ids[units[i]] = i;
        SpaceSymbol = spaceSymbol;
    }

    /// <summary>Number of units including &lt;blank&gt;, &lt;unk&gt; and &lt;sos/eos&gt; (the output size of the heads).</summary>
    public int VocabularySize => _units.Length;
    /// <summary>Id of &lt;blank&gt; (0).</summary>
    public int BlankId => 0;
    /// <summary>Id of &lt;unk&gt; (1).</summary>
    public int UnkId => 1;
    /// <summary>Id of &lt;sos/eos&gt; (the last id).</summary>
    public int SosEosId => _units.Length - 1;
    /// <summary>The unit a space encodes to, or null when the units have none (spaces are then dropped).</summary>
    public string? SpaceSymbol { get; }
    /// <summary>All units, indexed by id.</summary>
    public IReadOnlyList<string> Units => _units;

    /// <summary>The unit of an id.</summary>
    public string IdToToken(int id)
    {
        if ((uint)id >= (uint)_units.Length) throw new ArgumentOutOfRangeException(nameof(id), $"id {id} is outside the vocabulary [0, {_units.Length})");
        return _units[id];
    }

    /// <summary>The id of a unit, or &lt;unk&gt;'s id when there is no such unit.</summary>
    public int TokenToId(string token) => _ids.TryGetValue(token, out int id) ? id : UnkId;

    /// <summary>
    /// Builds the units from training transcripts: every character seen at least
    /// <see cref="CharTokenizerOptions.MinCount"/> times, sorted by ordinal, plus the space unit when any
    /// transcript has more than one word.
    /// </summary>
    public static CharTokenizer Build(IEnumerable<string> transcripts, CharTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        options ??= new CharTokenizerOptions();
        // Only the two symbols Load recognises, so that Save/Load round-trips.
        if (options.SpaceSymbol != WeNetSpaceSymbol && options.SpaceSymbol != SpaceWordSymbol)
            throw new ArgumentException($"SpaceSymbol must be \"{WeNetSpaceSymbol}\" or \"{SpaceWordSymbol}\", got \"{options.SpaceSymbol}\"", nameof(options));
        if (options.MinCount < 1) throw new ArgumentException("MinCount must be at least 1", nameof(options));

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int line = 0;
        foreach (string transcript in transcripts)
        {
            line++;
            if (transcript == null) throw new ArgumentException($"transcript {line} is null", nameof(transcripts));
            foreach (Rune r in Normalize(transcript).EnumerateRunes())
            {
                string unit = r.Value == ' ' ? options.SpaceSymbol : r.ToString();
                // A literal "▁" in the text would decode as a space: refuse rather than corrupt.
                if (r.Value != ' ' && unit == options.SpaceSymbol)
                    throw new ArgumentException($"transcript {line} contains the space symbol '{unit}' as a character", nameof(transcripts));
                counts[unit] = counts.GetValueOrDefault(unit) + 1;
            }
        }
        var chars = counts.Where(kv => kv.Value >= options.MinCount).Select(kv => kv.Key).OrderBy(u => u, StringComparer.Ordinal);
        var units = new List<string> { BlankSymbol, UnkSymbol };
        units.AddRange(chars);
        units.Add(SosEosSymbol);
        return new CharTokenizer(units.ToArray(), options.SpaceSymbol);
    }

    /// <summary>Loads a units file ("token id" per line, WeNet's units.txt / lang_char.txt format).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A malformed line, missing/duplicate ids, special units out of place, or BPE pieces.</exception>
    public static CharTokenizer Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"units file not found: {path}", path);
        var byId = new SortedDictionary<int, (string Token, int Line)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path, Encoding.UTF8))
        {
            lineNo++;
            string text = raw.TrimEnd('\r');
            if (text.Trim().Length == 0) continue;
            string[] parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
                throw new InvalidDataException($"{path}:{lineNo}: expected 'token id', got '{text}'");
            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw new InvalidDataException($"{path}:{lineNo}: id '{parts[1]}' is not a non-negative integer");
            string token = parts[0];
            if (byId.TryGetValue(id, out var other))
                throw new InvalidDataException($"{path}:{lineNo}: id {id} already used by '{other.Token}' on line {other.Line}");
            if (seen.TryGetValue(token, out int otherLine))
                throw new InvalidDataException($"{path}:{lineNo}: unit '{token}' already listed on line {otherLine}");
            if (!IsBracketed(token) && CountRunes(token) != 1)
                throw new InvalidDataException(
                    $"{path}:{lineNo}: unit '{token}' has {CountRunes(token)} characters; it looks like a BPE/word piece, " +
                    "but only character units are supported (BPE models need their sentencepiece model)");
            byId[id] = (token, lineNo);
            seen[token] = lineNo;
        }
        if (byId.Count < 3) throw new InvalidDataException($"{path}: expected at least <blank>, <unk> and <sos/eos>, found {byId.Count} units");
        int expected = 0;
        foreach (var (id, entry) in byId)
        {
            if (id != expected) throw new InvalidDataException($"{path}: ids must be 0..{byId.Count - 1} without gaps; id {expected} is missing");
            expected++;
        }
        string[] units = byId.Values.Select(v => v.Token).ToArray();
        CheckSpecial(path, byId, 0, BlankSymbol);
        CheckSpecial(path, byId, 1, UnkSymbol);
        CheckSpecial(path, byId, units.Length - 1, SosEosSymbol);
        string? space = seen.ContainsKey(WeNetSpaceSymbol) ? WeNetSpaceSymbol : seen.ContainsKey(SpaceWordSymbol) ? SpaceWordSymbol : null;
        return new CharTokenizer(units, space);
    }

    /// <summary>Loads a WeNet character units file (same as <see cref="Load"/>; named for discoverability).</summary>
    public static CharTokenizer LoadWeNetUnits(string path) => Load(path);

    /// <summary>Writes the units as "token id" lines (UTF-8, '\n'), loadable by WeNet and by <see cref="Load"/>.</summary>
    public void Save(string path)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _units.Length; i++) sb.Append(_units[i]).Append(' ').Append(i.ToString(CultureInfo.InvariantCulture)).Append('\n');
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    /// <summary>Encodes text to unit ids (no &lt;sos/eos&gt;); unknown characters become &lt;unk&gt;.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length);
        foreach (string unit in Split(Normalize(text), SpaceSymbol))
        {
            if (unit.Length == 0) continue; // a space with no space unit
            ids.Add(TokenToId(unit));
        }
        return ids.ToArray();
    }

    /// <summary>
    /// Decodes unit ids to text: &lt;blank&gt; and &lt;sos/eos&gt; are skipped, the space unit becomes ' ',
    /// other units (including &lt;unk&gt;) are written as they are.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new StringBuilder();
        foreach (int id in ids)
        {
            string token = IdToToken(id);
            if (id == BlankId || id == SosEosId) continue;
            sb.Append(token == SpaceSymbol ? " " : token);
        }
        return sb.ToString();
    }

    private static void CheckSpecial(string path, SortedDictionary<int, (string Token, int Line)> byId, int id, string symbol)
    {
        if (byId[id].Token != symbol)
            throw new InvalidDataException($"{path}:{byId[id].Line}: id {id} must be {symbol} (WeNet convention), found '{byId[id].Token}'");
    }

    // Trim and collapse whitespace runs to one ' '.
    private static string Normalize(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    // Characters as units; ' ' becomes the space symbol (or "" when there is none).
    private static IEnumerable<string> Split(string normalized, string? spaceSymbol)
    {
        foreach (Rune r in normalized.EnumerateRunes())
            yield return r.Value == ' ' ? spaceSymbol ?? "" : r.ToString();
    }

    private static bool IsBracketed(string token) => token.Length > 2 && token[0] == '<' && token[^1] == '>';

    private static int CountRunes(string s)
    {
        int n = 0;
        foreach (Rune _ in s.EnumerateRunes()) n++;
        return n;
    }
}
