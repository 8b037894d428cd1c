using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Audio;
using Qieemo.ML.Features;
using Qieemo.ML.IO;
using Qieemo.ML.Transforms;

namespace Qieemo.ML.Tests.Transforms;

/// <summary>LoadAudio → FilterbankFeatures → NormalizeGlobalCmvn as an ML.NET pipeline, and its save/load.</summary>
[TestClass]
public sealed class AudioPipelineTests
{
    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private static string[] MakeCorpus(string dir)
    {
        TestSupport.RequireTool("espeak-ng");
        TestSupport.RequireTool("sox");
        TestSupport.RequireTool("flac");
        string a = Path.Combine(dir, "a.wav"), b22 = Path.Combine(dir, "b22.wav"), b = Path.Combine(dir, "b.wav"), c = Path.Combine(dir, "c.flac");
        TestSupport.Run("espeak-ng", "-v", "en-us", "-w", a, "Kids are talking by the door.");
        TestSupport.Run("espeak-ng", "-v", "en-gb+f3", "-w", b22, "Dogs are sitting by the door, quietly.");
        TestSupport.Run("sox", b22, "-r", "44100", "-c", "2", b);          // stereo 44.1 kHz: downmix + resample
        TestSupport.Run("sox", a, "-r", "16000", "-b", "24", Path.Combine(dir, "c.wav"));
        TestSupport.Run("flac", "-s", "-f", "-o", c, Path.Combine(dir, "c.wav"));
        return new[] { a, b, c };
    }

    private static List<float[]> Column(IDataView data, string name)
    {
        var col = data.Schema[name];
        var result = new List<float[]>();
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> v = default;
        while (cursor.MoveNext()) { getter(ref v); result.Add(v.DenseValues().ToArray()); }
        return result;
    }

    [TestMethod]
    public void PipelineComputesWhatTheBuildingBlocksCompute()
    {
        string dir = TestSupport.TempDir();
        var files = MakeCorpus(dir);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var pipeline = ml.Transforms.LoadAudio("Audio", "Path", sampleRate: 16000)
            .Append(ml.Transforms.FilterbankFeatures("Fbank", "Audio"))
            .Append(ml.Transforms.NormalizeGlobalCmvn("Features", "Fbank"));
        var model = pipeline.Fit(data);
        var output = model.Transform(data);

        Assert.AreEqual(80, output.Schema["Features"].GetFrameDim());
        Assert.AreEqual(16000, output.Schema["Audio"].GetSampleRate());

        var fbank = new KaldiFbank(KaldiFbankOptions.WeNet());
        var expectedFbank = files.Select(f =>
        {
            var audio = AudioFile.Read(f);
            float[] mono = audio.ToMono();
            return fbank.Compute(audio.SampleRate == 16000 ? mono : Resampler.Resample(mono, audio.SampleRate, 16000));
        }).ToList();
        var actualFbank = Column(output, "Fbank");
        for (int i = 0; i < files.Length; i++)
            CollectionAssert.AreEqual(expectedFbank[i].Data.AsSpan(0, expectedFbank[i].Frames * 80).ToArray(), actualFbank[i], $"fbank of {files[i]}");

        // CMVN statistics are the plain sums over every frame of the training data.
        var cmvn = ((GlobalCmvnTransformer)model.LastTransformer).Cmvn;
        Assert.AreEqual(expectedFbank.Sum(e => (long)e.Frames), cmvn.FrameNum);
        for (int d = 0; d < 80; d += 13)
        {
            double sum = expectedFbank.Sum(e => Enumerable.Range(0, e.Frames).Sum(t => (double)e.Data[t * 80 + d]));
            Assert.AreEqual(sum, cmvn.MeanStat[d], Math.Abs(sum) * 1e-9);
        }
        var normalized = Column(output, "Features");
        Assert.AreEqual((actualFbank[1][5] - cmvn.Mean[5]) * cmvn.Istd[5], normalized[1][5], 1e-6);
    }

    [TestMethod]
    public void SavedPipelineGivesIdenticalOutputInAFreshProcess()
    {
        string dir = TestSupport.TempDir();
        var files = MakeCorpus(dir);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var model = ml.Transforms.LoadAudio()
            .Append(ml.Transforms.FilterbankFeatures())
            .Append(ml.Transforms.NormalizeGlobalCmvn())
            .Fit(data);
        string zip = Path.Combine(dir, "featurizer.zip");
        ml.Model.Save(model, data.Schema, zip);
        var inProcess = Column(model.Transform(data), "Features");

        for (int i = 0; i < files.Length; i++)
        {
            string npy = Path.Combine(dir, $"fresh{i}.npy");
            var r = CliRunner.Run("features", "--model", zip, "--input", files[i], "--output", npy);
            Assert.AreEqual(0, r.ExitCode, r.Stderr);
            var fresh = NpyArray.Load(npy);
            Assert.AreEqual(80, fresh.Shape[1]);
            CollectionAssert.AreEqual(inProcess[i], fresh.ToFloats(), $"fresh-process output of {files[i]}");
        }

        // And loading in this process too (a second MLContext).
        var reloaded = new MLContext().Model.Load(zip, out _);
        var again = Column(reloaded.Transform(data), "Features");
        for (int i = 0; i < files.Length; i++) CollectionAssert.AreEqual(inProcess[i], again[i]);
    }

    [TestMethod]
    public void CmvnFromWeNetFileAndSampleRateMismatchErrors()
    {
        var ml = new MLContext();
        var cmvnFile = TestSupport.TestData("fbank", "wenet_global_cmvn.json");
        var data = ml.Data.LoadFromEnumerable(new[] { new PathRow { Path = "x.wav" } });
        var fitted = ml.Transforms.LoadAudio().Append(ml.Transforms.FilterbankFeatures()).Append(ml.Transforms.NormalizeGlobalCmvn(cmvnFile: cmvnFile)).Fit(data);
        Assert.AreEqual(818, ((GlobalCmvnTransformer)fitted.LastTransformer).Cmvn.FrameNum);

        var mismatch = ml.Transforms.LoadAudio(sampleRate: 8000).Append(ml.Transforms.FilterbankFeatures());
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => mismatch.Fit(data));
        StringAssert.Contains(e.Message, "8000 Hz", e.ToString());

        var missing = ml.Transforms.LoadAudio().Fit(data).Transform(data);
        var ex = Assert.Throws<Exception>(() => Column(missing, "Audio"));
        // ML.NET wraps errors raised in a parallel cursor; the cause names the file.
        while (ex.InnerException != null && !ex.Message.Contains("x.wav")) ex = ex.InnerException;
        StringAssert.Contains(ex.Message, "x.wav");
    }
}
