using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Qieemo.ML.Transforms;

/// <summary>Shared pieces of Qieemo's saveable ML.NET transformers.</summary>
internal static class TransformSupport
{
    /// <summary>Simple name of this assembly. ML.NET stores it in each model and loads it by this name
    /// (a full name would break loading models across our own versions).</summary>
    public static readonly string AssemblyName = typeof(TransformSupport).Assembly.GetName().Name!;

    /// <summary>Annotation on an audio column: its sample rate in Hz (Int32).</summary>
    public const string SampleRateAnnotation = "QieemoSampleRate";

    /// <summary>Annotation on a frame-matrix column (flattened [frames, dim]): the frame dimension (Int32).</summary>
    public const string FrameDimAnnotation = "QieemoFrameDim";

    public static VersionInfo Version(string modelSignature, string loaderSignature) => new(
        modelSignature: modelSignature,
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: loaderSignature,
        loaderAssemblyName: AssemblyName);

    public static DataViewSchema.Annotations IntAnnotation(string name, int value)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(name, NumberDataViewType.Int32, (ref int v) => v = value);
        return builder.ToAnnotations();
    }

    public static int? ReadIntAnnotation(DataViewSchema.Column column, string name)
    {
        var col = column.Annotations.Schema.GetColumnOrNull(name);
        if (col == null || col.Value.Type != NumberDataViewType.Int32) return null;
        int value = 0;
        column.Annotations.GetValue(name, ref value);
        return value;
    }

    public static SchemaShape.Column? ReadShapeColumn(SchemaShape shape, string name) =>
        shape.TryFindColumn(name, out var col) ? col : null;

    /// <summary>Schema-shape column of a variable-length float vector carrying the given annotation names.</summary>
    public static SchemaShape.Column FloatVectorShape(string name, params string[] annotations) =>
        new(name, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single, false,
            annotations.Length == 0 ? null : new SchemaShape(annotations.Select(a =>
                new SchemaShape.Column(a, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32, false))));

    public static void CheckFloatVector(IHost host, DataViewSchema.Column column, string role)
    {
        if (column.Type is not VectorDataViewType v || v.ItemType != NumberDataViewType.Single)
            throw host.ExceptSchemaMismatch(nameof(column), role, column.Name, "vector of Single", column.Type.ToString());
    }

    /// <summary>
    /// The estimators' schema step: <paramref name="input"/> must be a vector of Single; the result is the
    /// input schema with <paramref name="output"/> added (or replaced) as <paramref name="outputColumn"/>.
    /// </summary>
    public static SchemaShape WithFloatVectorInput(IHost host, SchemaShape inputSchema, string input, string output, SchemaShape.Column outputColumn)
    {
        if (!inputSchema.TryFindColumn(input, out var col))
            throw host.ExceptSchemaMismatch(nameof(inputSchema), "input", input);
        if (col.ItemType != NumberDataViewType.Single || col.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw host.ExceptSchemaMismatch(nameof(inputSchema), "input", input, "vector of Single", col.GetTypeString());
        var result = inputSchema.ToDictionary(c => c.Name);
        result[output] = outputColumn;
        return new SchemaShape(result.Values);
    }
}
