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
}
