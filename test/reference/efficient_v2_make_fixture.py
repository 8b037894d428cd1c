#!/usr/bin/python3
"""Builds the parity fixture test/Qieemo.ML.Tests/TestData/wenet/efficient-v2-topology.

The efficient-conformer v2 topology (input_layer conv2d2, two stride layers [3, 7] with stride 2,
grouped attention exactly at the stride layers, stride_kernel false) has no tensors dumped by WeNet
itself here (WeNet's source is not available offline). The reference is therefore our own
plain-PyTorch re-implementation test/reference/bench_encoder_torch.py (WeNet parameter names), which
is executed unmodified: it parses sys.argv when imported, so it is imported with a patched argv and
its main() (guarded by `if __name__ == "__main__"`) never runs.

Usage: /usr/bin/python3 test/reference/efficient_v2_make_fixture.py [--out DIR] [--seed N]

Input: the real fbank batch of the WeNet fixture efficient-conformer-v1-small (2 espeak-ng utterances,
313 and 505 frames) with the long utterance cut to 501 frames, so that after conv2d2 the batch has
T = 250 frames: the grouped attention then pads 250 -> 252 at block 3 and 125 -> 126 at block 7, and
block 7's strided conv / AvgPool see an odd T (125 -> 63, last output pools one frame). With the full
505 frames T would be 252 / 126 (multiples of 3, even), and none of those paths would be exercised.
"""
import argparse
import importlib.util
import json
import math
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SRC_FIXTURE = "/work/shared/fixtures/wenet/efficient-conformer-v1-small"

cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
cli.add_argument("--out", default=os.path.join(REPO, "test/Qieemo.ML.Tests/TestData/wenet/efficient-v2-topology"))
cli.add_argument("--src", default=SRC_FIXTURE, help="folder with feats.npy, feats_lengths.npy, global_cmvn.json")
cli.add_argument("--seed", type=int, default=0)
cli.add_argument("--frames", type=int, default=501, help="padded input frames kept (<= 505)")
opts = cli.parse_args()

# bench_encoder_torch.py parses its own argv at import time: give it a harmless one.
saved_argv = sys.argv
sys.argv = [os.path.join(HERE, "bench_encoder_torch.py"), "infer", "unused", "--threads", "1"]
spec = importlib.util.spec_from_file_location("bench_encoder_torch", os.path.join(HERE, "bench_encoder_torch.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
sys.argv = saved_argv

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)

# 9 blocks, not 8: with stride layers [3, 7] a block after the second stride layer is needed so that
# its sliced masks and position rows (pe rows 0, 4, 8, ...) are actually consumed (WeNet's v2 recipe has 12).
D, HEADS, UNITS, BLOCKS, KERNEL = 64, 4, 128, 9, 15
STRIDE_LAYERS, STRIDES, GROUP_LAYERS, GROUP = [3, 7], [2, 2], [3, 7], 3
PE_ROWS = 5000  # WeNet's max_len; the yaml has no key for it and our importer expects 5000 rows

CONFIG = {
    "InputDim": 80, "OutputSize": D, "AttentionHeads": HEADS, "LinearUnits": UNITS, "NumBlocks": BLOCKS,
    "DropoutRate": 0.0, "PositionalDropoutRate": 0.0, "AttentionDropoutRate": 0.0,
    "InputLayer": "conv2d2", "NormalizeBefore": True, "MacaronStyle": True, "UseCnnModule": True,
    "ActivationType": "swish", "CnnModuleKernel": KERNEL, "CnnModuleNorm": "layer_norm",
    "StrideLayerIdx": STRIDE_LAYERS, "Stride": STRIDES, "GroupLayerIdx": GROUP_LAYERS, "GroupSize": GROUP,
    "StrideKernel": False, "UseGlobalCmvn": True, "PositionTableLength": PE_ROWS,
}


def wenet_pe(max_len, d):
    """WeNet's PositionalEncoding table, computed as WeNet does (float32 torch ops)."""
    pe = torch.zeros(max_len, d)
    position = torch.arange(0, max_len, dtype=torch.float32).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * -(math.log(10000.0) / d))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe.unsqueeze(0)


def wenet_json_cmvn(path):
    """WeNet's load_cmvn(is_json=True): float64 mean and 1/sqrt(max(var, 1e-20)), then .float()."""
    with open(path) as f:
        stats = json.load(f)
    n = stats["frame_num"]
    mean, istd = [], []
    for m, v in zip(stats["mean_stat"], stats["var_stat"]):
        m = m / n
        var = max(v / n - m * m, 1.0e-20)
        mean.append(m)
        istd.append(1.0 / math.sqrt(var))
    return torch.tensor(mean, dtype=torch.float64).float(), torch.tensor(istd, dtype=torch.float64).float()


class Holder(nn.Module):
    """Holds the encoder as `.encoder`, so the state_dict keys are `encoder.*` as in a WeNet ASR checkpoint."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder


def build(seed, mean, istd):
    torch.manual_seed(seed)
    enc = ref.Encoder(CONFIG)
    with torch.no_grad():
        enc.embed.pos_enc.pe.copy_(wenet_pe(PE_ROWS, D))
        enc.global_cmvn.mean.copy_(mean)
        enc.global_cmvn.istd.copy_(istd)
        # Random init leaves every LayerNorm at identity: perturb them (as the WeNet fixtures do).
        g = torch.Generator().manual_seed(10000 + seed)
        for _, m in enc.named_modules():
            if isinstance(m, (nn.LayerNorm, nn.BatchNorm1d)):
                m.weight.copy_(1 + 0.1 * torch.randn(m.weight.shape, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
    return enc.eval()


def run(enc, feats, lengths):
    """Forward with a hook on embed: (embed, embed mask, blocks, block masks, output, output lengths)."""
    seen = {}
    hook = enc.embed.register_forward_hook(lambda m, i, o: seen.update(embed=o[0].detach().clone(), mask=o[2].clone()))
    masks = []
    hooks = [layer.register_forward_hook(lambda m, i, o: masks.append(i[1].clone())) for layer in enc.encoders]
    with torch.no_grad():
        out, out_lengths, blocks = enc(feats, lengths)
    hook.remove()
    for h in hooks:
        h.remove()
    return seen["embed"], seen["mask"], blocks, masks, out, out_lengths


def main():
    os.makedirs(opts.out, exist_ok=True)
    feats_all = np.load(os.path.join(opts.src, "feats.npy"))
    lengths_all = np.load(os.path.join(opts.src, "feats_lengths.npy"))
    assert feats_all.shape == (2, 505, 80) and feats_all.dtype == np.float32, feats_all.shape
    assert lengths_all.tolist() == [313, 505], lengths_all
    t_in = opts.frames
    feats_np = np.ascontiguousarray(feats_all[:, :t_in, :])
    lengths_np = np.minimum(lengths_all, t_in).astype(np.int64)
    assert np.all(feats_np[0, 313:] == 0), "short utterance must be zero-padded"
    np.save(os.path.join(opts.out, "feats.npy"), feats_np)
    np.save(os.path.join(opts.out, "feats_lengths.npy"), lengths_np)
    cmvn_json = os.path.join(opts.out, "global_cmvn.json")
    shutil.copyfile(os.path.join(opts.src, "global_cmvn.json"), cmvn_json)

    mean, istd = wenet_json_cmvn(cmvn_json)
    # The source fixture's checkpoint holds WeNet's own buffers for the same json: must be identical.
    src_sd = torch.load(os.path.join(opts.src, "state_dict.pt"), map_location="cpu")
    assert torch.equal(src_sd["encoder.global_cmvn.mean"], mean) and torch.equal(src_sd["encoder.global_cmvn.istd"], istd), \
        "CMVN buffers differ from WeNet's load_cmvn result in the source fixture"
    pe = wenet_pe(PE_ROWS, D)
    assert torch.equal(src_sd["encoder.embed.pos_enc.pe"], pe), "pe table differs from WeNet's (source fixture)"

    enc = build(opts.seed, mean, istd)
    feats = torch.from_numpy(feats_np)
    lengths = torch.from_numpy(lengths_np)
    embed, embed_mask, blocks, in_masks, out, out_lengths = run(enc, feats, lengths)

    # ---- sanity: lengths follow conv2d2 then ceil-halving at the stride blocks
    t = (t_in - 1) // 2                                       # conv2d2: Conv2d(k=3, s=2), no padding
    valid = [min(t, (int(n) + 1) // 2) for n in lengths_np]   # mask[:, :, :-2:2]: j valid iff 2j < L
    assert tuple(embed.shape) == (2, t, D), embed.shape
    assert embed_mask.sum((1, 2)).tolist() == valid, (embed_mask.sum((1, 2)).tolist(), valid)
    block_info = []
    pos_step = 1
    for i, x in enumerate(blocks):
        t_before, valid_before, step_before = t, list(valid), pos_step
        assert in_masks[i].size(2) == t and in_masks[i].sum((1, 2)).tolist() == valid, f"block {i} input mask"
        stride = STRIDES[STRIDE_LAYERS.index(i)] if i in STRIDE_LAYERS else 1
        if stride > 1:
            t = -(-t // stride)                               # depthwise conv k=15 p=7 s=2 and AvgPool(ceil): ceil(T/s)
            valid = [-(-v // stride) for v in valid]          # mask[:, :, ::s]
            pos_step *= stride
        assert tuple(x.shape) == (2, t, D), (i, x.shape, t)
        block_info.append({
            "file": f"block_{i:02d}.npy", "shape": list(x.shape), "valid_lengths": valid,
            "input_time_steps": t_before, "input_valid_lengths": valid_before,
            "mask_returned_by_layer_time_steps": t_before, "mask_returned_by_layer_valid_lengths": valid_before,
            "pos_emb_rows_used": {"start": 0, "step": step_before, "count": t_before},
            "layer_class": "StrideConformerEncoderLayer" if stride > 1 else "ConformerEncoderLayer",
            "attention_class": "GroupedRelPositionMultiHeadedAttention" if i in GROUP_LAYERS else "RelPositionMultiHeadedAttention",
            "group_padding_frames": (-t_before) % GROUP if i in GROUP_LAYERS else 0,
            "stride_layer": stride > 1, "conv_kernel": KERNEL, "conv_stride": stride, "conv_norm": "LayerNorm",
        })
    assert out_lengths.tolist() == valid, (out_lengths.tolist(), valid)
    expected_lengths = {  # for the default 501 frames: written out so a change in the formulas is noticed
        501: ([157, 250], [[157, 250]] * 3 + [[79, 125]] * 4 + [[40, 63]] * 2),
        505: ([157, 252], [[157, 252]] * 3 + [[79, 126]] * 4 + [[40, 63]] * 2),
    }
    if t_in in expected_lengths:
        got = (embed_mask.sum((1, 2)).tolist(), [b["valid_lengths"] for b in block_info])
        assert got == expected_lengths[t_in], f"length formulas: {got}"

    # ---- dump
    holder = Holder(enc)
    torch.save(holder.state_dict(), os.path.join(opts.out, "state_dict.pt"))
    with open(os.path.join(opts.out, "keys.txt"), "w") as f:
        for k, v in holder.state_dict().items():
            f.write(f"{k}\t[{', '.join(str(s) for s in v.shape)}]\t{str(v.dtype).replace('torch.', '')}\n")
    np.save(os.path.join(opts.out, "embed.npy"), embed.numpy())
    for i, x in enumerate(blocks):
        np.save(os.path.join(opts.out, f"block_{i:02d}.npy"), x.numpy())
    np.save(os.path.join(opts.out, "output.npy"), out.numpy())
    np.save(os.path.join(opts.out, "output_lengths.npy"), out_lengths.to(torch.int64).numpy())
    lengths_json = {
        "feats_lengths": lengths_np.tolist(),
        "embed": {"file": "embed.npy", "shape": list(embed.shape), "valid_lengths": embed_mask.sum((1, 2)).tolist()},
        "blocks": block_info,
        "output": {"file": "output.npy", "shape": list(out.shape), "valid_lengths": out_lengths.tolist(),
                   "returned_mask_shape": [2, 1, out.size(1)]},
        "notes": "Produced by test/reference/efficient_v2_make_fixture.py with our plain-PyTorch re-implementation "
                 "(test/reference/bench_encoder_torch.py), not by WeNet. valid_lengths of block i = the mask_pad block "
                 "i+1 receives (for the last block: the mask the encoder returns), i.e. after masks[:, :, ::stride] "
                 "behind a stride layer. Valid frames are a prefix; padded frames hold whatever the reference computes.",
    }
    with open(os.path.join(opts.out, "block_lengths.json"), "w") as f:
        json.dump(lengths_json, f, indent=1)
    write_yaml(os.path.join(opts.out, "config.yaml"), cmvn_json, mean, istd)

    # ---- verification: reload into a fresh encoder (other seed), strict; float64 noise floor
    fresh = build(opts.seed + 1, torch.zeros(80), torch.ones(80))
    sd = torch.load(os.path.join(opts.out, "state_dict.pt"), map_location="cpu")
    Holder(fresh).load_state_dict(sd, strict=True)
    _, _, blocks2, _, out2, len2 = run(fresh.eval(), feats, lengths)
    reload_diff = max([(a - b).abs().max().item() for a, b in zip(blocks, blocks2)] + [(out - out2).abs().max().item()])
    assert reload_diff == 0 and torch.equal(len2, out_lengths), reload_diff
    enc64 = build(opts.seed, mean, istd)
    Holder(enc64).load_state_dict(sd, strict=True)
    enc64 = enc64.double()
    e64, _, b64, _, o64, _ = run(enc64, feats.double(), lengths)

    def vdiff(a, b, v):
        return max((a[k, :n].double() - b[k, :n]).abs().max().item() for k, n in enumerate(v))

    f64 = {"embed": vdiff(embed, e64, lengths_json["embed"]["valid_lengths"]),
           "blocks": [vdiff(a, b, bi["valid_lengths"]) for a, b, bi in zip(blocks, b64, block_info)],
           "output": vdiff(out, o64, out_lengths.tolist())}
    verification = {"reload_strict_other_seed_max_abs_diff": reload_diff,
                    "float32_vs_float64_valid_max_abs_diff": f64,
                    "output_abs_max": out.abs().max().item(),
                    "torch": torch.__version__, "python": sys.version.split()[0], "threads": torch.get_num_threads(),
                    "seed": opts.seed, "frames": t_in}
    with open(os.path.join(opts.out, "verification.json"), "w") as f:
        json.dump(verification, f, indent=1)
    print(json.dumps(verification, indent=1))
    print(json.dumps({"embed": lengths_json["embed"]["valid_lengths"],
                      "blocks": [b["valid_lengths"] for b in block_info]}))


def write_yaml(path, cmvn_json, mean, istd):
    with open(cmvn_json) as f:
        stats = json.load(f)

    def flist(xs):
        return "[" + ", ".join(repr(float(x)) for x in xs) + "]"

    text = f"""# WeNet training-yaml encoder section for fixture 'efficient-v2-topology'
# (efficient conformer v2 topology: conv2d2, stride layers [3, 7], grouped attention at [3, 7],
# stride_kernel false), scaled down. NOT produced by WeNet: the tensors come from our plain-PyTorch
# re-implementation test/reference/bench_encoder_torch.py (see README.md); keys and layout follow
# WeNet's examples/librispeech/s0/conf/train_u2++_efficonformer_v2.yaml.
# cmvn_stats = content of global_cmvn.json; global_cmvn_float32 = the float32 mean/istd buffers
# (WeNet's load_cmvn in float64, then .float()).
input_dim: 80
encoder: efficientConformer
encoder_conf:
  output_size: {D}
  attention_heads: {HEADS}
  linear_units: {UNITS}
  dropout_rate: 0.0
  positional_dropout_rate: 0.0
  attention_dropout_rate: 0.0
  pos_enc_layer_type: rel_pos
  normalize_before: true
  causal: false
  cnn_module_kernel: {KERNEL}
  activation_type: swish
  use_cnn_module: true
  macaron_style: true
  static_chunk_size: 0
  use_dynamic_chunk: false
  use_dynamic_left_chunk: false
  num_blocks: {BLOCKS}
  input_layer: conv2d2
  cnn_module_norm: layer_norm
  efficient_conf:
    stride_layer_idx: {STRIDE_LAYERS}
    stride: {STRIDES}
    group_layer_idx: {GROUP_LAYERS}
    group_size: {GROUP}
    stride_kernel: false
cmvn: global_cmvn
cmvn_conf: {{cmvn_file: global_cmvn.json, is_json_cmvn: true}}
cmvn_stats:
  mean_stat: {flist(stats["mean_stat"])}
  var_stat: {flist(stats["var_stat"])}
  frame_num: {stats["frame_num"]}
global_cmvn_float32:
  mean: {flist(mean.tolist())}
  istd: {flist(istd.tolist())}
dataset_conf:
  fbank_conf: {{num_mel_bins: 80, frame_shift: 10, frame_length: 25, dither: 0.0}}
  resample_conf: {{resample_rate: 16000}}
"""
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
