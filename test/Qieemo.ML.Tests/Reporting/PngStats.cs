using SkiaSharp;

namespace Qieemo.ML.Tests.Reporting;

/// <summary>Decodes a PNG (SkiaSharp) and summarizes its pixels, to tell a real picture from a blank or broken one.</summary>
internal sealed record PngStats(int Width, int Height, int DistinctColors, double NonWhiteFraction, SKBitmap Bitmap)
{
    private static readonly byte[] Signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };

    public static PngStats Of(byte[] png, string what)
    {
        Assert.IsGreaterThan(33, png.Length, $"{what}: too short for a PNG");
        CollectionAssert.AreEqual(Signature, png.Take(8).ToArray(), $"{what}: no PNG signature");
        // IHDR comes first: big-endian width and height at bytes 16..23.
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4), $"{what}: first chunk is not IHDR");
        int w = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19];
        int h = (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23];
        var bitmap = SKBitmap.Decode(png);
        Assert.IsNotNull(bitmap, $"{what}: SkiaSharp cannot decode it");
        Assert.AreEqual(w, bitmap.Width, $"{what}: IHDR width");
        Assert.AreEqual(h, bitmap.Height, $"{what}: IHDR height");
        var colors = new HashSet<uint>();
        long nonWhite = 0;
        foreach (var c in bitmap.Pixels)
        {
            colors.Add((uint)c);
            if (c.Red < 235 || c.Green < 235 || c.Blue < 235) nonWhite++;
        }
        return new PngStats(w, h, colors.Count, (double)nonWhite / ((long)w * h), bitmap);
    }

    /// <summary>Pixels within <paramref name="tolerance"/> of a colour on every channel.</summary>
    public int CountNear(SKColor color, int tolerance = 12) => Bitmap.Pixels.Count(c =>
        Math.Abs(c.Red - color.Red) <= tolerance && Math.Abs(c.Green - color.Green) <= tolerance && Math.Abs(c.Blue - color.Blue) <= tolerance);
}
