namespace Qieemo.ML.Tests.Data;

/// <summary>Temporary folders made by the Data tests, deleted after each test (generated corpora are a few MB each).</summary>
internal static class TempDirs
{
    private static readonly List<string> Made = [];

    public static string Make(string prefix)
    {
        string dir = TestSupport.TempDir(prefix);
        lock (Made) Made.Add(dir);
        return dir;
    }

    public static void DeleteAll()
    {
        lock (Made)
        {
            foreach (var dir in Made)
                try { if (Directory.Exists(dir)) Directory.Delete(dir, true); } catch (IOException) { }
            Made.Clear();
        }
    }
}
