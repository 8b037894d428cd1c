using System.Diagnostics;

namespace Qieemo.ML.Training;

/// <summary>
/// Estimates the remaining time from a moving average of the last <see cref="Window"/> step
/// durations (robust to the slow first steps and to changing batch lengths).
/// </summary>
public sealed class EtaEstimator
{
    private readonly Queue<double> _times = new();
    private readonly Stopwatch _total = new();
    private readonly Stopwatch _step = new();
    private double _sum;

    /// <summary>Creates an estimator averaging the last <paramref name="window"/> steps.</summary>
    public EtaEstimator(int window = 50)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "window must be ≥ 1");
        Window = window;
    }

    /// <summary>Number of recent steps averaged.</summary>
    public int Window { get; }

    /// <summary>Time since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => _total.Elapsed;

    /// <summary>Mean duration of the recent steps; null before the first.</summary>
    public TimeSpan? AverageStepTime => _times.Count == 0 ? null : TimeSpan.FromSeconds(_sum / _times.Count);

    /// <summary>Starts (or restarts) the clocks.</summary>
    public void Start()
    {
        _total.Restart();
        _step.Restart();
    }

    /// <summary>Marks the end of a step: records the time since the previous mark (or <see cref="Start"/>).</summary>
    public void Tick()
    {
        if (!_step.IsRunning) Start();
        Record(_step.Elapsed);
        _step.Restart();
    }

    /// <summary>Restarts the step clock without recording (e.g. after an evaluation pause).</summary>
    public void Pause() => _step.Restart();

    /// <summary>Records a step duration measured elsewhere.</summary>
    public void Record(TimeSpan stepTime)
    {
        if (stepTime < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(stepTime), stepTime, "a step cannot take negative time");
        double s = stepTime.TotalSeconds;
        _times.Enqueue(s);
        _sum += s;
        if (_times.Count > Window) _sum -= _times.Dequeue();
    }

    /// <summary>Estimated time for <paramref name="remainingSteps"/> more steps; null before the first step.</summary>
    public TimeSpan? Estimate(long remainingSteps)
    {
        if (remainingSteps < 0) throw new ArgumentOutOfRangeException(nameof(remainingSteps), remainingSteps, "remaining steps must be ≥ 0");
        return AverageStepTime is { } avg ? TimeSpan.FromSeconds(avg.TotalSeconds * remainingSteps) : null;
    }
}
