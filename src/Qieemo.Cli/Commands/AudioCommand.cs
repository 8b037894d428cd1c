using System.CommandLine;
using Qieemo.ML.Audio;

namespace Qieemo.Cli.Commands;

/// <summary>`qieemo audio info FILE`: format, rate, channels, bits, frames, duration; for FLAC, whether the MD5 verified.</summary>
internal static class AudioCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Audio file (WAV or FLAC)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var info = new Command("info", "Print an audio file's format, sample rate, channels, bits, frames and duration.");
        info.Arguments.Add(file);
        info.Options.Add(json);
        info.SetHandler(p =>
        {
            string path = p.GetValue(file)!;
            CliSupport.ExistingFile(path);
            // FLAC: decode fully so that the STREAMINFO MD5 is checked.
            var i = AudioFile.ReadInfo(path);
            if (i.Format == "flac") i = AudioFile.Read(path, new FlacDecoderOptions { ThrowOnMd5Mismatch = false }).Info;
            if (p.GetValue(json))
            {
                CliSupport.WriteJson(new
                {
                    path, format = i.Format, codec = i.Codec, sample_rate = i.SampleRate, channels = i.Channels,
                    bits_per_sample = i.BitsPerSample, frames = i.Frames, duration = i.Duration.TotalSeconds, md5_verified = i.Md5Verified,
                });
                return 0;
            }
            Console.WriteLine($"File:        {path}");
            Console.WriteLine($"Format:      {i.Format} ({i.Codec})");
            Console.WriteLine($"Sample rate: {i.SampleRate} Hz");
            Console.WriteLine($"Channels:    {i.Channels}");
            Console.WriteLine($"Bits:        {i.BitsPerSample}");
            Console.WriteLine($"Frames:      {i.Frames}");
            Console.WriteLine($"Duration:    {i.Duration.TotalSeconds:F3} s");
            if (i.Format == "flac")
                Console.WriteLine($"MD5:         {(i.Md5Verified switch { true => "verified", false => "MISMATCH", null => "not stored" })}");
            return 0;
        }, "audio info");
        var command = new Command("audio", "Audio file utilities.");
        command.Subcommands.Add(info);
        return command;
    }
}
