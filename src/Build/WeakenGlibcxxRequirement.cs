// MSBuild inline task (RoslynCodeTaskFactory): marks one GLIBCXX version requirement of an ELF
// shared library weak when the system libstdc++ does not define that version.
// Why: TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32 only for an unused marker
// symbol; glibc's loader accepts a missing version whose vernaux entry carries VER_FLG_WEAK.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class QieemoWeakenGlibcxxRequirement : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";

    private const ushort VerFlgWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    private static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        if (Files.Length == 0) return true;
        string system = Array.Find(LibStdCxxCandidates, File.Exists);
        if (system != null && Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{system} defines {Version}; nothing to patch.");
            return true;
        }
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            try
            {
                switch (Patch(path, Version))
                {
                    case 1: Log.LogMessage(MessageImportance.High, $"Qieemo: marked {Version} weak in {path} (system libstdc++ lacks it)."); break;
                    case 0: Log.LogMessage(MessageImportance.Low, $"{path}: {Version} already weak."); break;
                    default: Log.LogMessage(MessageImportance.Low, $"{path}: does not require {Version}."); break;
                }
            }
            catch (Exception e)
            {
                Log.LogWarning($"Qieemo: could not patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    /// <returns>1 patched, 0 already weak, -1 no such requirement.</returns>
    private static int Patch(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + (long)s * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            uint count = BitConverter.ToUInt32(elf, (int)sh + 0x2C); // sh_info: number of Verneed entries
            long strsh = shoff + (long)link * shentsize;
            long stroff = (long)BitConverter.ToUInt64(elf, (int)strsh + 0x18);

            long vn = offset;
            for (uint n = 0; n < count; n++)
            {
                int cnt = BitConverter.ToUInt16(elf, (int)vn + 2);
                long vna = vn + BitConverter.ToUInt32(elf, (int)vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    uint name = BitConverter.ToUInt32(elf, (int)vna + 8);
                    if (ReadCString(elf, stroff + name) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)vna + 4);
                        if ((flags & VerFlgWeak) != 0) return 0;
                        flags |= VerFlgWeak;
                        elf[vna + 4] = (byte)(flags & 0xff);
                        elf[vna + 5] = (byte)(flags >> 8);
                        string tmp = path + ".qieemo-tmp";
                        File.WriteAllBytes(tmp, elf);
                        File.Copy(tmp, path, true);
                        File.Delete(tmp);
                        return 1;
                    }
                    vna += BitConverter.ToUInt32(elf, (int)vna + 12);
                }
                vn += BitConverter.ToUInt32(elf, (int)vn + 12);
            }
        }
        return -1;
    }

    private static string ReadCString(byte[] data, long at)
    {
        int end = (int)at;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)at, end - (int)at);
    }
}
