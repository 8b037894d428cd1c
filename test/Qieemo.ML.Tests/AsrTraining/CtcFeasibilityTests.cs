using Microsoft.ML;
using Qieemo.ML.Asr;
using Qieemo.ML.Data;
using Qieemo.ML.Models;
using Qieemo.ML.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.AsrTraining;

/// <summary>The trainer's CTC frame-budget check: its frame arithmetic equals the encoder's, and unalignable data is refused.</summary>
[TestClass]
public sealed class CtcFeasibilityTests
{
    [TestMethod]
    [DataRow("tiny", null, false)]
    [DataRow("small", null, false)]
    [DataRow("small", "conv2d2", false)]
    [DataRow("small", null, true)]
    [DataRow("conformer", null, false)]
    public void OutputFramesEqualTheEncoderOutputLengths(string preset, string? inputLayer, bool noStride)
    {
        var config = new AsrPretrainingOptions { Preset = preset, InputLayer = inputLayer, RemoveStrideLayers = noStride }.ResolveEncoderConfig();
        using var encoder = new ConformerEncoder(config);
        encoder.eval();
        int[] frames = { 7, 8, 9, 10, 11, 57, 100, 413, 414 };
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Each utterance alone: with conv2d2, WeNet's mask slicing gives a padded utterance up to one frame more.
        foreach (int f in frames)
        {
            using var output = encoder.call(randn(1, f, config.InputDim), tensor(new long[] { f }));
            Assert.AreEqual(output.OutputLengths.item<long>(), (long)AsrTrainingLoop.OutputFrames(config, f), $"{preset}/{inputLayer}/{noStride}: {f} frames");
        }
    }

    [TestMethod]
    public void CtcMinimumFramesCountsBlanksBetweenRepeats()
    {
        Assert.AreEqual(0, AsrTrainingLoop.CtcMinimumFrames(Array.Empty<int>()));
        Assert.AreEqual(3, AsrTrainingLoop.CtcMinimumFrames(new[] { 4, 5, 6 }));
        Assert.AreEqual(9, AsrTrainingLoop.CtcMinimumFrames(new[] { 4, 4, 4, 5, 6, 6 }));   // 6 tokens + blanks in 4-4, 4-4 and 6-6
    }

    [TestMethod]
    public void TrainerRefusesDataThatCtcCannotAlignAtThePresetFrameRate()
    {
        var ml = new MLContext(seed: 1);
        var options = AsrTrainingSupport.TinyOptions(epochs: 1);
        options.RemoveStrideLayers = false;   // tiny as defined: 4x conv2d + a stride-2 layer = 80 ms per frame
        var data = ml.Data.LoadLibriSpeech(AsrTrainingSupport.Train);
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Speech().Trainers.AsrEncoder(options).Fit(data));
        StringAssert.Contains(ex.Message, "80 ms per frame");
        StringAssert.Contains(ex.Message, "--no-stride");
    }

    [TestMethod]
    public void AutomaticModeDropsTheStrideLayersWhenCtcCouldNotAlign()
    {
        var ml = new MLContext(seed: 1);
        var options = AsrTrainingSupport.TinyOptions(epochs: 1);
        options.RemoveStrideLayers = null;
        var recorder = new AsrTrainingSupport.Recorder();
        options.Progress = recorder;
        var data = ml.Data.TakeRows(ml.Data.LoadLibriSpeech(AsrTrainingSupport.Train), 4);
        var model = ml.Speech().Trainers.AsrEncoder(options).Fit(data);
        Assert.IsEmpty(model.EncoderConfig.Stride);
        Assert.AreEqual(EncoderConfig.Preset("tiny").GroupLayerIdx.Length, model.EncoderConfig.GroupLayerIdx.Length, "grouped attention stays");
        Assert.IsTrue(recorder.Reports.Any(r => r.Message?.StartsWith("note:") == true && r.Message.Contains("dropping the encoder's stride layers")));
    }
}
