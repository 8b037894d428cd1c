using Microsoft.ML;

namespace Qieemo.ML.Transforms;

/// <summary>
/// The column annotations Qieemo's transforms attach: an audio column's sample rate and a
/// frame-matrix column's frame dimension (a [frames, dim] matrix travels flattened row-major).
/// </summary>
public static class QieemoAnnotations
{
    /// <summary>Name of the Int32 annotation holding an audio column's sample rate (Hz).</summary>
    public const string SampleRate = TransformSupport.SampleRateAnnotation;

    /// <summary>Name of the Int32 annotation holding a frame-matrix column's values per frame.</summary>
    public const string FrameDim = TransformSupport.FrameDimAnnotation;

    /// <summary>The column's frame dimension, or null when it carries none.</summary>
    public static int? GetFrameDim(this DataViewSchema.Column column) => TransformSupport.ReadIntAnnotation(column, FrameDim);

    /// <summary>The column's sample rate, or null when it carries none.</summary>
    public static int? GetSampleRate(this DataViewSchema.Column column) => TransformSupport.ReadIntAnnotation(column, SampleRate);
}
