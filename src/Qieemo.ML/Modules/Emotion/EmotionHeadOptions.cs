using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qieemo.ML.Modules.Emotion;

/// <summary>
/// Everything that defines an <see cref="EmotionHead"/> (the Qieemo MMF + CMA head over an encoder's block
/// outputs). Plain properties, so it round-trips through System.Text.Json (<see cref="ToJson"/>,
/// <see cref="FromJson"/>) and can be stored inside a saved model.
/// </summary>
public sealed class EmotionHeadOptions
{
    /// <summary>Number of encoder blocks whose outputs the head receives (all of them, in order).</summary>
    public int NumBlocks { get; set; } = 12;

    /// <summary>D: width of every block output.</summary>
    public int InputDim { get; set; } = 256;

    /// <summary>
    /// Indices (0-based, into all blocks) of the blocks fused by MMF, in channel order; null = the last six
    /// (paper §III.B: "the MMF module integrates features from the last six ASR encoder blocks"), or all
    /// blocks when there are fewer than six.
    /// </summary>
    public int[]? FusedBlocks { get; set; }

    /// <summary>Index of the block used as PPG h^l (CMA keys/values); null = the last block.</summary>
    public int? PpgBlock { get; set; }

    /// <summary>False = the paper's "no MMF" ablation: E = Linear(D → d_e)(PPG), no other block is read.</summary>
    public bool UseMmf { get; set; } = true;

    /// <summary>False = the paper's "no CMA" ablation: the classifier pools E directly.</summary>
    public bool UseCma { get; set; } = true;

    /// <summary>MMF settings (used when <see cref="UseMmf"/>; <see cref="MultimodalFusionOptions.EmotionDim"/> is d_e in both cases).</summary>
    public MultimodalFusionOptions Mmf { get; set; } = new();

    /// <summary>CMA settings (used when <see cref="UseCma"/>).</summary>
    public CrossModalAttentionOptions Cma { get; set; } = new();

    /// <summary>Hidden width of the classifier Linear → ReLU → Dropout → Linear.</summary>
    public int ClassifierHidden { get; set; } = 256;

    /// <summary>Dropout probability in the classifier.</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Number of emotion classes (4 for the IEMOCAP setup of the paper).</summary>
    public int NumClasses { get; set; } = 4;

    /// <summary>The fused block indices after applying the default.</summary>
    [JsonIgnore]
    public int[] ResolvedFusedBlocks => FusedBlocks ?? Enumerable.Range(Math.Max(0, NumBlocks - 6), Math.Min(6, NumBlocks)).ToArray();

    /// <summary>The PPG block index after applying the default.</summary>
    [JsonIgnore]
    public int ResolvedPpgBlock => PpgBlock ?? NumBlocks - 1;

    /// <summary>Width d_e of the emotion features E.</summary>
    [JsonIgnore]
    public int EmotionDim => Mmf.EmotionDim;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public void Validate()
    {
        if (NumBlocks < 1) throw new ArgumentException($"EmotionHeadOptions.NumBlocks must be >= 1 (got {NumBlocks})");
        if (InputDim < 1) throw new ArgumentException($"EmotionHeadOptions.InputDim must be >= 1 (got {InputDim})");
        if (NumClasses < 2) throw new ArgumentException($"EmotionHeadOptions.NumClasses must be >= 2 (got {NumClasses})");
        if (ClassifierHidden < 1) throw new ArgumentException($"EmotionHeadOptions.ClassifierHidden must be >= 1 (got {ClassifierHidden})");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"EmotionHeadOptions.Dropout must be in [0, 1) (got {Dropout})");
        int ppg = ResolvedPpgBlock;
        if (ppg < 0 || ppg >= NumBlocks) throw new ArgumentException($"EmotionHeadOptions.PpgBlock {ppg} is outside 0..{NumBlocks - 1}");
        if (Mmf == null) throw new ArgumentException("EmotionHeadOptions.Mmf must not be null");
        if (Cma == null) throw new ArgumentException("EmotionHeadOptions.Cma must not be null");
        if (UseMmf)
        {
            int[] fused = ResolvedFusedBlocks;
            if (fused.Length == 0) throw new ArgumentException("EmotionHeadOptions.FusedBlocks must name at least one block");
            foreach (int b in fused)
                if (b < 0 || b >= NumBlocks) throw new ArgumentException($"EmotionHeadOptions.FusedBlocks contains {b}, outside 0..{NumBlocks - 1}");
            if (fused.Distinct().Count() != fused.Length) throw new ArgumentException($"EmotionHeadOptions.FusedBlocks has duplicates: [{string.Join(", ", fused)}]");
            Mmf.Validate(fused.Length);
        }
        else if (Mmf.EmotionDim < 1) throw new ArgumentException($"MultimodalFusionOptions.EmotionDim must be >= 1 (got {Mmf.EmotionDim})");
        if (UseCma) Cma.Validate();
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Serializes these options (enums as names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads and validates options written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not valid options JSON or the options are inconsistent.</exception>
    public static EmotionHeadOptions FromJson(string json, string source = "EmotionHeadOptions JSON")
    {
        EmotionHeadOptions? o;
        try { o = JsonSerializer.Deserialize<EmotionHeadOptions>(json, Json); }
        catch (JsonException e) { throw new InvalidDataException($"{source}: invalid emotion head options (line {e.LineNumber + 1}): {e.Message}", e); }
        if (o == null) throw new InvalidDataException($"{source}: emotion head options are null");
        try { o.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"{source}: {e.Message}", e); }
        return o;
    }
}
