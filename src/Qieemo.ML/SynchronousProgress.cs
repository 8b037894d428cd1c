namespace Qieemo.ML;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once, on the reporting thread, one report
/// at a time (unlike <see cref="Progress{T}"/>, which posts to the thread pool and can reorder lines).
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    private readonly object _gate = new();

    public void Report(T value)
    {
        lock (_gate) handler(value);
    }
}
