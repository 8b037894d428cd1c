#!/usr/bin/python3
"""Plain-PyTorch reference for the encoder benchmarks (test/benchmarks/encoder-train.bench.sh,
inference.bench.sh).

A from-scratch re-implementation of the WeNet-compatible (efficient) conformer encoder that
src/Qieemo.ML/Modules implements (global CMVN, conv2d/conv2d2 subsampling, WeNet's rel-pos attention
without rel_shift, grouped attention, stride blocks with an AvgPool residual, macaron FFN, conv module,
final norm); parameter names equal WeNet's, so the state_dict that the C# side exported
(WeNetCheckpoint.SaveWeNetStateDict) loads with strict=True.

  train DIR --threads N     DIR is what `Qieemo.Benchmarks encoder-train --out DIR` wrote: checks this
                            forward against the C# eval-mode output (fails if max|diff| > 1e-3) and the
                            eval CTC loss, then times warmup + steps Adam steps (config.json) and prints
                            the median.
  infer DIR --threads N     DIR is what `Qieemo.Benchmarks inference --out DIR` wrote: checks the encoder
  [--wave F32]              output likewise, then times the eval-mode encoder forward on the same features
                            (and, with --wave, torchaudio's Kaldi fbank of the same samples).

Debian's python3-torch is linked against libblas.so.3, which is the slow reference BLAS unless OpenBLAS
is selected; the .sh scripts put /usr/lib/x86_64-linux-gnu/openblas-pthread first in LD_LIBRARY_PATH.
This script prints the BLAS library actually mapped into the process and a matmul GFLOP/s figure.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("mode", choices=["train", "infer"])
parser.add_argument("dir")
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--runs", type=int, default=7, help="infer: timed runs")
parser.add_argument("--tolerance", type=float, default=1e-3)
parser.add_argument("--wave", help="infer: raw float32 16 kHz samples; also time torchaudio's Kaldi fbank on them")
args = parser.parse_args()
# OpenBLAS reads its thread count when it is loaded (with torch): match torch's intra-op threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


# ----------------------------------------------------------------------------- modules

class GlobalCMVN(nn.Module):
    """(x - mean) * istd, on every frame (padding included)."""

    def __init__(self, dim):
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("istd", torch.ones(dim))

    def forward(self, x):
        return (x - self.mean) * self.istd


class RelPositionalEncoding(nn.Module):
    """x * sqrt(D) and the absolute sinusoid rows pe[:, :T] (the table comes from the checkpoint)."""

    def __init__(self, d, dropout, max_len):
        super().__init__()
        self.xscale = math.sqrt(d)
        self.register_buffer("pe", torch.zeros(1, max_len, d))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(x * self.xscale), self.dropout(self.pe[:, : x.size(1)])


class Conv2dSubsampling(nn.Module):
    """conv2d (x4: two 3x3 stride-2 convs) or conv2d2 (x2: one), channel-major flatten, Linear."""

    def __init__(self, idim, d, rate, pos_enc):
        super().__init__()
        self.rate = rate
        if rate == 4:
            self.conv = nn.Sequential(nn.Conv2d(1, d, 3, 2), nn.ReLU(), nn.Conv2d(d, d, 3, 2), nn.ReLU())
            f = ((idim - 1) // 2 - 1) // 2
        else:
            self.conv = nn.Sequential(nn.Conv2d(1, d, 3, 2), nn.ReLU())
            f = (idim - 1) // 2
        self.out = nn.Sequential(nn.Linear(d * f, d))
        self.pos_enc = pos_enc

    def forward(self, x, mask):
        h = self.conv(x.unsqueeze(1))                         # (B, D, T', F')
        b, c, t, f = h.size()
        h = self.out(h.transpose(1, 2).contiguous().view(b, t, c * f))
        h, pos = self.pos_enc(h)
        if self.rate == 4:
            mask = mask[:, :, 2::2][:, :, 2::2]
        else:
            mask = mask[:, :, :-2:2]
        return h, pos, mask


class RelPositionAttention(nn.Module):
    """WeNet's rel-pos self-attention (no rel_shift); group_size > 1 gives the grouped variant."""

    def __init__(self, heads, d, dropout, group_size=1):
        super().__init__()
        self.h, self.d, self.dk, self.g = heads, d, d // heads, group_size
        self.linear_q = nn.Linear(d, d)
        self.linear_k = nn.Linear(d, d)
        self.linear_v = nn.Linear(d, d)
        self.linear_out = nn.Linear(d, d)
        self.dropout = nn.Dropout(dropout)
        self.linear_pos = nn.Linear(d, d, bias=False)
        self.pos_bias_u = nn.Parameter(torch.empty(heads, self.dk * group_size))
        self.pos_bias_v = nn.Parameter(torch.empty(heads, self.dk * group_size))
        nn.init.xavier_uniform_(self.pos_bias_u)
        nn.init.xavier_uniform_(self.pos_bias_v)

    def attend(self, v, scores, mask):
        invalid = mask.unsqueeze(1).eq(0)                      # (B, 1, 1, T2)
        attn = scores.masked_fill(invalid, float("-inf")).softmax(-1).masked_fill(invalid, 0.0)
        x = torch.matmul(self.dropout(attn), v)                # (B, h, T1, w)
        return x.transpose(1, 2).contiguous().view(v.size(0), -1, self.d)

    def group(self, y, pad, w):
        if pad > 0:
            y = F.pad(y, (0, 0, 0, pad))
        return y.contiguous().view(y.size(0), -1, self.h, w).transpose(1, 2)

    def forward(self, x, mask, pos):
        b, t, _ = x.size()
        if self.g == 1:
            q = self.linear_q(x).view(b, -1, self.h, self.dk)
            k = self.linear_k(x).view(b, -1, self.h, self.dk).transpose(1, 2)
            v = self.linear_v(x).view(b, -1, self.h, self.dk).transpose(1, 2)
            p = self.linear_pos(pos).view(pos.size(0), -1, self.h, self.dk).transpose(1, 2)
            qu = (q + self.pos_bias_u).transpose(1, 2)
            qv = (q + self.pos_bias_v).transpose(1, 2)
            scores = (torch.matmul(qu, k.transpose(-2, -1)) + torch.matmul(qv, p.transpose(-2, -1))) / math.sqrt(self.dk)
            return self.linear_out(self.attend(v, scores, mask))
        g, w = self.g, self.g * self.dk
        pad = (g - t % g) % g
        q = self.group(self.linear_q(x), pad, w)               # (B, h, T/g, w)
        k = self.group(self.linear_k(x), pad, w)
        v = self.group(self.linear_v(x), pad, w)
        p = self.group(self.linear_pos(pos), (g - pos.size(1) % g) % g, w)
        gmask = mask[:, ::g, ::g]                              # (B, 1, T/g)
        qt = q.transpose(1, 2)
        qu = (qt + self.pos_bias_u).transpose(1, 2)
        qv = (qt + self.pos_bias_v).transpose(1, 2)
        scores = (torch.matmul(qu, k.transpose(-2, -1)) + torch.matmul(qv, p.transpose(-2, -1))) / math.sqrt(w)
        merged = self.attend(v, scores, gmask)                 # (B, T + pad, D)
        if pad > 0:
            merged = merged[:, :t]
        return self.linear_out(merged)


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


def make_activation(name):
    return {"swish": Swish(), "silu": Swish(), "relu": nn.ReLU(), "gelu": nn.GELU()}[name]


class FeedForward(nn.Module):
    def __init__(self, d, units, dropout, act):
        super().__init__()
        self.w_1 = nn.Linear(d, units)
        self.activation = make_activation(act)
        self.dropout = nn.Dropout(dropout)
        self.w_2 = nn.Linear(units, d)

    def forward(self, x):
        return self.w_2(self.dropout(self.activation(self.w_1(x))))


class ConvModule(nn.Module):
    """masked_fill(pad) -> pw1 -> GLU -> depthwise (stride s) -> norm -> act -> pw2 -> masked_fill(pad[::s])."""

    def __init__(self, d, kernel, act, norm, stride=1):
        super().__init__()
        self.stride = stride
        self.pointwise_conv1 = nn.Conv1d(d, 2 * d, 1)
        self.depthwise_conv = nn.Conv1d(d, d, kernel, stride=stride, padding=(kernel - 1) // 2, groups=d)
        self.layer_norm = norm == "layer_norm"
        self.norm = nn.LayerNorm(d) if self.layer_norm else nn.BatchNorm1d(d)
        self.pointwise_conv2 = nn.Conv1d(d, d, 1)
        self.activation = make_activation(act)

    def forward(self, x, mask_pad):
        invalid = mask_pad.logical_not()                       # (B, 1, T)
        h = x.transpose(1, 2).masked_fill(invalid, 0.0)
        h = F.glu(self.pointwise_conv1(h), dim=1)
        h = self.depthwise_conv(h)
        if self.layer_norm:
            h = self.activation(self.norm(h.transpose(1, 2))).transpose(1, 2)
        else:
            h = self.activation(self.norm(h))
        h = self.pointwise_conv2(h)
        if invalid.size(2) != h.size(2):
            invalid = invalid[:, :, :: self.stride]
        return h.masked_fill(invalid, 0.0).transpose(1, 2)


class ConformerBlock(nn.Module):
    """Macaron, pre-norm: x += ½FFN(LN x); x += MHSA(LN x); x += Conv(LN x); x += ½FFN(LN x); LN_final."""

    def __init__(self, d, attn, ff, ff_macaron, conv, dropout, stride=1):
        super().__init__()
        self.self_attn = attn
        self.feed_forward = ff
        self.feed_forward_macaron = ff_macaron
        self.conv_module = conv
        self.norm_ff = nn.LayerNorm(d, eps=1e-5)
        self.norm_mha = nn.LayerNorm(d, eps=1e-5)
        self.norm_ff_macaron = nn.LayerNorm(d, eps=1e-5)
        self.norm_conv = nn.LayerNorm(d, eps=1e-5)
        self.norm_final = nn.LayerNorm(d, eps=1e-5)
        self.dropout = nn.Dropout(dropout)
        self.stride = stride
        if stride > 1:
            self.concat_linear = nn.Linear(2 * d, d)          # in WeNet checkpoints, never used

    def forward(self, x, mask, pos, mask_pad):
        x = x + 0.5 * self.dropout(self.feed_forward_macaron(self.norm_ff_macaron(x)))
        x = x + self.dropout(self.self_attn(self.norm_mha(x), mask, pos))
        residual = x
        h = self.conv_module(self.norm_conv(x), mask_pad)
        if self.stride > 1:
            residual = F.avg_pool1d(residual.transpose(1, 2), self.stride, self.stride, 0,
                                    ceil_mode=True, count_include_pad=False).transpose(1, 2)
        x = residual + self.dropout(h)
        x = x + 0.5 * self.dropout(self.feed_forward(self.norm_ff(x)))
        return self.norm_final(x)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        assert c["NormalizeBefore"] and c["MacaronStyle"] and c["UseCnnModule"], "only the macaron pre-norm conformer is mirrored"
        d = c["OutputSize"]
        self.c = c
        if c["UseGlobalCmvn"]:
            self.global_cmvn = GlobalCMVN(c["InputDim"])
        else:
            self.global_cmvn = None
        pos = RelPositionalEncoding(d, c["PositionalDropoutRate"], c["PositionTableLength"])
        self.embed = Conv2dSubsampling(c["InputDim"], d, 4 if c["InputLayer"] == "conv2d" else 2, pos)
        self.after_norm = nn.LayerNorm(d, eps=1e-5)
        kernel, blocks = c["CnnModuleKernel"], []
        for i in range(c["NumBlocks"]):
            g = c["GroupSize"] if i in c["GroupLayerIdx"] else 1
            attn = RelPositionAttention(c["AttentionHeads"], d, c["AttentionDropoutRate"], g)
            ff = FeedForward(d, c["LinearUnits"], c["DropoutRate"], c["ActivationType"])
            ffm = FeedForward(d, c["LinearUnits"], c["DropoutRate"], c["ActivationType"])
            s = c["Stride"][c["StrideLayerIdx"].index(i)] if i in c["StrideLayerIdx"] else 1
            conv = ConvModule(d, kernel, c["ActivationType"], c["CnnModuleNorm"], s)
            blocks.append(ConformerBlock(d, attn, ff, ffm, conv, c["DropoutRate"], s))
            if s > 1 and c["StrideKernel"]:
                kernel //= s                                   # blocks after a stride block: kernel / s
        self.encoders = nn.ModuleList(blocks)

    def forward(self, feats, lengths):
        """feats (B, T, F), lengths (B) -> output (B, T_L, D), output lengths (B), block outputs."""
        t = feats.size(1)
        mask = (torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(1)    # (B, 1, T)
        x = feats if self.global_cmvn is None else self.global_cmvn(feats)
        x, pos, mask = self.embed(x, mask)
        blocks = []
        for layer in self.encoders:
            x = layer(x, mask, pos, mask)
            if layer.stride > 1:
                s = layer.stride
                mask = mask[:, :, ::s]
                pos = pos[:, ::s, :]
            blocks.append(x)
        return self.after_norm(x), mask.sum((1, 2)), blocks


def ctc_loss(ctc_lo, out, out_lengths, targets, target_lengths, blank):
    """WeNet's CTC loss: log_softmax(Linear(out)), summed over the batch, / B, zero_infinity."""
    log_probs = ctc_lo(out).log_softmax(-1)
    valid = torch.arange(targets.size(1)).unsqueeze(0) < target_lengths.unsqueeze(1)
    clean = targets.masked_fill(~valid, 1 if blank == 0 else 0)
    loss = F.ctc_loss(log_probs.transpose(0, 1), clean, out_lengths, target_lengths, blank=blank,
                      reduction="sum", zero_infinity=True)
    return loss / out.size(0)


# ----------------------------------------------------------------------------- helpers

def blas_report():
    """The BLAS shared object mapped into this process and a 512x512 float32 matmul speed."""
    a, b = torch.randn(512, 512), torch.randn(512, 512)
    for _ in range(2):
        a @ b
    t0 = time.perf_counter()
    for _ in range(10):
        a @ b
    dt = (time.perf_counter() - t0) / 10
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in p.lower() or "lapack" in p.lower():
                libs.add(os.path.realpath(p))
    blas = sorted(p for p in libs if "blas" in os.path.basename(p).lower()) or sorted(libs)
    return ",".join(blas) or "none found", 2 * 512 ** 3 / dt / 1e9


def load_model(d):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    model = Encoder(cfg["encoder"])
    state = torch.load(os.path.join(d, "state_dict.pt"), map_location="cpu")
    state = {k[len("encoder."):]: v for k, v in state.items() if k.startswith("encoder.")}
    model.load_state_dict(state, strict=True)
    return cfg, model


def npy(d, name, dtype=None):
    t = torch.from_numpy(np.load(os.path.join(d, name)).copy())
    return t if dtype is None else t.to(dtype)


def check_output(model, d, feats, lengths, tolerance):
    ref = npy(d, "output.npy")
    ref_lengths = npy(d, "output_lengths.npy", torch.int64)
    model.eval()
    with torch.no_grad():
        out, out_lengths, _ = model(feats, lengths)
    diff = (out - ref).abs().max().item()
    print(f"pytorch_forward_max_abs_diff: {diff:.3e} (over {tuple(out.shape)}, tolerance {tolerance:g})")
    if not torch.equal(out_lengths, ref_lengths):
        sys.exit(f"FAIL: output lengths {out_lengths.tolist()} != ours {ref_lengths.tolist()}")
    if not diff <= tolerance:
        sys.exit(f"FAIL: forward output differs from ours by {diff:.3e} > {tolerance:g}")
    return out, out_lengths


def median(xs):
    return statistics.median(xs)


# ----------------------------------------------------------------------------- modes

def train(d, threads, tolerance):
    cfg, model = load_model(d)
    ctc_lo = nn.Linear(cfg["encoder"]["OutputSize"], cfg["vocab"])
    with torch.no_grad():
        ctc_lo.weight.copy_(npy(d, "ctc_ctc_lo_weight.npy"))
        ctc_lo.bias.copy_(npy(d, "ctc_ctc_lo_bias.npy"))
    feats = npy(d, "feats.npy")
    lengths = npy(d, "lengths.npy", torch.int64)
    targets = npy(d, "targets.npy", torch.int64)
    target_lengths = npy(d, "target_lengths.npy", torch.int64)

    out, out_lengths = check_output(model, d, feats, lengths, tolerance)
    with torch.no_grad():
        eval_loss = ctc_loss(ctc_lo, out, out_lengths, targets, target_lengths, cfg["blank"]).item()
    rel = abs(eval_loss - cfg["eval_loss"]) / max(1e-6, abs(cfg["eval_loss"]))
    print(f"pytorch_eval_loss: {eval_loss:.5f} (ours {cfg['eval_loss']:.5f}, rel diff {rel:.1e})")
    if not rel <= 1e-4:
        sys.exit(f"FAIL: eval CTC loss {eval_loss} differs from ours {cfg['eval_loss']}")

    model.train()
    ctc_lo.train()
    params = list(model.parameters()) + list(ctc_lo.parameters())
    opt = torch.optim.Adam(params, lr=cfg["lr"])
    times, cpu_times, losses, phases = [], [], [], [[], [], []]
    faults0 = 0
    for i in range(cfg["warmup"] + cfg["steps"]):
        if i == cfg["warmup"]:
            faults0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        c0, t0 = time.process_time(), time.perf_counter()
        opt.zero_grad()
        out, out_lengths, _ = model(feats, lengths)
        loss = ctc_loss(ctc_lo, out, out_lengths, targets, target_lengths, cfg["blank"])
        value = loss.item()
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        del out, out_lengths, loss
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        losses.append(value)
        if i >= cfg["warmup"]:
            times.append(dt)
            cpu_times.append(dc)
            for k, v in enumerate((t1 - t0, t2 - t1, t3 - t2)):
                phases[k].append(v)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults0) / cfg["steps"]
    print(f"pytorch_parameters: {sum(p.numel() for p in params)}")
    print(f"pytorch_threads: {torch.get_num_threads()}")
    print("pytorch_losses: " + " ".join(f"{x:.5f}" for x in losses))
    print("pytorch_step_seconds: " + " ".join(f"{x:.4f}" for x in times))
    print(f"pytorch_step_seconds_median: {median(times):.4f}")
    print(f"pytorch_step_cpu_seconds_median: {median(cpu_times):.4f}")
    print(f"pytorch_phase_medians: forward+loss {median(phases[0]):.4f} backward {median(phases[1]):.4f} "
          f"adam {median(phases[2]):.4f}")
    print(f"pytorch_minor_page_faults_per_step: {faults:.0f}")
    x, y = torch.randn(16), torch.randn(16)
    for _ in range(1000):
        x + y
    t0 = time.perf_counter()
    for _ in range(20000):
        x + y
    print(f"pytorch_small_op_microseconds: {(time.perf_counter() - t0) / 20000 * 1e6:.2f}")
    # Without dropout both sides train deterministically: the losses must agree step by step.
    enc = cfg["encoder"]
    ours_path = os.path.join(d, "ours_losses.json")
    if max(enc["DropoutRate"], enc["PositionalDropoutRate"], enc["AttentionDropoutRate"]) == 0 and os.path.exists(ours_path):
        with open(ours_path) as f:
            ours = json.load(f)
        worst = max(abs(a - b) / max(1e-6, abs(b)) for a, b in zip(losses, ours))
        print(f"pytorch_vs_ours_loss_max_rel_diff: {worst:.1e} over {len(ours)} steps")
        if len(ours) != len(losses) or not worst <= 1e-4:
            sys.exit(f"FAIL: training losses differ from ours: {losses} vs {ours}")


def infer(d, threads, tolerance, runs):
    cfg, model = load_model(d)
    feats = npy(d, "feats.npy")
    lengths = npy(d, "lengths.npy", torch.int64)
    check_output(model, d, feats, lengths, tolerance)
    model.eval()
    times = []
    with torch.inference_mode():
        for i in range(2 + runs):
            t0 = time.perf_counter()
            model(feats, lengths)
            dt = time.perf_counter() - t0
            if i >= 2:
                times.append(dt)
    if args.wave:
        import torchaudio.compliance.kaldi as kaldi
        w = torch.from_numpy(np.fromfile(args.wave, dtype="<f4").copy())[None]
        ftimes = []
        for i in range(2 + runs):
            t0 = time.perf_counter()
            f = kaldi.fbank(w * 32768, num_mel_bins=80, frame_length=25, frame_shift=10, dither=0.0,
                            energy_floor=0.0, sample_frequency=16000)
            if i >= 2:
                ftimes.append(time.perf_counter() - t0)
        fdiff = (f - feats[0]).abs().max().item()
        print(f"pytorch_fbank_frames: {f.shape[0]} (max|diff| vs ours {fdiff:.2e})")
        print(f"pytorch_fbank_seconds_median: {median(ftimes):.4f}")
    print(f"pytorch_threads: {torch.get_num_threads()}")
    print("pytorch_encoder_seconds: " + " ".join(f"{x:.4f}" for x in times))
    print(f"pytorch_encoder_seconds_median: {median(times):.4f}")


def main():
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    blas, gflops = blas_report()
    print(f"pytorch_version: {torch.__version__}")
    print(f"pytorch_blas: {blas}")
    print(f"pytorch_matmul512_gflops: {gflops:.1f}")
    if args.mode == "train":
        train(args.dir, args.threads, args.tolerance)
    else:
        infer(args.dir, args.threads, args.tolerance, args.runs)


if __name__ == "__main__":
    main()
