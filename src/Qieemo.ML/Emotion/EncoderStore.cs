using Qieemo.ML.Asr;
using Qieemo.ML.Models;
using Qieemo.ML.Modules;

namespace Qieemo.ML.Emotion;

/// <summary>Where stage 2 gets its pretrained encoder from.</summary>
internal static class EncoderStore
{
    /// <summary>A fresh CPU copy of the encoder saved in an ASR model zip (`qieemo pretrain` or `qieemo import-wenet`).</summary>
    public static (ConformerEncoder Encoder, EncoderConfig Config) Load(string modelPath) => AsrEncoderTransformer.LoadEncoder(modelPath);
}
