using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Qieemo.ML.Evaluation;

/// <summary>The values of one scalar column read as class names (null = missing), plus its key values when key-typed.</summary>
internal sealed class LabelColumn
{
    public LabelColumn(string name, string?[] values, IReadOnlyList<string>? keyValueNames)
    {
        Name = name;
        Values = values;
        KeyValueNames = keyValueNames;
    }

    /// <summary>Column name, for messages.</summary>
    public string Name { get; }

    /// <summary>Name of each row's value; null where the value is missing (key 0, NaN, empty text).</summary>
    public string?[] Values { get; }

    /// <summary>The key's value names in key order, when the column is key-typed; otherwise null.</summary>
    public IReadOnlyList<string>? KeyValueNames { get; }

    /// <summary>Distinct non-missing names, in order of first appearance.</summary>
    public IEnumerable<string> DistinctNames() => Values.Where(v => v != null).Select(v => v!).Distinct(StringComparer.Ordinal);

    /// <summary>The natural class order: key values when key-typed, else the sorted distinct names.</summary>
    public IReadOnlyList<string> Classes() => KeyValueNames ?? LabelColumnReader.SortNames(DistinctNames());
}

/// <summary>
/// Reads label-like scalar columns (key, text, number, boolean) of an <see cref="IDataView"/> as names,
/// so that labels and predictions can be matched by name whatever key order a fitted
/// <c>MapValueToKey</c> chose.
/// </summary>
internal static class LabelColumnReader
{
    /// <summary>Reads the given columns in one pass.</summary>
    /// <exception cref="ArgumentException">A column is missing, or is a vector or an unsupported type.</exception>
    public static LabelColumn[] Read(IDataView data, params string[] columnNames)
    {
        ArgumentNullException.ThrowIfNull(data);
        var schemaColumns = new DataViewSchema.Column[columnNames.Length];
        var keyNames = new string[]?[columnNames.Length];
        for (int i = 0; i < columnNames.Length; i++)
        {
            var col = data.Schema.GetColumnOrNull(columnNames[i])
                ?? throw new ArgumentException(
                    $"The data has no column '{columnNames[i]}' (columns: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).",
                    nameof(columnNames));
            schemaColumns[i] = col;
            keyNames[i] = col.Type is KeyDataViewType ? ReadKeyValueNames(col) : null;
        }

        var values = columnNames.Select(_ => new List<string?>()).ToArray();
        using (var cursor = data.GetRowCursor(schemaColumns))
        {
            var readers = schemaColumns.Select((c, i) => MakeReader(cursor, c, keyNames[i])).ToArray();
            while (cursor.MoveNext())
                for (int i = 0; i < readers.Length; i++) values[i].Add(readers[i]());
        }
        return columnNames.Select((n, i) => new LabelColumn(n, values[i].ToArray(), keyNames[i])).ToArray();
    }

    /// <summary>Sorts names numerically when all of them are numbers, else ordinally.</summary>
    public static IReadOnlyList<string> SortNames(IEnumerable<string> names)
    {
        var list = names.Distinct(StringComparer.Ordinal).ToList();
        bool numeric = list.Count > 0 && list.All(n => double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        if (numeric)
            return list.OrderBy(n => double.Parse(n, NumberStyles.Float, CultureInfo.InvariantCulture)).ThenBy(n => n, StringComparer.Ordinal).ToList();
        return list.OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    private static Func<string?> MakeReader(DataViewRowCursor cursor, DataViewSchema.Column col, string[]? keyNames)
    {
        var ci = CultureInfo.InvariantCulture;
        switch (col.Type)
        {
            case KeyDataViewType:
                Func<ulong> key = col.Type.RawType switch
                {
                    Type t when t == typeof(uint) => Getter<uint>(cursor, col, v => v),
                    Type t when t == typeof(byte) => Getter<byte>(cursor, col, v => v),
                    Type t when t == typeof(ushort) => Getter<ushort>(cursor, col, v => v),
                    Type t when t == typeof(ulong) => Getter<ulong>(cursor, col, v => v),
                    _ => throw new ArgumentException($"Column '{col.Name}' has an unsupported key type {col.Type}."),
                };
                return () =>
                {
                    ulong k = key();
                    if (k == 0) return null;
                    if (keyNames == null) return (k - 1).ToString(ci);
                    if (k > (ulong)keyNames.Length)
                        throw new InvalidDataException($"Column '{col.Name}' has key {k} but only {keyNames.Length} key values.");
                    return keyNames[k - 1];
                };
            case TextDataViewType:
                return Getter<ReadOnlyMemory<char>, string?>(cursor, col, v => v.IsEmpty ? null : v.ToString());
            case BooleanDataViewType:
                return Getter<bool, string?>(cursor, col, v => v ? "True" : "False");
            case NumberDataViewType:
                return col.Type.RawType switch
                {
                    Type t when t == typeof(float) => Getter<float, string?>(cursor, col, v => float.IsNaN(v) ? null : v.ToString(ci)),
                    Type t when t == typeof(double) => Getter<double, string?>(cursor, col, v => double.IsNaN(v) ? null : v.ToString(ci)),
                    Type t when t == typeof(sbyte) => Getter<sbyte, string?>(cursor, col, v => v.ToString(ci)),
                    Type t when t == typeof(byte) => Getter<byte, string?>(cursor, col, v => v.ToString(ci)),
                    Type t when t == typeof(short) => Getter<short, string?>(cursor, col, v => v.ToString(ci)),
                    Type t when t == typeof(ushort) => Getter<ushort, string?>(cursor, col, v => v.ToString(ci)),
                    Type t when t == typeof(int) => Getter<int, string?>(cursor, col, v => v.ToString(ci)),
                    Type t when t == typeof(uint) => Getter<uint, string?>(cursor, col, v => v.ToString(ci)),
                    Type t when t == typeof(long) => Getter<long, string?>(cursor, col, v => v.ToString(ci)),
                    Type t when t == typeof(ulong) => Getter<ulong, string?>(cursor, col, v => v.ToString(ci)),
                    _ => throw new ArgumentException($"Column '{col.Name}' has an unsupported number type {col.Type}."),
                };
            default:
                throw new ArgumentException(
                    $"Column '{col.Name}' is of type {col.Type}; a label/session column must be a scalar key, text, number or boolean.");
        }
    }

    private static Func<ulong> Getter<T>(DataViewRowCursor cursor, DataViewSchema.Column col, Func<T, ulong> convert)
    {
        var getter = cursor.GetGetter<T>(col);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return convert(value);
        };
    }

    private static Func<TOut> Getter<T, TOut>(DataViewRowCursor cursor, DataViewSchema.Column col, Func<T, TOut> convert)
    {
        var getter = cursor.GetGetter<T>(col);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return convert(value);
        };
    }

    /// <summary>The key values (<c>GetKeyValues</c>) of a key-typed column as names, or null when it has none.</summary>
    private static string[]? ReadKeyValueNames(DataViewSchema.Column col)
    {
        var annotation = col.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues);
        if (annotation?.Type is not VectorDataViewType vector) return null;
        var ci = CultureInfo.InvariantCulture;
        return vector.ItemType switch
        {
            TextDataViewType => KeyValues<ReadOnlyMemory<char>>(col, v => v.ToString()),
            BooleanDataViewType => KeyValues<bool>(col, v => v ? "True" : "False"),
            _ when vector.ItemType.RawType == typeof(float) => KeyValues<float>(col, v => v.ToString(ci)),
            _ when vector.ItemType.RawType == typeof(double) => KeyValues<double>(col, v => v.ToString(ci)),
            _ when vector.ItemType.RawType == typeof(int) => KeyValues<int>(col, v => v.ToString(ci)),
            _ when vector.ItemType.RawType == typeof(uint) => KeyValues<uint>(col, v => v.ToString(ci)),
            _ when vector.ItemType.RawType == typeof(long) => KeyValues<long>(col, v => v.ToString(ci)),
            _ when vector.ItemType.RawType == typeof(ulong) => KeyValues<ulong>(col, v => v.ToString(ci)),
            _ when vector.ItemType.RawType == typeof(short) => KeyValues<short>(col, v => v.ToString(ci)),
            _ when vector.ItemType.RawType == typeof(byte) => KeyValues<byte>(col, v => v.ToString(ci)),
            _ => throw new ArgumentException($"Column '{col.Name}' has key values of unsupported type {vector.ItemType}."),
        };
    }

    private static string[] KeyValues<T>(DataViewSchema.Column col, Func<T, string> convert)
    {
        VBuffer<T> buffer = default;
        col.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref buffer);
        return buffer.DenseValues().Select(convert).ToArray();
    }
}
