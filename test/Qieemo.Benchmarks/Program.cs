using System.Reflection;

namespace Qieemo.Benchmarks;

/// <summary>One benchmark: measures our implementation and prints machine-readable lines
/// ("name: value") that test/benchmarks/run.sh sets beside its reference run.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    int Run(string[] args);
}

public static class Program
{
    public static int Main(string[] args)
    {
        var benches = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name).ToList();
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: Qieemo.Benchmarks <name> [options]");
            foreach (var b in benches) Console.WriteLine($"  {b.Name,-12} {b.Description}");
            return args.Length == 0 ? 2 : 0;
        }
        var bench = benches.FirstOrDefault(b => b.Name == args[0]);
        if (bench == null) { Console.Error.WriteLine($"unknown benchmark '{args[0]}'"); return 2; }
        return bench.Run(args[1..]);
    }

    /// <summary>Value of "--name value" in args, or the fallback.</summary>
    public static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
