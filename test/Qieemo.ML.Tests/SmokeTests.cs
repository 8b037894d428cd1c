namespace Qieemo.ML.Tests;

[TestClass]
public sealed class SmokeTests
{
    [TestMethod]
    public void TorchLoads() => Assert.AreEqual(2f, TorchSharp.torch.ones(2).sum().item<float>());
}
