#!/usr/bin/python3
"""Reference fixtures for Qieemo.ML.Features.KaldiFbank.

Makes two real speech utterances with espeak-ng (two voices), converts them with sox to 16 kHz and
8 kHz mono s16 WAV, loads them with torchaudio.load (float32 in [-1, 1]) and saves the waveforms and
torchaudio.compliance.kaldi.fbank outputs for a set of option combinations as float32 .npy, plus
manifest.json with every case's options (torchaudio keyword names) and input scale.

Run: /usr/bin/python3 test/reference/fbank_make_fixtures.py
Writes: test/Qieemo.ML.Tests/TestData/fbank/
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torchaudio
import torchaudio.compliance.kaldi as kaldi

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Qieemo.ML.Tests", "TestData", "fbank")

UTTERANCES = {
    # name: (espeak voice, speed, pitch, text)
    "a": ("en-us", 170, 45, "The quick brown fox jumps over the lazy dog."),
    "b": ("en-gb+f3", 160, 70, "She sells sea shells by the sea shore."),
}

# Each case: utterance, sample rate, input scale (waveform multiplier), torchaudio kwargs.
CASES = [
    ("default_16k", "a", 16000, 1.0, {}),
    ("default_8k", "b", 8000, 1.0, {"sample_frequency": 8000.0}),
    ("wenet_a", "a", 16000, 32768.0,
     {"num_mel_bins": 80, "frame_length": 25.0, "frame_shift": 10.0, "dither": 0.0, "energy_floor": 0.0,
      "sample_frequency": 16000.0}),
    ("wenet_b", "b", 16000, 32768.0,
     {"num_mel_bins": 80, "frame_length": 25.0, "frame_shift": 10.0, "dither": 0.0, "energy_floor": 0.0,
      "sample_frequency": 16000.0}),
    ("hamming_snipfalse_40", "b", 16000, 1.0,
     {"window_type": "hamming", "snip_edges": False, "num_mel_bins": 40}),
    ("hanning_energy_windowed", "a", 16000, 1.0,
     {"window_type": "hanning", "use_energy": True, "raw_energy": False, "energy_floor": 0.5,
      "num_mel_bins": 40}),
    ("rectangular_magnitude_linear_8k", "a", 8000, 1.0,
     {"window_type": "rectangular", "use_log_fbank": False, "use_power": False, "sample_frequency": 8000.0,
      "round_to_power_of_two": False}),
    ("blackman_freqs_nodc_nopreemph", "a", 16000, 32768.0,
     {"window_type": "blackman", "low_freq": 64.0, "high_freq": -400.0, "remove_dc_offset": False,
      "preemphasis_coefficient": 0.0, "num_mel_bins": 80, "snip_edges": False}),
    ("long_frames_nonpow2_energy", "b", 16000, 32768.0,
     {"frame_length": 50.0, "frame_shift": 12.5, "round_to_power_of_two": False, "use_energy": True,
      "raw_energy": True, "energy_floor": 1.0, "high_freq": 7000.0, "low_freq": 100.0, "num_mel_bins": 40}),
    ("energy_snipfalse_8k_power_linear", "b", 8000, 1.0,
     {"sample_frequency": 8000.0, "snip_edges": False, "use_energy": True, "energy_floor": 0.0,
      "use_log_fbank": False, "num_mel_bins": 23, "blackman_coeff": 0.4, "window_type": "blackman"}),
    ("magnitude_log_hamming_80", "a", 16000, 32768.0,
     {"use_power": False, "window_type": "hamming", "num_mel_bins": 80, "low_freq": 0.0,
      "preemphasis_coefficient": 0.5}),
]

# Cases also computed by torchaudio in float64.
FLOAT64_CASES = {"default_8k", "wenet_b", "long_frames_nonpow2_energy", "blackman_freqs_nodc_nopreemph"}


def run(*args):
    subprocess.run(args, check=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    waves = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (voice, speed, pitch, text) in UTTERANCES.items():
            raw = os.path.join(tmp, f"{name}_espeak.wav")
            run("espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", raw, text)
            for rate in (16000, 8000):
                wav = os.path.join(tmp, f"{name}_{rate}.wav")
                # -D: no dither, -R: repeatable; mono signed 16-bit like a corpus file.
                run("sox", "-D", "-R", raw, "-r", str(rate), "-c", "1", "-b", "16", "-e", "signed-integer", wav)
                w, sr = torchaudio.load(wav)
                assert sr == rate and w.dtype == torch.float32
                waves[(name, rate)] = w
                np.save(os.path.join(OUT, f"wave_{name}_{rate}.npy"), w[0].numpy().astype(np.float32))

    manifest = {"torch": torch.__version__, "torchaudio": torchaudio.__version__,
                "espeak": {k: {"voice": v[0], "speed": v[1], "pitch": v[2], "text": v[3]} for k, v in UTTERANCES.items()},
                "cases": []}
    for name, utt, rate, scale, kwargs in CASES:
        w = waves[(utt, rate)]
        feats = kaldi.fbank(w * scale, **kwargs)
        assert feats.dtype == torch.float32
        np.save(os.path.join(OUT, f"fbank_{name}.npy"), feats.numpy())
        entry = {}
        if name in FLOAT64_CASES:
            # The same computation in float64 (stored as float32): separates torchaudio's own float32 rounding
            # from real differences, so the tests can hold us to a much tighter tolerance here.
            feats64 = kaldi.fbank(w.double() * scale, **kwargs)
            np.save(os.path.join(OUT, f"fbank64_{name}.npy"), feats64.numpy().astype(np.float32))
            entry["fbank64"] = f"fbank64_{name}.npy"
            print(f"  float32 vs float64 torchaudio: max |diff| {(feats.double() - feats64).abs().max():.3e}")
        manifest["cases"].append({"name": name, "wave": f"wave_{utt}_{rate}.npy", "fbank": f"fbank_{name}.npy", **entry,
                                  "input_scale": scale, "samples": int(w.shape[1]),
                                  "frames": int(feats.shape[0]), "dim": int(feats.shape[1]), "options": kwargs})
        print(f"{name}: {tuple(feats.shape)} range [{feats.min():.3f}, {feats.max():.3f}]")
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {OUT}: {total / 1e6:.2f} MB")


if __name__ == "__main__":
    sys.exit(main())
