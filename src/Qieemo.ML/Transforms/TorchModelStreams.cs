using Microsoft.ML;
using TorchSharp;

namespace Qieemo.ML.Transforms;

/// <summary>
/// Stores TorchSharp module weights inside an ML.NET model zip (as named binary streams of the
/// transformer's folder), so that plain mlContext.Model.Save/Load carries them.
/// </summary>
internal static class TorchModelStreams
{
    /// <summary>Writes the module's state (parameters and buffers, TorchSharp's format) as stream <paramref name="name"/>.</summary>
    public static void Save(ModelSaveContext ctx, string name, torch.nn.Module module)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
            module.save(writer);
        byte[] bytes = memory.ToArray();
        ctx.SaveBinaryStream(name, w => w.Write(bytes));
    }

    /// <summary>Loads stream <paramref name="name"/> into a module of the same architecture (strict).</summary>
    public static void Load(ModelLoadContext ctx, string name, torch.nn.Module module)
    {
        bool found = ctx.TryLoadBinaryStream(name, reader =>
        {
            using var copy = new MemoryStream();
            reader.BaseStream.CopyTo(copy);
            copy.Position = 0;
            using var binary = new BinaryReader(copy);
            module.load(binary, strict: true);
        });
        if (!found) throw new InvalidDataException($"The model has no '{name}' weights stream: it was not saved by this version of Qieemo.ML.");
    }

    /// <summary>Writes a UTF-8 text stream (configurations as JSON, vocabularies).</summary>
    public static void SaveText(ModelSaveContext ctx, string name, string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        ctx.SaveBinaryStream(name, w => w.Write(bytes));
    }

    /// <summary>Reads a UTF-8 text stream written by <see cref="SaveText"/>.</summary>
    public static string LoadText(ModelLoadContext ctx, string name)
    {
        string? text = null;
        if (!ctx.TryLoadBinaryStream(name, reader =>
            {
                using var copy = new MemoryStream();
                reader.BaseStream.CopyTo(copy);
                text = System.Text.Encoding.UTF8.GetString(copy.ToArray());
            }) || text == null)
            throw new InvalidDataException($"The model has no '{name}' stream: it was not saved by this version of Qieemo.ML.");
        return text;
    }
}
