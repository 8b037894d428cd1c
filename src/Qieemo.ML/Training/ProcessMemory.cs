namespace Qieemo.ML.Training;

/// <summary>Memory diagnostics of the current process (native libtorch allocations included).</summary>
public static class ProcessMemory
{
    /// <summary>
    /// Resident set size in bytes: <c>VmRSS</c> from <c>/proc/self/status</c> on Linux (counts
    /// libtorch's native memory, which the GC does not see), <see cref="Environment.WorkingSet"/> elsewhere.
    /// </summary>
    public static long RssBytes()
    {
        if (OperatingSystem.IsLinux())
        {
            const string path = "/proc/self/status";
            try
            {
                foreach (var line in File.ReadLines(path))
                {
                    if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                    // "VmRSS:\t  123456 kB"
                    var parts = line.Substring(6).Split(' ', '\t').Where(p => p.Length > 0).ToArray();
                    if (parts.Length != 2 || parts[1] != "kB" || !long.TryParse(parts[0], out long kb))
                        throw new InvalidDataException($"{path}: unexpected VmRSS line '{line}'");
                    return kb * 1024;
                }
            }
            catch (IOException)
            {
                // /proc not mounted (some containers): fall back below.
            }
        }
        return Environment.WorkingSet;
    }

    /// <summary>RSS in MiB, for progress messages.</summary>
    public static double RssMiB() => RssBytes() / (1024.0 * 1024.0);
}
