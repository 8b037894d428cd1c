namespace Qieemo.ML.Data;

/// <summary>
/// Built-in English text for the synthetic corpora: emotion-congruent sentences for the four IEMOCAP classes,
/// neutral conversational sentences, and neutral read-speech sentences for LibriSpeech, all generated
/// combinatorially from small word lists (each template expands to dozens of distinct sentences).
/// </summary>
internal static class SentenceBank
{
    // Templates: {a|b|c} picks one alternative; an empty alternative is allowed.
    private static readonly Dictionary<string, string[]> Emotional = new(StringComparer.Ordinal)
    {
        ["hap"] =
        [
            "{I am|We are|Honestly, I'm} so {happy|glad|thrilled|delighted} about the {news|party|trip|results|wedding}.",
            "This is {wonderful|amazing|fantastic|great}, {thank you so much|I love it|what a lovely surprise}.",
            "{Yes|Wow|Oh}, {we won|you did it|it finally worked}, that is {brilliant|wonderful|so exciting}!",
            "I {can't wait|am so excited} to {see you|start the new job|go on holiday} {tomorrow|next week|this summer}.",
        ],
        ["ang"] =
        [
            "I am {sick and tired|fed up} of your {excuses|lies|attitude|nonsense}.",
            "{Get out|Stop it|Leave me alone}, I {hate|can't stand} {this|you|this place}!",
            "How dare you {lie to me|touch my things|ignore me}, this is {outrageous|unacceptable|ridiculous}.",
            "{Don't you ever|Never again} {talk to me like that|shout at me|waste my time}, {do you hear me|I mean it}!",
        ],
        ["sad"] =
        [
            "I {miss|lost} my {friend|father|dog|home} and I feel so {lonely|empty|hopeless}.",
            "{Nothing|Everything} {feels|seems} {pointless|grey|hopeless} since {she left|he died|we lost the house}.",
            "I'm sorry, I just {can't stop crying|feel so tired|want to be alone} {tonight|right now|today}.",
            "{Nobody|No one} {cares|remembers|calls} {anymore|about me|when I'm gone}, it {hurts|is so sad}.",
        ],
    };

    private static readonly string[] NeutralTemplates =
    [
        "The {meeting|train|appointment|delivery} is {at ten|on Tuesday|next week|at noon}{, I think|}.",
        "Please {put|leave|place} the {box|file|keys|papers} on the {table|desk|shelf}.",
        "{I need to|We should|Let's} {check the schedule|call the office|fill in the form|buy some bread}.",
        "{It is|That was} {about|around|roughly} {five|seven|twenty} {minutes|miles|dollars} from here.",
        "{The office|The shop|The library} {opens|closes} at {nine|six|eight} {on weekdays|in the morning|every day}.",
    ];

    private static readonly string[] ReadSubjects =
        ["the old man", "a young woman", "the captain", "my neighbour", "the little girl", "the doctor", "his brother", "the farmer", "the stranger", "our teacher"];
    private static readonly string[] ReadVerbs =
        ["walked slowly across", "looked out over", "spoke quietly about", "thought for a long time about", "had never seen",
         "wrote a long letter about", "returned at last to", "painted a picture of", "dreamed once more of", "carefully described"];
    private static readonly string[] ReadObjects =
        ["the quiet river", "the empty house", "the distant hills", "the old church", "the great city", "the narrow road",
         "the silver lake", "the crowded market", "the ancient forest", "the small harbour"];
    private static readonly string[] ReadTails =
        ["before the sun went down", "while the others were asleep", "in the early spring", "as he had promised", "",
         "on a cold winter morning", "without saying a word", "for the first time in years", "and then went home", "under a grey sky"];

    /// <summary>The emotion classes that have congruent sentences.</summary>
    public static IReadOnlyCollection<string> EmotionalClasses => Emotional.Keys;

    /// <summary>An emotion-congruent sentence for hap, ang or sad.</summary>
    public static string EmotionalSentence(string emotion, Random rng)
    {
        var templates = Emotional[emotion];
        return Expand(templates[rng.Next(templates.Length)], rng);
    }

    /// <summary>A neutral conversational sentence.</summary>
    public static string NeutralSentence(Random rng) => Expand(NeutralTemplates[rng.Next(NeutralTemplates.Length)], rng);

    /// <summary><paramref name="count"/> distinct neutral read-speech sentences (10^4 possible), in a seeded order.</summary>
    public static List<string> ReadSentences(int count, Random rng)
    {
        int space = ReadSubjects.Length * ReadVerbs.Length * ReadObjects.Length * ReadTails.Length;
        if (count > space) throw new ArgumentOutOfRangeException(nameof(count), $"at most {space} distinct read sentences");
        var chosen = new HashSet<int>();
        var result = new List<string>(count);
        while (result.Count < count)
        {
            int k = rng.Next(space);
            if (!chosen.Add(k)) continue;
            int t = k % ReadTails.Length, o = k / ReadTails.Length % ReadObjects.Length;
            int v = k / (ReadTails.Length * ReadObjects.Length) % ReadVerbs.Length, s = k / (ReadTails.Length * ReadObjects.Length * ReadVerbs.Length);
            string sentence = $"{ReadSubjects[s]} {ReadVerbs[v]} {ReadObjects[o]}" + (ReadTails[t].Length > 0 ? " " + ReadTails[t] : "") + ".";
            result.Add(char.ToUpperInvariant(sentence[0]) + sentence[1..]);
        }
        return result;
    }

    /// <summary>LibriSpeech transcript style: upper case, only letters, apostrophes and single spaces.</summary>
    public static string ToLibriSpeechText(string sentence)
    {
        var chars = sentence.ToUpperInvariant().Select(c => char.IsLetter(c) || c == '\'' ? c : ' ').ToArray();
        return string.Join(' ', new string(chars).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Expand(string template, Random rng)
    {
        var sb = new System.Text.StringBuilder();
        int i = 0;
        while (i < template.Length)
        {
            if (template[i] != '{') { sb.Append(template[i++]); continue; }
            int close = template.IndexOf('}', i);
            var options = template[(i + 1)..close].Split('|');
            sb.Append(options[rng.Next(options.Length)]);
            i = close + 1;
        }
        return sb.ToString();
    }
}
