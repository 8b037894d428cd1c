using System.Buffers.Binary;

namespace Qieemo.ML.Tests.Audio;

/// <summary>
/// Test inputs made at test time with the reference tools: real speech from espeak-ng, turned by sox into
/// mono/stereo, 8/16/24/32-bit and several sample rates (stereo channel 2 = 0.6 x speech + pink noise + tone,
/// so the channels differ). Generated once per test run into a temp directory.
/// </summary>
internal static class AudioCorpus
{
    private static readonly Lazy<string> Root = new(Generate);

    /// <summary>Directory holding the generated WAVs; requires espeak-ng and sox.</summary>
    public static string Dir
    {
        get
        {
            TestSupport.RequireTool("espeak-ng");
            TestSupport.RequireTool("sox");
            return Root.Value;
        }
    }

    /// <summary>Path of a generated WAV, e.g. "m16" (mono 16-bit 22.05 kHz) or "s24" (stereo 24-bit 48 kHz).</summary>
    public static string Wav(string name) => Path.Combine(Dir, name + ".wav");

    private static string Generate()
    {
        string d = TestSupport.TempDir("qieemo-audio");
        string P(string n) => Path.Combine(d, n);
        TestSupport.Run("espeak-ng", "-w", P("raw.wav"), "Hello, this is a short test of speech for the decoder.");
        // 1.5 s of speech with 0.1 s of silence at both ends (silence gives CONSTANT subframes).
        TestSupport.Run("sox", "-R", P("raw.wav"), "-b", "16", P("speech.wav"), "trim", "0.2", "1.3", "pad", "0.1", "0.1");
        TestSupport.Run("sox", "-R", "-n", "-r", "22050", "-c", "1", "-b", "16", P("tn.wav"),
            "synth", "1.5", "pinknoise", "synth", "1.5", "sine", "mix", "330", "vol", "0.1");
        TestSupport.Run("sox", "-R", "-M", P("speech.wav"), P("tn.wav"), "-b", "16", P("st.wav"), "remix", "1", "1v0.6,2", "norm", "-1");
        var jobs = new (string Name, string Src, string[] Args)[]
        {
            ("m16", "speech.wav", new[] { "-b", "16" }),
            ("s16", "st.wav", new[] { "-b", "16", "-r", "44100" }),
            ("m24", "speech.wav", new[] { "-b", "24", "-r", "48000" }),
            ("s24", "st.wav", new[] { "-b", "24", "-r", "48000" }),
            ("m8", "speech.wav", new[] { "-b", "8" }),
            ("s32", "st.wav", new[] { "-b", "32" }),
            ("m11025", "speech.wav", new[] { "-b", "16", "-r", "11025" }),
            ("m12000", "speech.wav", new[] { "-b", "16", "-r", "12000" }),
            ("m37800", "speech.wav", new[] { "-b", "16", "-r", "37800" }),
        };
        foreach (var j in jobs)
            TestSupport.Run("sox", new[] { "-R", P(j.Src) }.Concat(j.Args).Append(P(j.Name + ".wav")).ToArray());
        // 8-bit audio stored as 16-bit: the low 8 bits are zero ("wasted bits" in FLAC).
        TestSupport.Run("sox", "-R", P("m8.wav"), "-b", "16", P("wasted16.wav"));
        // Uniform full-scale white noise: no predictor or Rice code beats storing it, so FLAC uses VERBATIM
        // subframes (sox's whitenoise is not flat enough for that).
        var rng = new Random(3);
        var noise = new float[2][];
        for (int c = 0; c < 2; c++) noise[c] = Enumerable.Range(0, 11025).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        Qieemo.ML.Audio.WavWriter.Write(P("noise.wav"), noise, 22050, 16);
        return d;
    }

    /// <summary>Interleaved little-endian signed integers of <paramref name="bytesPerSample"/> bytes, split per channel.</summary>
    public static int[][] ParseRawInts(byte[] raw, int channels, int bytesPerSample)
    {
        int frames = raw.Length / (channels * bytesPerSample);
        Assert.AreEqual(frames * channels * bytesPerSample, raw.Length, "raw PCM length is not a whole number of frames");
        var res = new int[channels][];
        for (int c = 0; c < channels; c++) res[c] = new int[frames];
        int o = 0;
        for (int i = 0; i < frames; i++)
            for (int c = 0; c < channels; c++, o += bytesPerSample)
            {
                int v = 0;
                for (int b = 0; b < bytesPerSample; b++) v |= raw[o + b] << (8 * b);
                int shift = 32 - 8 * bytesPerSample;
                res[c][i] = (v << shift) >> shift;
            }
        return res;
    }

    /// <summary>Interleaved little-endian float64 samples, split per channel.</summary>
    public static double[][] ParseRawF64(byte[] raw, int channels)
    {
        int frames = raw.Length / (8 * channels);
        var res = new double[channels][];
        for (int c = 0; c < channels; c++) res[c] = new double[frames];
        for (int i = 0, o = 0; i < frames; i++)
            for (int c = 0; c < channels; c++, o += 8) res[c][i] = BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(o));
        return res;
    }

    /// <summary>Runs a tool and returns its stdout as bytes (TestSupport.Run returns text).</summary>
    public static byte[] RunBytes(string tool, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Fail($"{tool} {string.Join(' ', args)} exited {p.ExitCode}: {err.Result}");
        return ms.ToArray();
    }

    /// <summary>sox's own decoding of a file as float64 in [-1, 1) (int x / 2^31 internally), no dither.</summary>
    public static double[][] SoxDecode(string path, int channels) =>
        ParseRawF64(RunBytes("sox", "-D", path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-"), channels);
}
