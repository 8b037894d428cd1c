// Tests share TorchSharp's global state and the 2-core CI machine: run them one at a time.
[assembly: DoNotParallelize]
