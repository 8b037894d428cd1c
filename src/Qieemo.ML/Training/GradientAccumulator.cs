using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Qieemo.ML.Training;

/// <summary>
/// WeNet's update rule: backward(loss / accum_grad) per micro-batch; after every
/// <see cref="AccumGrad"/> micro-batches clip the total gradient norm to <see cref="ClipNorm"/>,
/// step the optimizer only when that norm is finite (else count a skipped update), zero the
/// gradients and step the scheduler (also after a skipped update, as WeNet).
/// </summary>
public sealed class GradientAccumulator
{
    private readonly Optimizer _optimizer;
    private readonly Parameter[] _parameters;
    private readonly LearningRateScheduler? _scheduler;

    /// <summary>
    /// Creates the accumulator. <paramref name="clipNorm"/> 0 disables clipping (the norm is still
    /// computed to detect non-finite gradients). The gradients are zeroed here.
    /// </summary>
    public GradientAccumulator(Optimizer optimizer, IEnumerable<Parameter> parameters, int accumGrad = 1, double clipNorm = 0,
        LearningRateScheduler? scheduler = null)
    {
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _parameters = parameters.ToArray();
        if (accumGrad < 1) throw new ArgumentOutOfRangeException(nameof(accumGrad), accumGrad, "accum_grad must be ≥ 1");
        if (!(clipNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "clip norm must be ≥ 0 (0 = no clipping)");
        AccumGrad = accumGrad;
        ClipNorm = clipNorm;
        _scheduler = scheduler;
        _optimizer.zero_grad();
    }

    /// <summary>Micro-batches per optimizer update.</summary>
    public int AccumGrad { get; }

    /// <summary>Maximum total gradient norm (0 = no clipping).</summary>
    public double ClipNorm { get; }

    /// <summary>Micro-batches accumulated since the last update.</summary>
    public int Pending { get; private set; }

    /// <summary>Updates due so far, skipped ones included (the global step; equals the scheduler's step count).</summary>
    public long Updates { get; private set; }

    /// <summary>Updates skipped because of a non-finite gradient norm.</summary>
    public long SkippedUpdates { get; private set; }

    /// <summary>
    /// Backpropagates <paramref name="loss"/> (a scalar, the micro-batch's mean loss) divided by
    /// <see cref="AccumGrad"/>; applies the update when the window is complete.
    /// </summary>
    public GradientStepOutcome Backward(Tensor loss)
    {
        if (loss.numel() != 1) throw new ArgumentException($"loss must be a scalar, got shape [{string.Join(", ", loss.shape)}]", nameof(loss));
        using (var scaled = GradientUtilities.ScaleForAccumulation(loss, AccumGrad))
            scaled.backward();
        Pending++;
        return Pending == AccumGrad ? ApplyUpdate() : new GradientStepOutcome(false, false, double.NaN);
    }

    /// <summary>
    /// Applies an update for the micro-batches pending at the end of an epoch (their gradients
    /// were scaled by 1/<see cref="AccumGrad"/>, i.e. they weigh as in a full window). Call it
    /// at each epoch end so no gradient leaks into the next epoch (resume would not reproduce
    /// that). No-op when nothing is pending.
    /// </summary>
    public GradientStepOutcome Flush() => Pending == 0 ? new GradientStepOutcome(false, false, double.NaN) : ApplyUpdate();

    /// <summary>Drops pending gradients without an update.</summary>
    public void DiscardPending()
    {
        _optimizer.zero_grad();
        Pending = 0;
    }

    /// <summary>Restores the counters from a checkpoint (the scheduler is restored separately).</summary>
    public void RestoreCounters(long updates, long skippedUpdates)
    {
        if (updates < 0 || skippedUpdates < 0 || skippedUpdates > updates)
            throw new ArgumentException($"invalid counters: {updates} updates, {skippedUpdates} skipped");
        Updates = updates;
        SkippedUpdates = skippedUpdates;
        Pending = 0;
    }

    private GradientStepOutcome ApplyUpdate()
    {
        double norm = ClipNorm > 0
            ? GradientUtilities.ClipGradNorm(_parameters, ClipNorm)
            : GradientUtilities.GradNorm(_parameters);
        bool finite = double.IsFinite(norm);
        if (finite) _optimizer.step();
        else SkippedUpdates++;
        _optimizer.zero_grad();
        Pending = 0;
        Updates++;
        _scheduler?.Step();
        return new GradientStepOutcome(true, !finite, norm);
    }
}
