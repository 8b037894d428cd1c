using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qieemo.Cli;

/// <summary>What every verb shares: error reporting, JSON output, the --verbose flag.</summary>
internal static class CliSupport
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show stack traces on errors.",
        Recursive = true,
    };

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Runs a verb: bad input becomes one line on stderr naming the file and the cause, and exit
    /// code 1 (2 for usage errors); --verbose adds the stack trace.
    /// </summary>
    public static void SetHandler(this Command command, Func<ParseResult, int> action, string? displayName = null)
    {
        command.SetAction(parse =>
        {
            try
            {
                return action(parse);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var inner = Unwrap(e);
                Console.Error.WriteLine($"qieemo {displayName ?? command.Name}: error: {Describe(inner)}");
                if (parse.GetValue(Verbose)) Console.Error.WriteLine(inner);
                return inner is UsageException ? 2 : 1;
            }
        });
    }

    /// <summary>The exception that says what went wrong: reflection and ML.NET's parallel-cursor wrappers are peeled off.</summary>
    public static Exception Unwrap(Exception e)
    {
        while (e.InnerException != null && (e is System.Reflection.TargetInvocationException || e is AggregateException
               || e.Message.StartsWith("Splitter/consolidator", StringComparison.Ordinal)))
            e = e.InnerException;
        return e;
    }

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException f when f.FileName != null && !f.Message.Contains(f.FileName) => $"{f.FileName}: file not found",
        DirectoryNotFoundException d => d.Message,
        _ => e.Message.ReplaceLineEndings(" "),
    };

    public static void WriteJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, Json));

    public static FileInfo ExistingFile(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new FileNotFoundException($"{path}: file not found", path);
        return file;
    }
}

/// <summary>A command-line mistake (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
