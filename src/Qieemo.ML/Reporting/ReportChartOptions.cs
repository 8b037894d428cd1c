namespace Qieemo.ML.Reporting;

/// <summary>Size and resolution of the report's charts.</summary>
public sealed class ReportChartOptions
{
    /// <summary>Width of the wide charts (per-fold bars, learning curves, block weights) in layout pixels. Default 900.</summary>
    public int Width { get; set; } = 900;

    /// <summary>Height of the wide charts in layout pixels. Default 420.</summary>
    public int Height { get; set; } = 420;

    /// <summary>Pixel density: the PNGs are Width × Scale by Height × Scale pixels, so they stay sharp on
    /// high-DPI screens when shown at Width. Default 1.5.</summary>
    public double Scale { get; set; } = 1.5;

    internal void Validate()
    {
        if (Width < 200 || Height < 150)
            throw new ArgumentException($"Charts must be at least 200x150 layout pixels; got {Width}x{Height}.");
        if (!(Scale >= 0.5 && Scale <= 4))
            throw new ArgumentException($"Scale must be in [0.5, 4]; got {Scale}.");
    }
}
