// MSBuild inline task (RoslynCodeTaskFactory): writes copies of the given assemblies with every
// type and member made public, for the compiler only (bin/ keeps the real DLLs).
// Why: ML.NET keeps the contracts a saveable transformer needs (LoadableClass, VersionInfo,
// ModelSaveContext, RowToRowTransformerBase) internal to its friend assemblies; docs/mlnet-integration.md.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Mono.Cecil;

public class QieemoPublicizeAssemblies : Task
{
    [Required] public ITaskItem[] Assemblies { get; set; } = Array.Empty<ITaskItem>();
    [Required] public ITaskItem[] SearchDirectories { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string OutputDirectory { get; set; } = "";
    [Output] public ITaskItem[] Publicized { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        Directory.CreateDirectory(OutputDirectory);
        var resolver = new DefaultAssemblyResolver();
        foreach (var dir in SearchDirectories.Select(d => d.ItemSpec).Distinct())
            if (Directory.Exists(dir)) resolver.AddSearchDirectory(dir);

        var results = new List<ITaskItem>();
        foreach (var item in Assemblies)
        {
            string source = item.ItemSpec;
            string target = Path.Combine(OutputDirectory, Path.GetFileName(source));
            if (!File.Exists(target) || File.GetLastWriteTimeUtc(target) < File.GetLastWriteTimeUtc(source))
            {
                using var assembly = AssemblyDefinition.ReadAssembly(source, new ReaderParameters { AssemblyResolver = resolver });
                foreach (var type in assembly.MainModule.Types) Publicize(type);
                string tmp = target + ".tmp";
                assembly.Write(tmp);
                File.Copy(tmp, target, overwrite: true);
                File.Delete(tmp);
                Log.LogMessage(MessageImportance.Normal, $"Publicized {source} -> {target}");
            }
            var output = new TaskItem(item);
            output.SetMetadata("PublicizedPath", Path.GetFullPath(target));
            results.Add(output);
        }
        Publicized = results.ToArray();
        return true;
    }

    private static void Publicize(TypeDefinition type)
    {
        if (type.Name.Contains("<")) return; // compiler-generated
        if (type.IsNested) type.IsNestedPublic = true; else type.IsPublic = true;

        var eventNames = new HashSet<string>(type.Events.Select(e => e.Name));
        foreach (var field in type.Fields)
            if (!field.Name.Contains("<") && !eventNames.Contains(field.Name)) field.IsPublic = true;
        foreach (var method in type.Methods)
        {
            // Explicit interface implementations ("IFoo.Bar") stay private.
            if (method.IsPrivate && method.Name.Contains(".") && !method.IsConstructor) continue;
            if (method.Name.Contains("<")) continue;
            method.IsPublic = true;
        }
        foreach (var nested in type.NestedTypes) Publicize(nested);
    }
}
