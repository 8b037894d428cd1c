namespace Qieemo.ML.Data;

/// <summary>Progress of a synthetic corpus generation: files synthesized so far out of the total.</summary>
/// <param name="Done">Audio files written.</param>
/// <param name="Total">Audio files to write.</param>
public readonly record struct SynthesisProgress(int Done, int Total);
