using System.Diagnostics;
using Spectre.Console;

namespace Qieemo.Cli;

/// <summary>
/// Progress of long work, always on stderr (stdout stays clean for --json): a Spectre.Console bar
/// with ETA on a terminal, one plain line per step change when stderr is redirected.
/// </summary>
internal static class ProgressDisplay
{
    private static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static bool Interactive => !Console.IsErrorRedirected;

    /// <summary>Runs <paramref name="work"/> with a bar; the work reports (done, total, detail).</summary>
    public static T Run<T>(string title, Func<Action<double, double, string?>, T> work)
    {
        if (!Interactive)
        {
            var watch = Stopwatch.StartNew();
            int lastPercent = -1;
            return work((done, total, detail) =>
            {
                int percent = total > 0 ? (int)(100 * done / total) : 0;
                if (percent / 10 == lastPercent / 10 && detail == null) return;
                lastPercent = percent;
                Console.Error.WriteLine($"{title}: {percent,3}% ({done:0}/{total:0}) {detail} [{watch.Elapsed:mm\\:ss}]");
            });
        }
        T result = default!;
        Err.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                result = work((done, total, detail) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = done;
                    task.Description = Markup.Escape(detail == null ? title : $"{title} {detail}");
                });
                task.Value = task.MaxValue;
            });
        return result;
    }

    public static void Info(string message) => Console.Error.WriteLine(message);

    /// <summary>
    /// Runs a training job with a bar for the current run (epoch, step, loss, ETA) and log lines
    /// above it; plain lines on stderr when it is redirected.
    /// </summary>
    public static T RunTraining<T>(string title, Func<IProgress<Qieemo.ML.Training.TrainingProgress>, IProgress<string>, T> work)
    {
        if (!Interactive)
        {
            var log = new Qieemo.ML.SynchronousProgress<string>(line => Console.Error.WriteLine(line));
            var training = new Qieemo.ML.SynchronousProgress<Qieemo.ML.Training.TrainingProgress>(p =>
            {
                if (p.Stage == Qieemo.ML.Training.TrainingStage.Checkpointing)
                    Console.Error.WriteLine($"  epoch {p.Epoch}/{p.Epochs}: train loss {p.Loss:F4}{(p.Message != null ? ", " + p.Message : "")} [{p.Elapsed:mm\\:ss}]");
            });
            return work(training, log);
        }
        T result = default!;
        Err.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                var log = new Qieemo.ML.SynchronousProgress<string>(line => Err.MarkupLine(Markup.Escape(line)));
                var training = new Qieemo.ML.SynchronousProgress<Qieemo.ML.Training.TrainingProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, (double)p.Epochs * Math.Max(1, p.StepsPerEpoch));
                    task.Value = Math.Min(task.MaxValue, (double)(p.Epoch - 1) * p.StepsPerEpoch + p.Step);
                    task.Description = Markup.Escape($"{title} epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F3}");
                    if (p.Stage == Qieemo.ML.Training.TrainingStage.Checkpointing)
                        Err.MarkupLine(Markup.Escape($"  epoch {p.Epoch}/{p.Epochs}: train loss {p.Loss:F4}{(p.Message != null ? ", " + p.Message : "")}"));
                });
                result = work(training, log);
            });
        return result;
    }
}
