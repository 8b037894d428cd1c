namespace Qieemo.ML;
internal static class Placeholder { }
