using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Qieemo.ML.IO;

/// <summary>
/// A C-ordered array read from or written to NumPy's .npy format (version 1.0-3.0).
/// Supported element types: float32, float64, int32, int64 (little-endian), read as the
/// stored type and convertible to float or long.
/// </summary>
public sealed partial class NpyArray
{
    public int[] Shape { get; }
    /// <summary>NumPy dtype string without byte order, e.g. "f4", "f8", "i4", "i8".</summary>
    public string DType { get; }
    private readonly Array _data;

    private NpyArray(int[] shape, string dtype, Array data) { Shape = shape; DType = dtype; _data = data; }

    public long Length => _data.LongLength;

    public static NpyArray FromFloats(float[] data, params int[] shape) => new(CheckShape(shape, data.Length), "f4", data);
    public static NpyArray FromDoubles(double[] data, params int[] shape) => new(CheckShape(shape, data.Length), "f8", data);
    public static NpyArray FromInt64(long[] data, params int[] shape) => new(CheckShape(shape, data.Length), "i8", data);
    public static NpyArray FromInt32(int[] data, params int[] shape) => new(CheckShape(shape, data.Length), "i4", data);

    private static int[] CheckShape(int[] shape, long length)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        if (n != length) throw new ArgumentException($"shape [{string.Join(",", shape)}] holds {n} elements, data has {length}");
        return (int[])shape.Clone();
    }

    /// <summary>The elements converted to float32.</summary>
    public float[] ToFloats() => _data switch
    {
        float[] f => (float[])f.Clone(),
        double[] d => Array.ConvertAll(d, v => (float)v),
        int[] i => Array.ConvertAll(i, v => (float)v),
        long[] l => Array.ConvertAll(l, v => (float)v),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The elements converted to float64.</summary>
    public double[] ToDoubles() => _data switch
    {
        float[] f => Array.ConvertAll(f, v => (double)v),
        double[] d => (double[])d.Clone(),
        int[] i => Array.ConvertAll(i, v => (double)v),
        long[] l => Array.ConvertAll(l, v => (double)v),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The elements converted to int64 (integer dtypes only).</summary>
    public long[] ToInt64() => _data switch
    {
        int[] i => Array.ConvertAll(i, v => (long)v),
        long[] l => (long[])l.Clone(),
        _ => throw new InvalidOperationException($"dtype {DType} is not an integer type"),
    };

    public static NpyArray Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static NpyArray Read(Stream stream)
    {
        var reader = new BinaryReader(stream);
        byte[] magic = reader.ReadBytes(6);
        if (magic.Length < 6 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
            throw new InvalidDataException("not a .npy file (bad magic)");
        byte major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        string header = Encoding.Latin1.GetString(reader.ReadBytes(headerLength));

        var descr = DescrRegex().Match(header);
        var order = FortranRegex().Match(header);
        var shapeMatch = ShapeRegex().Match(header);
        if (!descr.Success || !shapeMatch.Success) throw new InvalidDataException($"unparseable header '{header.Trim()}'");
        if (order.Success && order.Groups[1].Value == "True") throw new InvalidDataException("Fortran-ordered arrays are not supported");
        string d = descr.Groups[1].Value;
        if (d.StartsWith('>')) throw new InvalidDataException($"big-endian dtype '{d}' is not supported");
        string dtype = d.TrimStart('<', '|', '=');
        int[] shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        long count = 1;
        foreach (var s in shape) count *= s;

        int size = dtype switch { "f4" or "i4" => 4, "f8" or "i8" => 8, _ => throw new InvalidDataException($"unsupported dtype '{d}'") };
        byte[] bytes = reader.ReadBytes(checked((int)(count * size)));
        if (bytes.Length != count * size) throw new InvalidDataException($"truncated data: expected {count * size} bytes, found {bytes.Length}");
        Array data = dtype switch
        {
            "f4" => MemoryMarshalCopy<float>(bytes, count),
            "f8" => MemoryMarshalCopy<double>(bytes, count),
            "i4" => MemoryMarshalCopy<int>(bytes, count),
            _ => MemoryMarshalCopy<long>(bytes, count),
        };
        return new NpyArray(shape, dtype, data);
    }

    private static T[] MemoryMarshalCopy<T>(byte[] bytes, long count) where T : struct
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        var result = new T[count];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).CopyTo(result);
        return result;
    }

    public void Save(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        using var stream = File.Create(path);
        Write(stream);
    }

    public void Write(Stream stream)
    {
        string shape = Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";
        string header = $"{{'descr': '<{DType}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        var writer = new BinaryWriter(stream);
        writer.Write((byte)0x93);
        writer.Write(Encoding.ASCII.GetBytes("NUMPY"));
        writer.Write((byte)1);
        writer.Write((byte)0);
        writer.Write((ushort)header.Length);
        writer.Write(Encoding.ASCII.GetBytes(header));
        ReadOnlySpan<byte> raw = _data switch
        {
            float[] f => System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()),
            double[] f => System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()),
            int[] f => System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()),
            long[] f => System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()),
            _ => throw new InvalidOperationException(),
        };
        writer.Write(raw);
        writer.Flush();
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")] private static partial Regex DescrRegex();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranRegex();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeRegex();
}
