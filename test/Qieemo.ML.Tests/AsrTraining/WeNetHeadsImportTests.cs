using System.Collections;
using Microsoft.ML;
using Qieemo.ML.Asr;
using Qieemo.ML.Data;
using Qieemo.ML.Models;
using Qieemo.ML.Modules.Asr;
using Qieemo.ML.Tests.Modules;
using Qieemo.ML.Text;
using Qieemo.ML.Training;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.AsrTraining;

/// <summary>import-wenet with ctc.*/decoder.* keys and a units file brings the heads along (the model can transcribe).</summary>
[TestClass]
public sealed class WeNetHeadsImportTests
{
    [TestMethod]
    public void CheckpointWithHeadsAndUnitsImportsAFullAsrModel()
    {
        var fx = new WeNetFixture("conformer-small");
        string dir = TestSupport.TempDir("qieemo-import-heads");
        var texts = LibriSpeechReader.Read(AsrTrainingSupport.Train).Utterances.Select(u => u.Text).ToList();
        var units = CharTokenizer.Build(texts);
        var config = new AsrModelConfig
        {
            Encoder = EncoderConfig.FromWeNetYaml(fx.Yaml),
            Decoder = new TransformerDecoderOptions { VocabularySize = units.VocabularySize, AttentionDim = 64, AttentionHeads = 4, LinearUnits = 256, NumBlocks = 2 },
        };
        Determinism.Seed(21);
        var original = new AsrModel(config);
        original.eval();

        // A WeNet-layout checkpoint: every key of the ASR model (encoder.*, ctc.*, decoder.*), torch.save zip format.
        string pt = Path.Combine(dir, "final.pt");
        var dict = new Hashtable();
        foreach (var (key, value) in original.state_dict()) dict[key] = value.detach().cpu().clone();
        using (var stream = File.Create(pt)) PyTorchPickler.PickleStateDict(stream, dict, false);
        string yaml = Path.Combine(dir, "train.yaml");
        File.WriteAllText(yaml, File.ReadAllText(fx.Yaml) + "\ndecoder: transformer\n" +
            "decoder_conf: {attention_heads: 4, linear_units: 256, num_blocks: 2, dropout_rate: 0.1, positional_dropout_rate: 0.1, self_attention_dropout_rate: 0.0, src_attention_dropout_rate: 0.0}\n" +
            "model_conf: {ctc_weight: 0.3, lsm_weight: 0.1, length_normalized_loss: false}\n");
        string unitsFile = Path.Combine(dir, "units.txt");
        units.Save(unitsFile);

        string model = Path.Combine(dir, "model.zip");
        var r = CliRunner.Run("import-wenet", "--checkpoint", pt, "--config", yaml, "--units", unitsFile, "--out", model);
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        StringAssert.Contains(r.Stdout, $"CTC + decoder ({units.VocabularySize} units)");

        var imported = AsrEncoderTransformer.Load(model);
        Assert.IsTrue(imported.CanTranscribe);
        var expected = original.state_dict();
        var actual = imported.Model.state_dict();
        CollectionAssert.AreEquivalent(expected.Keys.ToArray(), actual.Keys.ToArray());
        foreach (var (key, t) in expected) Assert.IsTrue(t.eq(actual[key]).all().item<bool>(), key);
        CollectionAssert.AreEqual(units.Units.ToArray(), imported.Tokenizer!.Units.ToArray());

        var reference = new AsrEncoderTransformer(new MLContext(seed: 0), original, units, "Path", "Transcript", AsrDecodingMode.CtcGreedy, 10);
        string file = LibriSpeechReader.Read(AsrTrainingSupport.Train).Utterances[0].Path;
        Assert.AreEqual(reference.Transcribe(file), imported.Transcribe(file));

        // Units that do not fit the CTC output size: one clear line naming both files.
        string shortUnits = Path.Combine(dir, "short.txt");
        File.WriteAllLines(shortUnits, new[] { "<blank> 0", "<unk> 1", "A 2", "<sos/eos> 3" });
        CliRunner.AssertCleanError(CliRunner.Run("import-wenet", "--checkpoint", pt, "--config", yaml, "--units", shortUnits, "--out", model),
            "final.pt", "short.txt");
    }
}
