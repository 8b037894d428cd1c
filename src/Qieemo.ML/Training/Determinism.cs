using TorchSharp;
using static TorchSharp.torch;

namespace Qieemo.ML.Training;

/// <summary>
/// Seeding for reproducible training. Every random stream of an epoch (batch order, dropout) is
/// derived from (seed, epoch) alone, so resuming after epoch k needs no saved RNG state: the
/// trainer calls <see cref="SeedEpoch"/> at the start of every epoch.
/// </summary>
/// <remarks>
/// On CPU, identical seeds give bit-identical runs only with the same thread count
/// (<c>torch.set_num_threads</c>): reductions split across threads sum in a different order.
/// CUDA kernels may be non-deterministic (atomics) unless <c>torch.use_deterministic_algorithms</c> is set.
/// </remarks>
public static class Determinism
{
    /// <summary>Random stream for the batch order of an epoch (see <see cref="DeriveSeed"/>).</summary>
    public const int SamplerStream = 1;

    /// <summary>Random stream for torch's generator (dropout, SpecAugment on tensors) in an epoch.</summary>
    public const int TorchStream = 2;

    /// <summary>Seeds torch's default CPU generator and, when CUDA is available, every CUDA generator.</summary>
    public static void Seed(long seed)
    {
        torch.manual_seed(seed);
        torch.random.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }

    /// <summary>Reseeds torch's generators for <paramref name="epoch"/> with <c>DeriveSeed(seed, epoch, TorchStream)</c>.</summary>
    public static void SeedEpoch(int seed, int epoch) => Seed(DeriveSeed(seed, epoch, TorchStream));

    /// <summary>
    /// A non-negative 31-bit seed that depends only on (seed, epoch, stream), mixed with SplitMix64
    /// (stable across processes and .NET versions, unlike <see cref="HashCode"/>).
    /// </summary>
    public static int DeriveSeed(int seed, int epoch, int stream = 0)
    {
        ulong x = Mix((ulong)(uint)seed);
        x = Mix(x ^ (ulong)(uint)epoch);
        x = Mix(x ^ ((ulong)(uint)stream << 32));
        return (int)(x >> 33);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
