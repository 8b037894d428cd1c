using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Qieemo.ML.Training;

/// <summary>
/// The single-file checkpoint format of <see cref="CheckpointManager"/>:
/// <code>
/// "QIECKPT1" | int32 version | int64 N | payload (N bytes) | SHA-256(payload) | "QIECKEND"
/// payload = string stateJson | int32 count | count × (string name, int32 dtype, int32 ndim, int64[ndim] shape, int64 nbytes, bytes)
///           | bool hasOptimizer [| TorchSharp optimizer.save_state_dict stream]
/// </code>
/// (strings as <see cref="BinaryWriter"/> writes them, little endian, tensor bytes contiguous CPU
/// layout). The trailer hash makes a truncated or damaged file detectable before anything is loaded.
/// Model tensors are the module's <c>state_dict()</c> (parameters and buffers) by name.
/// </summary>
public static class CheckpointFile
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("QIECKPT1");
    private static readonly byte[] EndMagic = Encoding.ASCII.GetBytes("QIECKEND");
    private const int Version = 1;
    private const int HeaderBytes = 8 + 4 + 8;
    private const int TrailerBytes = 32 + 8;

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>
    /// Writes model state, optional optimizer state and <paramref name="state"/> to <paramref name="path"/>
    /// (directly; <see cref="CheckpointManager"/> writes to a temporary name and renames).
    /// </summary>
    public static void Write(string path, nn.Module model, OptimizerHelper? optimizer, TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        file.Write(Magic);
        using (var hw = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
        {
            hw.Write(Version);
            hw.Write(0L);   // payload length, patched below
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long payloadStart = file.Position;
        using (var hashing = new HashingStream(file, hash))
        using (var w = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(JsonSerializer.Serialize(state, Json));
            var sd = model.state_dict();
            w.Write(sd.Count);
            foreach (var (name, t) in sd) WriteTensor(w, name, t);
            w.Write(optimizer is not null);
            optimizer?.save_state_dict(w);
            w.Flush();
        }
        long payloadLength = file.Position - payloadStart;
        file.Write(hash.GetHashAndReset());
        file.Write(EndMagic);
        file.Position = 8 + 4;
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(len, payloadLength);
        file.Write(len);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Checks the structure and hash of a checkpoint without loading it; throws
    /// <see cref="InvalidDataException"/> naming the file and the problem (truncated, wrong magic, hash mismatch).
    /// </summary>
    public static void Validate(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        ValidateOpen(file, path);
    }

    /// <summary>Reads only the <see cref="TrainingState"/> of a checkpoint (validated first).</summary>
    public static TrainingState ReadState(string path)
    {
        using var file = OpenValidated(path, out var reader);
        using (reader) return ReadStateJson(reader, path);
    }

    /// <summary>Reads the model tensors of a checkpoint by name, on the CPU (the caller disposes them).</summary>
    public static Dictionary<string, Tensor> ReadModelState(string path)
    {
        using var file = OpenValidated(path, out var reader);
        using (reader)
        {
            ReadStateJson(reader, path);
            return ReadTensors(reader, path);
        }
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="model"/> (strict: same names and shapes) and, when
    /// given and present, into <paramref name="optimizer"/>; returns its state. Validates the whole
    /// file before changing anything; a valid file that does not fit the model throws
    /// <see cref="InvalidDataException"/> listing the differences.
    /// </summary>
    public static TrainingState Load(string path, nn.Module model, OptimizerHelper? optimizer)
    {
        using var file = OpenValidated(path, out var reader);
        using (reader)
        {
            var state = ReadStateJson(reader, path);
            var tensors = ReadTensors(reader, path);
            try
            {
                CopyInto(model, tensors, path);
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
            bool hasOptimizer = reader.ReadBoolean();
            if (optimizer is not null)
            {
                if (!hasOptimizer) throw new InvalidDataException($"{path}: the checkpoint holds no optimizer state");
                try
                {
                    optimizer.load_state_dict(reader);
                }
                catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException)
                {
                    throw new InvalidDataException($"{path}: optimizer state does not fit the optimizer ({e.Message})", e);
                }
            }
            return state;
        }
    }

    /// <summary>
    /// Copies named tensors into a module's state_dict: the names must equal the module's exactly
    /// and the shapes must match (dtypes are converted, devices moved).
    /// </summary>
    public static void CopyInto(nn.Module model, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var target = model.state_dict();
        var missing = target.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        var unexpected = tensors.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var shapes = target.Where(kv => tensors.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key}: [{string.Join(", ", tensors[kv.Key].shape)}] vs model [{string.Join(", ", kv.Value.shape)}]").ToList();
        if (missing.Count + unexpected.Count + shapes.Count > 0)
            throw new InvalidDataException($"{source}: does not fit the model." +
                (missing.Count > 0 ? $" Missing: {string.Join(", ", missing)}." : "") +
                (unexpected.Count > 0 ? $" Unexpected: {string.Join(", ", unexpected)}." : "") +
                (shapes.Count > 0 ? $" Shape mismatch: {string.Join("; ", shapes)}." : ""));
        using var _ = no_grad();
        foreach (var (name, t) in target) t.copy_(tensors[name]);
    }

    private static FileStream OpenValidated(string path, out BinaryReader reader)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        try
        {
            ValidateOpen(file, path);
            file.Position = HeaderBytes;
            reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void ValidateOpen(FileStream file, string path)
    {
        long length = file.Length;
        if (length < HeaderBytes + TrailerBytes)
            throw new InvalidDataException($"{path}: {length} bytes is too short for a checkpoint (truncated?)");
        var head = new byte[HeaderBytes];
        file.ReadExactly(head);
        if (!head.AsSpan(0, 8).SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a Qieemo checkpoint (bad magic)");
        int version = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(8));
        if (version != Version) throw new InvalidDataException($"{path}: checkpoint format version {version}, expected {Version}");
        long payload = BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(12));
        if (payload <= 0 || HeaderBytes + payload + TrailerBytes != length)
            throw new InvalidDataException($"{path}: payload length {payload} does not match the file size {length} (truncated or unfinished write)");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long left = payload;
        while (left > 0)
        {
            int n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n <= 0) throw new InvalidDataException($"{path}: unexpected end of file");
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
        var trailer = new byte[TrailerBytes];
        file.ReadExactly(trailer);
        if (!trailer.AsSpan(0, 32).SequenceEqual(hash.GetHashAndReset()))
            throw new InvalidDataException($"{path}: SHA-256 of the payload does not match (corrupt file)");
        if (!trailer.AsSpan(32, 8).SequenceEqual(EndMagic))
            throw new InvalidDataException($"{path}: missing end marker (corrupt file)");
    }

    private static TrainingState ReadStateJson(BinaryReader reader, string path)
    {
        string json = reader.ReadString();
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(json, Json) ?? throw new InvalidDataException($"{path}: empty training state");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: unreadable training state JSON: {e.Message}", e);
        }
    }

    private static void WriteTensor(BinaryWriter w, string name, Tensor t)
    {
        using var scope = NewDisposeScope();
        var c = t.detach().cpu().contiguous();
        w.Write(name);
        w.Write((int)c.dtype);
        w.Write((int)c.dim());
        foreach (long d in c.shape) w.Write(d);
        var bytes = c.bytes;
        w.Write((long)bytes.Length);
        w.Write(bytes);
    }

    private static Dictionary<string, Tensor> ReadTensors(BinaryReader r, string path)
    {
        int count = r.ReadInt32();
        if (count < 0) throw new InvalidDataException($"{path}: negative tensor count {count}");
        var result = new Dictionary<string, Tensor>(count, StringComparer.Ordinal);
        try
        {
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                var dtype = (ScalarType)r.ReadInt32();
                int ndim = r.ReadInt32();
                if (ndim is < 0 or > 16) throw new InvalidDataException($"{path}: tensor '{name}' has {ndim} dimensions");
                var shape = new long[ndim];
                for (int d = 0; d < ndim; d++) shape[d] = r.ReadInt64();
                long nbytes = r.ReadInt64();
                var t = empty(shape, dtype);
                if (nbytes != t.NumberOfElements * t.ElementSize)
                {
                    t.Dispose();
                    throw new InvalidDataException($"{path}: tensor '{name}' has {nbytes} bytes for shape [{string.Join(", ", shape)}] of {dtype}");
                }
                var data = r.ReadBytes(checked((int)nbytes));
                t.bytes = data;
                if (!result.TryAdd(name, t))
                {
                    t.Dispose();
                    throw new InvalidDataException($"{path}: tensor '{name}' appears twice");
                }
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>A write-only pass-through stream that feeds everything written into a hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
