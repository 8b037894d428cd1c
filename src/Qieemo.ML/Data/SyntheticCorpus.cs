using System.Diagnostics;
using System.Globalization;
using System.Security;
using System.Text;

namespace Qieemo.ML.Data;

/// <summary>
/// Writes small synthetic corpora in the real IEMOCAP and LibriSpeech layouts with espeak-ng (speech), sox
/// (resampling to 16 kHz mono 16-bit, without dither so output is byte-for-byte repeatable) and flac.
/// </summary>
/// <remarks>
/// <para><b>IEMOCAP</b>: 5 sessions × 2 speakers (F, M), each a distinct espeak-ng voice+variant with its own pitch, rate
/// and loudness offsets; improvised and scripted dialogs named like the real ones (<c>Ses01F_impro01</c>,
/// <c>Ses01M_script01_2</c>); EmoEvaluation files in the real format (header, summary line, categorical and attribute
/// evaluator lines whose majority/mean give the summary); <c>sentences/wav/&lt;dialog&gt;/&lt;turn&gt;.wav</c>;
/// <c>dialog/transcriptions/&lt;dialog&gt;.txt</c>. The count passed is the number of turns written, distractors included:
/// about <see cref="SyntheticCorpusOptions.DistractorFraction"/> (25%) of turns get fru, sur, fea, dis, oth or xxx, which
/// the 4-class reader drops. The four classes are carried by two noisy cues so that neither alone suffices:
/// prosody (espeak pitch, SSML pitch range, rate and amplitude drawn from overlapping per-class normal distributions plus
/// per-speaker offsets) and words (60% emotion-congruent sentences, 10% sentences of another emotion, the rest neutral).
/// Measured on the default corpus (seed 0, 1000 turns, 755 kept by the 4-class reader): logistic regression on the
/// per-utterance mean and standard deviation of 40 Kaldi log-mel filterbanks, leave-one-session-out, reaches 52%
/// (chance 25%); adding per-band maxima and the duration, 65%; with per-speaker feature normalisation, 71%.</para>
/// <para><b>LibriSpeech</b>: neutral read sentences from a combinatorial word-list generator, speakers with numeric ids,
/// two chapters each, in <c>train-clean-100</c> and <c>dev-clean</c> (held-out speakers), FLAC files and upper-case
/// <c>trans.txt</c>. Without the flac tool the audio is written as WAV (the reader accepts both).</para>
/// <para>Determinism: the whole plan (labels, texts, voices, prosody) is drawn sequentially from one seeded generator
/// before synthesis; the parallel processes only execute it, so the same seed gives the same files and bytes on the
/// same espeak-ng/sox build. Requires espeak-ng and sox on PATH.</para>
/// </remarks>
public static class SyntheticCorpus
{
    /// <summary>The four classes of the standard protocol.</summary>
    internal static readonly string[] Classes = ["neu", "hap", "ang", "sad"];
    /// <summary>Labels the 4-class protocol drops.</summary>
    internal static readonly string[] Distractors = ["fru", "sur", "fea", "dis", "oth", "xxx"];

    // Distinct voices per session and gender (en-gb does not take variants in espeak-ng 1.51, so "en+..." is used).
    private static readonly string[] FemaleVoices = ["en-us+f1", "en+f2", "en-gb-scotland+f3", "en-029+f4", "en-gb-x-rp+f5"];
    private static readonly string[] MaleVoices = ["en-us+m1", "en+m3", "en-gb-x-gbclan+m2", "en-us-nyc+m4", "en-gb-x-gbcwmd+m6"];
    private static readonly string[] ReaderVoices =
    [
        "en-us+f3", "en+m5", "en-gb-x-rp+m7", "en-029+f1", "en-gb-scotland+m8", "en-us-nyc+f5", "en-gb-x-gbcwmd+f4", "en-gb-x-gbclan+m1",
        "en+f4", "en-us+m2", "en-gb-x-rp+f2", "en-029+m3", "en-gb-scotland+f1", "en-us-nyc+m6", "en-gb-x-gbcwmd+m4", "en-gb-x-gbclan+f3",
    ];

    // Per-class prosody: mean and standard deviation of (espeak pitch 0-99, SSML range %, rate wpm, amplitude 0-200).
    private static readonly Dictionary<string, (double[] Mean, double[] Std)> ClassProsody = new()
    {
        ["neu"] = ([48, 90, 165, 100], [9, 30, 18, 18]),
        ["hap"] = ([64, 160, 185, 120], [9, 30, 18, 18]),
        ["ang"] = ([57, 130, 200, 150], [9, 30, 18, 18]),
        ["sad"] = ([36, 55, 135, 72], [9, 30, 18, 18]),
    };

    // Mean evaluator (valence, activation, dominance) on IEMOCAP's 1-5 scale per raw label.
    private static readonly Dictionary<string, double[]> LabelVad = new()
    {
        ["neu"] = [3.0, 2.5, 2.8], ["hap"] = [4.0, 3.2, 3.0], ["exc"] = [3.8, 3.8, 3.3], ["ang"] = [1.9, 3.9, 3.9],
        ["sad"] = [2.0, 2.2, 2.3], ["fru"] = [2.1, 3.2, 3.3], ["sur"] = [3.3, 3.6, 2.9], ["fea"] = [2.2, 3.3, 2.2],
        ["dis"] = [2.0, 3.0, 3.3], ["oth"] = [2.9, 2.9, 2.9], ["xxx"] = [2.7, 2.9, 3.0],
    };

    private static readonly Dictionary<string, string> CategoryNames = new()
    {
        ["neu"] = "Neutral state", ["hap"] = "Happiness", ["exc"] = "Excited", ["ang"] = "Anger", ["sad"] = "Sadness",
        ["fru"] = "Frustration", ["sur"] = "Surprise", ["fea"] = "Fear", ["dis"] = "Disgust", ["oth"] = "Other",
    };

    /// <summary>Generates an IEMOCAP-layout corpus of <paramref name="utterances"/> turns (distractors included) under <paramref name="outDir"/>.</summary>
    public static IemocapSynthesisResult GenerateIemocap(string outDir, int utterances, int seed, IProgress<SynthesisProgress>? progress = null) =>
        GenerateIemocap(outDir, new SyntheticCorpusOptions { IemocapUtterances = utterances, Seed = seed }, progress);

    /// <summary>Generates a LibriSpeech-layout corpus of <paramref name="utterances"/> utterances under <paramref name="outDir"/>.</summary>
    public static LibriSpeechSynthesisResult GenerateLibriSpeech(string outDir, int utterances, int seed, IProgress<SynthesisProgress>? progress = null) =>
        GenerateLibriSpeech(outDir, new SyntheticCorpusOptions { LibriSpeechUtterances = utterances, Seed = seed }, progress);

    /// <summary>Generates an IEMOCAP-layout corpus as configured by <paramref name="options"/>.</summary>
    /// <exception cref="FileNotFoundException">espeak-ng or sox is not installed.</exception>
    /// <exception cref="IOException">The output folder already holds Session folders and <see cref="SyntheticCorpusOptions.Overwrite"/> is off.</exception>
    public static IemocapSynthesisResult GenerateIemocap(string outDir, SyntheticCorpusOptions options, IProgress<SynthesisProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        int n = options.IemocapUtterances;
        if (n < 10) throw new ArgumentOutOfRangeException(nameof(options), $"IemocapUtterances must be at least 10 (2 per session), got {n}");
        if (options.TurnsPerDialog < 2) throw new ArgumentOutOfRangeException(nameof(options), "TurnsPerDialog must be at least 2");
        var sw = Stopwatch.StartNew();
        string espeak = ExternalTool.Require("espeak-ng", "espeak-ng"), sox = ExternalTool.Require("sox", "sox");
        string root = PrepareOutput(outDir, Enumerable.Range(1, 5).Select(k => $"Session{k}"), options.Overwrite);

        var rng = new Random(options.Seed);
        double spread = options.ProsodySpread;
        var turns = new List<SynthesizedTurn>(n);
        var ratings = new Dictionary<string, (string[] Categories, int[][] Attributes)>(StringComparer.Ordinal);
        for (int k = 1; k <= 5; k++)
        {
            // Speaker-dependent offsets so that absolute pitch/rate/loudness are confounded with the speaker.
            var offsets = new Dictionary<char, double[]>
            {
                ['F'] = [Normal(rng, 0, 6 * spread), Normal(rng, 0, 15 * spread), Normal(rng, 0, 12 * spread), Normal(rng, 0, 10 * spread)],
                ['M'] = [Normal(rng, 0, 6 * spread), Normal(rng, 0, 15 * spread), Normal(rng, 0, 12 * spread), Normal(rng, 0, 10 * spread)],
            };
            int inSession = n / 5 + (k - 1 < n % 5 ? 1 : 0);
            int dialogs = (inSession + options.TurnsPerDialog - 1) / options.TurnsPerDialog;
            var improCount = new Dictionary<char, int> { ['F'] = 0, ['M'] = 0 };
            int scriptCount = 0;
            for (int d = 0; d < dialogs; d++)
            {
                // Improvised and scripted dialogs alternate; scripts come in parts _1/_2 (Ses01F_script01_1, Ses01M_script01_2, ...).
                char lead = d / 2 % 2 == 0 ? 'F' : 'M';
                string dialog = d % 2 == 0
                    ? $"Ses{k:00}{lead}_impro{++improCount[lead]:00}"
                    : $"Ses{k:00}{lead}_script{scriptCount / 2 + 1:00}_{scriptCount++ % 2 + 1}";
                int size = d < dialogs - 1 ? options.TurnsPerDialog : inSession - options.TurnsPerDialog * (dialogs - 1);
                var index = new Dictionary<char, int> { ['F'] = 0, ['M'] = 0 };
                for (int t = 0; t < size; t++)
                {
                    char gender = t % 2 == 0 ? lead : (lead == 'F' ? 'M' : 'F');
                    string id = $"{dialog}_{gender}{index[gender]++:000}";
                    var (turn, rating) = PlanTurn(rng, options, root, k, dialog, id, gender, offsets[gender]);
                    turns.Add(turn);
                    ratings[id] = rating;
                }
            }
        }

        // Synthesis: the only parallel part; every parameter is already fixed above.
        var tmpDir = Path.Combine(root, ".synth.qieemo-tmp");
        Directory.CreateDirectory(tmpDir);
        foreach (var dir in turns.Select(t => Path.GetDirectoryName(t.Path)!).Distinct()) Directory.CreateDirectory(dir);
        var durations = new double[turns.Count];
        RunParallel(turns.Count, options.MaxDegreeOfParallelism, progress, i =>
        {
            var t = turns[i];
            string raw = Path.Combine(tmpDir, t.Id + ".espeak.wav");
            Speak(espeak, t.Voice, t.Pitch, t.PitchRange, t.Rate, t.Amplitude, t.Text, raw);
            Resample(sox, raw, t.Path);
            File.Delete(raw);
            durations[i] = AudioDuration.Seconds(t.Path);
        });
        Directory.Delete(tmpDir, true);

        // Dialog timelines: turns follow each other with small gaps, using the real audio durations.
        var timeRng = new Random(unchecked(options.Seed * 31 + 7));
        foreach (var group in Enumerable.Range(0, turns.Count).GroupBy(i => turns[i].Dialog))
        {
            double time = 1 + 2 * timeRng.NextDouble();
            foreach (int i in group)
            {
                turns[i].Start = Math.Round(time, 4);
                turns[i].End = Math.Round(time + durations[i], 4);
                time = turns[i].End + 0.2 + 1.3 * timeRng.NextDouble();
            }
        }
        WriteIemocapText(turns, ratings, root);

        turns.Sort((a, b) => string.CompareOrdinal(a.Session, b.Session) is var c && c != 0 ? c : string.CompareOrdinal(a.Id, b.Id));
        return new IemocapSynthesisResult
        {
            Root = root,
            Turns = turns,
            Sessions = Count(turns.Select(t => t.Session)),
            RawLabels = Count(turns.Select(t => t.RawLabel)),
            Speakers = Count(turns.Select(t => t.Speaker)),
            AudioSeconds = durations.Sum(),
            Elapsed = sw.Elapsed,
        };
    }

    private static (SynthesizedTurn Turn, (string[] Categories, int[][] Attributes) Rating) PlanTurn(
        Random rng, SyntheticCorpusOptions o, string root, int session, string dialog, string id, char gender, double[] offset)
    {
        string raw, prosodyClass;
        if (rng.NextDouble() < o.DistractorFraction)
        {
            raw = Distractors[rng.Next(Distractors.Length)];
            prosodyClass = Classes[rng.Next(Classes.Length)];
        }
        else
        {
            prosodyClass = Classes[rng.Next(Classes.Length)];
            raw = prosodyClass == "hap" && rng.NextDouble() < o.ExcitedFraction ? "exc" : prosodyClass;
        }

        // Words: congruent, incongruent (another emotion) or neutral.
        string textClass;
        double r = rng.NextDouble();
        var emotional = SentenceBank.EmotionalClasses.OrderBy(c => c, StringComparer.Ordinal).ToArray();
        if (r < o.CongruentTextFraction) textClass = prosodyClass;
        else if (r < o.CongruentTextFraction + o.IncongruentTextFraction)
        {
            var others = emotional.Where(c => c != prosodyClass).ToArray();
            textClass = others[rng.Next(others.Length)];
        }
        else textClass = "neu";
        string text = textClass == "neu" ? SentenceBank.NeutralSentence(rng) : SentenceBank.EmotionalSentence(textClass, rng);

        var (mean, std) = ClassProsody[prosodyClass];
        double s = o.ProsodySpread;
        int pitch = Clamp(Normal(rng, mean[0] + offset[0], std[0] * s), 0, 99);
        int range = Clamp(Normal(rng, mean[1] + offset[1], std[1] * s), 20, 300);
        int rate = Clamp(Normal(rng, mean[2] + offset[2], std[2] * s), 90, 320);
        int amplitude = Clamp(Normal(rng, mean[3] + offset[3], std[3] * s), 30, 200);

        var rating = PlanRatings(rng, raw);
        var turn = new SynthesizedTurn
        {
            Id = id,
            Dialog = dialog,
            Session = $"Session{session}",
            Speaker = $"Ses{session:00}{gender}",
            RawLabel = raw,
            ProsodyClass = prosodyClass,
            TextClass = textClass,
            Text = text,
            Path = Path.Combine(root, $"Session{session}", "sentences", "wav", dialog, id + ".wav"),
            Voice = (gender == 'F' ? FemaleVoices : MaleVoices)[session - 1],
            Pitch = pitch, PitchRange = range, Rate = rate, Amplitude = amplitude,
            Valence = rating.Attributes.Average(a => a[0]),
            Arousal = rating.Attributes.Average(a => a[1]),
            Dominance = rating.Attributes.Average(a => a[2]),
        };
        return (turn, rating);
    }

    /// <summary>Three categorical evaluators whose majority is the label (three different answers for xxx) and two attribute evaluators.</summary>
    private static (string[] Categories, int[][] Attributes) PlanRatings(Random rng, string raw)
    {
        var names = CategoryNames.Keys.OrderBy(c => c, StringComparer.Ordinal).ToArray();
        string[] categories;
        if (raw == "xxx")
        {
            var shuffled = names.OrderBy(_ => rng.Next()).Take(3).ToArray();
            categories = shuffled.Select(c => CategoryNames[c]).ToArray();
        }
        else
        {
            string third = rng.NextDouble() < 0.6 ? raw : names[rng.Next(names.Length)];
            categories = [CategoryNames[raw], CategoryNames[raw], CategoryNames[third]];
            int swap = rng.Next(3);
            (categories[swap], categories[2]) = (categories[2], categories[swap]);
        }
        var vad = LabelVad[raw];
        int[][] attributes = Enumerable.Range(0, 2)
            .Select(_ => vad.Select(m => Clamp(Normal(rng, m, 0.7), 1, 5)).ToArray()).ToArray();
        return (categories, attributes);
    }

    private static void WriteIemocapText(List<SynthesizedTurn> turns, Dictionary<string, (string[] Categories, int[][] Attributes)> ratings, string root)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var dialog in turns.GroupBy(t => t.Dialog))
        {
            string sessionDir = Path.Combine(root, dialog.First().Session);
            var eval = new StringBuilder("% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]\n\n");
            var trans = new StringBuilder();
            foreach (var t in dialog)
            {
                eval.Append(inv, $"[{t.Start:F4} - {t.End:F4}]\t{t.Id}\t{t.RawLabel}\t[{t.Valence:F4}, {t.Arousal:F4}, {t.Dominance:F4}]\n");
                var (categories, attributes) = ratings[t.Id];
                for (int e = 0; e < categories.Length; e++) eval.Append(inv, $"C-E{e + 1}:\t{categories[e]};\t()\n");
                for (int e = 0; e < attributes.Length; e++)
                    eval.Append(inv, $"A-E{e + 1}:\tval {attributes[e][0]}; act {attributes[e][1]}; dom  {attributes[e][2]};\t()\n");
                eval.Append('\n');
                trans.Append(inv, $"{t.Id} [{t.Start:000.0000}-{t.End:000.0000}]: {t.Text}\n");
            }
            Directory.CreateDirectory(Path.Combine(sessionDir, "dialog", "EmoEvaluation"));
            Directory.CreateDirectory(Path.Combine(sessionDir, "dialog", "transcriptions"));
            File.WriteAllText(Path.Combine(sessionDir, "dialog", "EmoEvaluation", dialog.Key + ".txt"), eval.ToString());
            File.WriteAllText(Path.Combine(sessionDir, "dialog", "transcriptions", dialog.Key + ".txt"), trans.ToString());
        }
    }

    /// <summary>Generates a LibriSpeech-layout corpus (train-clean-100 and dev-clean) as configured by <paramref name="options"/>.</summary>
    /// <exception cref="FileNotFoundException">espeak-ng or sox is not installed.</exception>
    public static LibriSpeechSynthesisResult GenerateLibriSpeech(string outDir, SyntheticCorpusOptions options, IProgress<SynthesisProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        int speakers = options.TrainSpeakers + options.DevSpeakers;
        if (options.TrainSpeakers < 1 || options.DevSpeakers < 0 || options.ChaptersPerSpeaker < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "need at least one train speaker and one chapter per speaker");
        if (speakers > ReaderVoices.Length) throw new ArgumentOutOfRangeException(nameof(options), $"at most {ReaderVoices.Length} speakers (distinct voices)");
        int n = options.LibriSpeechUtterances;
        int chapters = speakers * options.ChaptersPerSpeaker;
        if (n < chapters) throw new ArgumentOutOfRangeException(nameof(options), $"LibriSpeechUtterances ({n}) must be at least the number of chapters ({chapters})");
        var sw = Stopwatch.StartNew();
        string espeak = ExternalTool.Require("espeak-ng", "espeak-ng"), sox = ExternalTool.Require("sox", "sox");
        string? flac = options.UseFlac ? ExternalTool.Find("flac") : null;
        string ext = flac != null ? ".flac" : ".wav";
        const string train = "train-clean-100", dev = "dev-clean";
        string root = PrepareOutput(outDir, [train, dev], options.Overwrite);

        var rng = new Random(options.Seed);
        // Distinct numeric speaker and chapter ids, as in LibriSpeech (e.g. 1272/128104).
        var speakerIds = DistinctInts(rng, speakers, 10, 9000);
        var chapterIds = DistinctInts(rng, chapters, 10000, 300000);
        var voices = ReaderVoices.OrderBy(_ => rng.Next()).Take(speakers).ToArray();
        var sentences = SentenceBank.ReadSentences(n, rng);
        var plan = new List<(SynthesizedReading Reading, string SpeechText, int Pitch, int Rate)>(n);
        var perSpeaker = new (int Pitch, int Rate)[speakers];
        for (int s = 0; s < speakers; s++) perSpeaker[s] = (Clamp(Normal(rng, 50, 10), 15, 85), Clamp(Normal(rng, 160, 15), 120, 210));
        var uttIndex = new int[chapters];
        for (int i = 0; i < n; i++)
        {
            int c = i % chapters, s = c / options.ChaptersPerSpeaker;
            string subset = s < options.TrainSpeakers ? train : dev;
            string spk = speakerIds[s].ToString(CultureInfo.InvariantCulture), chap = chapterIds[c].ToString(CultureInfo.InvariantCulture);
            string id = $"{spk}-{chap}-{uttIndex[c]++:0000}";
            var reading = new SynthesizedReading
            {
                Id = id, Subset = subset, Speaker = spk, Chapter = chap, Voice = voices[s],
                Text = SentenceBank.ToLibriSpeechText(sentences[i]),
                Path = Path.Combine(root, subset, spk, chap, id + ext),
            };
            // Small per-utterance variation around the speaker's reading style.
            plan.Add((reading, sentences[i], Clamp(Normal(rng, perSpeaker[s].Pitch, 3), 0, 99), Clamp(Normal(rng, perSpeaker[s].Rate, 6), 90, 260)));
        }

        var tmpDir = Path.Combine(root, ".synth.qieemo-tmp");
        Directory.CreateDirectory(tmpDir);
        foreach (var dir in plan.Select(p => Path.GetDirectoryName(p.Reading.Path)!).Distinct()) Directory.CreateDirectory(dir);
        var durations = new double[n];
        RunParallel(n, options.MaxDegreeOfParallelism, progress, i =>
        {
            var (r, speech, pitch, rate) = plan[i];
            string raw = Path.Combine(tmpDir, r.Id + ".espeak.wav");
            Speak(espeak, r.Voice, pitch, 100, rate, 100, speech, raw);
            if (flac == null) Resample(sox, raw, r.Path);
            else
            {
                string wav = Path.Combine(tmpDir, r.Id + ".wav");
                Resample(sox, raw, wav);
                ExternalTool.Run(flac, ["-s", "-f", "-o", r.Path, wav]);
                File.Delete(wav);
            }
            File.Delete(raw);
            durations[i] = AudioDuration.Seconds(r.Path);
        });
        Directory.Delete(tmpDir, true);

        foreach (var chapter in plan.Select(p => p.Reading).GroupBy(r => Path.GetDirectoryName(r.Path)!))
        {
            var first = chapter.First();
            var lines = chapter.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => $"{r.Id} {r.Text}\n");
            File.WriteAllText(Path.Combine(chapter.Key, $"{first.Speaker}-{first.Chapter}.trans.txt"), string.Concat(lines));
        }

        var readings = plan.Select(p => p.Reading)
            .OrderBy(r => r.Subset, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        return new LibriSpeechSynthesisResult
        {
            Root = root,
            Utterances = readings,
            Subsets = Count(readings.Select(r => r.Subset)),
            Speakers = Count(readings.Select(r => r.Speaker)),
            AudioExtension = ext,
            AudioSeconds = durations.Sum(),
            Elapsed = sw.Elapsed,
        };
    }

    private static string PrepareOutput(string outDir, IEnumerable<string> owned, bool overwrite)
    {
        string root = Path.GetFullPath(outDir);
        Directory.CreateDirectory(root);
        foreach (var name in owned.Append(".synth.qieemo-tmp"))
        {
            string dir = Path.Combine(root, name);
            if (!Directory.Exists(dir)) continue;
            if (!overwrite) throw new IOException($"{dir} already exists; choose an empty folder or set SyntheticCorpusOptions.Overwrite");
            Directory.Delete(dir, true);
        }
        return root;
    }

    private static void Speak(string espeak, string voice, int pitch, int rangePercent, int rate, int amplitude, string text, string wavOut)
    {
        // SSML carries the pitch range, which espeak-ng has no command-line switch for.
        string ssml = $"<speak><prosody range=\"{rangePercent.ToString(CultureInfo.InvariantCulture)}%\">{SecurityElement.Escape(text)}</prosody></speak>";
        ExternalTool.Run(espeak,
        [
            "-v", voice, "-s", rate.ToString(CultureInfo.InvariantCulture), "-p", pitch.ToString(CultureInfo.InvariantCulture),
            "-a", amplitude.ToString(CultureInfo.InvariantCulture), "-m", "-w", wavOut, ssml,
        ]);
    }

    // -D: no dither, which sox would otherwise draw from an unseeded generator (different bytes every run).
    private static void Resample(string sox, string input, string output) =>
        ExternalTool.Run(sox, ["-D", input, "-r", "16000", "-c", "1", "-b", "16", output]);

    private static void RunParallel(int count, int degree, IProgress<SynthesisProgress>? progress, Action<int> body)
    {
        int done = 0;
        progress?.Report(new SynthesisProgress(0, count));
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, degree) }, i =>
            {
                body(i);
                int d = Interlocked.Increment(ref done);
                progress?.Report(new SynthesisProgress(d, count));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private static int[] DistinctInts(Random rng, int count, int min, int max)
    {
        var set = new SortedSet<int>();
        while (set.Count < count) set.Add(rng.Next(min, max));
        return set.ToArray();
    }

    private static SortedDictionary<string, int> Count(IEnumerable<string> keys)
    {
        var d = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var k in keys) d[k] = d.GetValueOrDefault(k) + 1;
        return d;
    }

    private static double Normal(Random rng, double mean, double std)
    {
        // Box-Muller; 1 - U keeps the log argument in (0, 1].
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return mean + std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static int Clamp(double v, int lo, int hi) => (int)Math.Clamp(Math.Round(v), lo, hi);
}
