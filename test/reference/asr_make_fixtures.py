#!/usr/bin/python3
"""Reference fixtures for the ASR heads (Qieemo.ML.Modules.Asr) and error rates (Qieemo.ML.Evaluation).

Run with /usr/bin/python3 (torch 1.13, numpy) from the repository root:

    /usr/bin/python3 test/reference/asr_make_fixtures.py

Writes into test/Qieemo.ML.Tests/TestData/asr/:

  ctc_*.npy            random encoder output, CTC linear weights, padded targets (-1) and lengths;
                       expected torch.nn.functional.ctc_loss (reduction='sum' and 'none', zero_infinity)
                       of log_softmax(x W^T + b), and d(loss_sum / B)/d(encoder_out).
  ls_*.npy             random logits and padded targets; label-smoothing KL loss written out below
                       from WeNet's formula (not WeNet's code), normalised by batch and by tokens.
  dec_*.npy, dec_state.pt
                       a WeNet-style attention decoder written here in plain torch (WeNet's parameter
                       names), random weights saved with torch.save; inputs and expected logits;
                       teacher-forced attention scores of a few hypotheses (attention rescoring).
  hyb_*.npy, hyb_ctc_state.pt
                       hybrid CTC/attention loss (ctc_weight 0.3, smoothing 0.1) and th_accuracy for
                       the same decoder and a CTC head on the decoder fixture's encoder output.
  error_rates.json     ~30 random reference/hypothesis pairs (incl. empty ones) with per-utterance
                       substitutions/deletions/insertions at character level (whitespace removed)
                       and word level (whitespace split), and the corpus CER/WER, computed with the
                       plain-Python Levenshtein below.
"""
import json
import math
import os
import random

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Qieemo.ML.Tests", "TestData", "asr")


def save(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array))


# --------------------------------------------------------------------------------------------
# CTC head: Linear + log_softmax + ctc_loss (sum over the batch, then / B like WeNet).
# --------------------------------------------------------------------------------------------
def make_ctc():
    torch.manual_seed(1234)
    B, D, V = 4, 16, 8
    lengths = torch.tensor([20, 17, 12, 6], dtype=torch.int64)
    T = int(lengths.max())
    x = torch.randn(B, T, D)
    lin = torch.nn.Linear(D, V)
    # Targets use ids 1..V-1 (0 is blank). The last one cannot be aligned in 6 frames
    # (5 labels + 2 repeats need 7 frames): its loss is inf and zero_infinity turns it into 0.
    targets = [[3, 1, 4, 1, 5], [2, 2, 7], [6, 5, 3, 5], [2, 2, 4, 4, 6]]
    target_lengths = torch.tensor([len(t) for t in targets], dtype=torch.int64)
    padded = torch.full((B, int(target_lengths.max())), -1, dtype=torch.int64)
    for i, t in enumerate(targets):
        padded[i, : len(t)] = torch.tensor(t)

    x.requires_grad_(True)
    log_probs = torch.log_softmax(lin(x), dim=-1)  # (B, T, V)
    tbv = log_probs.transpose(0, 1)
    loss_sum = torch.nn.functional.ctc_loss(tbv, padded, lengths, target_lengths, blank=0,
                                            reduction="sum", zero_infinity=True)
    loss_none = torch.nn.functional.ctc_loss(tbv, padded, lengths, target_lengths, blank=0,
                                             reduction="none", zero_infinity=True)
    loss_none_inf = torch.nn.functional.ctc_loss(tbv, padded, lengths, target_lengths, blank=0,
                                                 reduction="none", zero_infinity=False)
    (loss_sum / B).backward()

    save("ctc_encoder_out.npy", x.detach().numpy().astype(np.float32))
    save("ctc_encoder_lengths.npy", lengths.numpy())
    save("ctc_weight.npy", lin.weight.detach().numpy())
    save("ctc_bias.npy", lin.bias.detach().numpy())
    save("ctc_targets.npy", padded.numpy())
    save("ctc_target_lengths.npy", target_lengths.numpy())
    save("ctc_log_probs.npy", log_probs.detach().numpy())
    save("ctc_loss_sum.npy", np.array([loss_sum.item()], dtype=np.float64))
    save("ctc_loss_none.npy", loss_none.detach().numpy().astype(np.float64))
    save("ctc_loss_none_inf.npy", loss_none_inf.detach().numpy().astype(np.float64))
    save("ctc_grad_encoder_out.npy", x.grad.numpy().astype(np.float32))
    print("ctc: loss_sum", loss_sum.item(), "per-utt", loss_none.tolist(), "no zero_inf", loss_none_inf.tolist())


# --------------------------------------------------------------------------------------------
# Label smoothing loss, WeNet's formula written out in float64 numpy:
#   q = smoothing / (V - 1) everywhere, 1 - smoothing at the target;
#   KL(q || p) = sum_v q_v (log q_v - log p_v) per non-padded position; sum / B (or / tokens).
# --------------------------------------------------------------------------------------------
def label_smoothing_reference(logits, targets, padding_id, smoothing, normalize_length):
    B, L, V = logits.shape
    x = logits.reshape(-1, V).astype(np.float64)
    t = targets.reshape(-1)
    m = x.max(axis=1, keepdims=True)
    logp = x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))
    total = 0.0
    tokens = 0
    for row in range(x.shape[0]):
        if t[row] == padding_id:
            continue
        tokens += 1
        q = np.full(V, smoothing / (V - 1))
        q[t[row]] = 1.0 - smoothing
        total += float(np.sum(q * (np.log(q) - logp[row])))
    return total / (tokens if normalize_length else B)


def make_label_smoothing():
    rng = np.random.default_rng(42)
    B, L, V = 3, 7, 11
    logits = (rng.standard_normal((B, L, V)) * 2.0).astype(np.float32)
    lengths = [7, 4, 1]
    targets = np.full((B, L), -1, dtype=np.int64)
    for b, n in enumerate(lengths):
        targets[b, :n] = rng.integers(0, V, size=n)
    save("ls_logits.npy", logits)
    save("ls_targets.npy", targets)
    by_batch = label_smoothing_reference(logits, targets, -1, 0.1, False)
    by_tokens = label_smoothing_reference(logits, targets, -1, 0.1, True)
    save("ls_expected.npy", np.array([by_batch, by_tokens], dtype=np.float64))
    print("label smoothing: /B", by_batch, "/tokens", by_tokens)


# --------------------------------------------------------------------------------------------
# A WeNet-style transformer attention decoder in plain torch (pre-LayerNorm, eps 1e-5).
# --------------------------------------------------------------------------------------------
class RefAttention(torch.nn.Module):
    def __init__(self, heads, d):
        super().__init__()
        self.h, self.dk = heads, d // heads
        self.linear_q = torch.nn.Linear(d, d)
        self.linear_k = torch.nn.Linear(d, d)
        self.linear_v = torch.nn.Linear(d, d)
        self.linear_out = torch.nn.Linear(d, d)

    def forward(self, q, k, v, mask):  # mask (B, Lq or 1, Lk) bool, True = attend
        B = q.size(0)
        qh = self.linear_q(q).view(B, -1, self.h, self.dk).transpose(1, 2)
        kh = self.linear_k(k).view(B, -1, self.h, self.dk).transpose(1, 2)
        vh = self.linear_v(v).view(B, -1, self.h, self.dk).transpose(1, 2)
        scores = qh @ kh.transpose(-2, -1) / math.sqrt(self.dk)
        blocked = ~mask.unsqueeze(1)
        attn = torch.softmax(scores.masked_fill(blocked, -float("inf")), dim=-1).masked_fill(blocked, 0.0)
        ctx = (attn @ vh).transpose(1, 2).reshape(B, -1, self.h * self.dk)
        return self.linear_out(ctx)


class RefFeedForward(torch.nn.Module):
    def __init__(self, d, units):
        super().__init__()
        self.w_1 = torch.nn.Linear(d, units)
        self.w_2 = torch.nn.Linear(units, d)

    def forward(self, x):
        return self.w_2(torch.relu(self.w_1(x)))


class RefDecoderLayer(torch.nn.Module):
    def __init__(self, d, heads, units):
        super().__init__()
        self.self_attn = RefAttention(heads, d)
        self.src_attn = RefAttention(heads, d)
        self.feed_forward = RefFeedForward(d, units)
        self.norm1 = torch.nn.LayerNorm(d, eps=1e-5)
        self.norm2 = torch.nn.LayerNorm(d, eps=1e-5)
        self.norm3 = torch.nn.LayerNorm(d, eps=1e-5)

    def forward(self, x, tgt_mask, memory, memory_mask):
        y = self.norm1(x)
        x = x + self.self_attn(y, y, y, tgt_mask)
        y = self.norm2(x)
        x = x + self.src_attn(y, memory, memory, memory_mask)
        return x + self.feed_forward(self.norm3(x))


class RefDecoder(torch.nn.Module):
    def __init__(self, vocab, d, heads, units, blocks):
        super().__init__()
        self.d = d
        self.embed = torch.nn.Sequential(torch.nn.Embedding(vocab, d))
        self.decoders = torch.nn.ModuleList([RefDecoderLayer(d, heads, units) for _ in range(blocks)])
        self.after_norm = torch.nn.LayerNorm(d, eps=1e-5)
        self.output_layer = torch.nn.Linear(d, vocab)

    def positional_encoding(self, length):
        pos = torch.arange(length, dtype=torch.float32).unsqueeze(1)
        div = torch.exp(torch.arange(0, self.d, 2, dtype=torch.float32) * -(math.log(10000.0) / self.d))
        pe = torch.zeros(length, self.d)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        return pe

    def forward(self, memory, memory_lengths, ys_in, ys_in_lengths):
        L, T = ys_in.size(1), memory.size(1)
        key_ok = torch.arange(L).unsqueeze(0) < ys_in_lengths.unsqueeze(1)            # (B, L)
        causal = torch.tril(torch.ones(L, L, dtype=torch.bool))                       # (L, L)
        tgt_mask = key_ok.unsqueeze(1) & causal.unsqueeze(0)                          # (B, L, L)
        memory_mask = (torch.arange(T).unsqueeze(0) < memory_lengths.unsqueeze(1)).unsqueeze(1)  # (B, 1, T)
        x = self.embed(ys_in) * math.sqrt(self.d) + self.positional_encoding(L).unsqueeze(0)
        for layer in self.decoders:
            x = layer(x, tgt_mask, memory, memory_mask)
        return self.output_layer(self.after_norm(x))


def add_sos_eos(targets, sos, eos, ignore_id):
    """WeNet's add_sos_eos: ys_in = <sos> + y padded with eos, ys_out = y + <eos> padded with ignore_id."""
    ys = [t[t != ignore_id] for t in targets]
    L = max(len(y) for y in ys) + 1
    ys_in = torch.full((len(ys), L), eos, dtype=torch.int64)
    ys_out = torch.full((len(ys), L), ignore_id, dtype=torch.int64)
    for i, y in enumerate(ys):
        ys_in[i, 0] = sos
        ys_in[i, 1: len(y) + 1] = y
        ys_out[i, : len(y)] = y
        ys_out[i, len(y)] = eos
    return ys_in, ys_out, torch.tensor([len(y) + 1 for y in ys], dtype=torch.int64)


def make_decoder_and_hybrid():
    torch.manual_seed(7)
    V, D, H, U, N = 10, 16, 4, 32, 2
    sos = eos = V - 1
    dec = RefDecoder(V, D, H, U, N)
    # LayerNorm defaults (1, 0) would hide a swapped weight/bias: randomise them.
    with torch.no_grad():
        for name, p in dec.named_parameters():
            if "norm" in name:
                p.copy_(torch.randn_like(p) * 0.2 + (1.0 if name.endswith("weight") else 0.0))
    dec.eval()
    torch.save(dec.state_dict(), os.path.join(OUT, "dec_state.pt"))

    B = 3
    memory_lengths = torch.tensor([9, 6, 4], dtype=torch.int64)
    memory = torch.randn(B, 9, D)
    ys_in = torch.tensor([[sos, 3, 4, 5, 6], [sos, 7, 2, eos, eos], [sos, eos, eos, eos, eos]], dtype=torch.int64)
    ys_in_lengths = torch.tensor([5, 3, 1], dtype=torch.int64)
    with torch.no_grad():
        logits = dec(memory, memory_lengths, ys_in, ys_in_lengths)
    save("dec_memory.npy", memory.numpy())
    save("dec_memory_lengths.npy", memory_lengths.numpy())
    save("dec_ys_in.npy", ys_in.numpy())
    save("dec_ys_in_lengths.npy", ys_in_lengths.numpy())
    save("dec_logits.npy", logits.numpy())

    # Attention-rescoring scores for utterance 0: sum over the hypothesis' tokens and <eos> of the
    # teacher-forced log-probabilities (WeNet's attention_rescoring, left-to-right part).
    hyps = [[3, 4, 5], [], [7], [3, 3, 8, 2], [2, 6, 1, 4, 4, 3]]
    scores = []
    with torch.no_grad():
        for hyp in hyps:
            y_in = torch.tensor([[sos] + hyp], dtype=torch.int64)
            lp = torch.log_softmax(dec(memory[:1, :9], torch.tensor([9]), y_in, torch.tensor([len(hyp) + 1])), dim=-1)[0]
            s = sum(lp[j, w].item() for j, w in enumerate(hyp)) + lp[len(hyp), eos].item()
            scores.append(s)
    flat = np.full((len(hyps), 6), -1, dtype=np.int64)
    for i, h in enumerate(hyps):
        flat[i, : len(h)] = h
    save("dec_rescore_hyps.npy", flat)
    save("dec_rescore_scores.npy", np.array(scores, dtype=np.float64))
    print("decoder: logits", tuple(logits.shape), "rescore scores", scores)

    # Hybrid loss on the same encoder output with a CTC head.
    ctc_lo = torch.nn.Linear(D, V)
    torch.save({"ctc_lo.weight": ctc_lo.weight.detach().clone(), "ctc_lo.bias": ctc_lo.bias.detach().clone()},
               os.path.join(OUT, "hyb_ctc_state.pt"))
    # Targets grown token by token; every other token is the decoder's own teacher-forced argmax
    # (never blank/sos), so the attention accuracy is neither 0 nor 1.
    target_lengths = torch.tensor([4, 2, 3], dtype=torch.int64)
    targets = torch.full((B, 4), -1, dtype=torch.int64)
    gen = torch.Generator().manual_seed(11)
    with torch.no_grad():
        for b in range(B):
            for j in range(int(target_lengths[b])):
                y_in = torch.tensor([[sos] + targets[b, :j].tolist()], dtype=torch.int64)
                lg = dec(memory[b:b + 1], memory_lengths[b:b + 1], y_in, torch.tensor([j + 1]))[0, j]
                lg[0] = lg[sos] = -float("inf")
                own = int(lg.argmax())
                targets[b, j] = own if j % 2 == 0 else int(torch.randint(1, V - 1, (1,), generator=gen))
    with torch.no_grad():
        lp = torch.log_softmax(ctc_lo(memory), dim=-1).transpose(0, 1)
        ctc = torch.nn.functional.ctc_loss(lp, targets, memory_lengths, target_lengths, blank=0,
                                           reduction="sum", zero_infinity=True).item() / B
        ys_in_h, ys_out_h, ys_in_len_h = add_sos_eos(targets, sos, eos, -1)
        att_logits = dec(memory, memory_lengths, ys_in_h, ys_in_len_h)
        att = label_smoothing_reference(att_logits.numpy(), ys_out_h.numpy(), -1, 0.1, False)
        pred = att_logits.argmax(-1)
        keep = ys_out_h != -1
        acc = float((pred[keep] == ys_out_h[keep]).sum()) / float(keep.sum())
    total = 0.3 * ctc + 0.7 * att
    save("hyb_targets.npy", targets.numpy())
    save("hyb_target_lengths.npy", target_lengths.numpy())
    save("hyb_ys_in.npy", ys_in_h.numpy())
    save("hyb_ys_out.npy", ys_out_h.numpy())
    save("hyb_expected.npy", np.array([total, ctc, att, acc], dtype=np.float64))
    print("hybrid: total", total, "ctc", ctc, "att", att, "acc", acc)


# --------------------------------------------------------------------------------------------
# Error rates: plain-Python Levenshtein with a fixed backtrace preference.
# Among minimum-cost alignments the backtrace (from the end) prefers the diagonal (match or
# substitution), then a deletion (reference unit missing), then an insertion.
# --------------------------------------------------------------------------------------------
def align_counts(ref, hyp):
    n, m = len(ref), len(hyp)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]), d[i - 1][j] + 1, d[i][j - 1] + 1)
    s = de = ins = 0
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            s += ref[i - 1] != hyp[j - 1]
            i, j = i - 1, j - 1
        elif i > 0 and d[i][j] == d[i - 1][j] + 1:
            de += 1
            i -= 1
        else:
            ins += 1
            j -= 1
    assert s + de + ins == d[n][m]
    return {"s": s, "d": de, "i": ins, "n": n}


def make_error_rates():
    rnd = random.Random(2024)
    words = ["THE", "CAT", "SAT", "ON", "A", "MAT", "HE'S", "AT", "TEA"]

    def sentence(max_words):
        return " ".join(rnd.choice(words) for _ in range(rnd.randint(0, max_words)))

    def corrupt(s):
        units = list(s)
        for _ in range(rnd.randint(0, 4)):
            op = rnd.random()
            k = rnd.randint(0, len(units))
            if op < 0.33 and units:
                del units[min(k, len(units) - 1)]
            elif op < 0.66:
                units.insert(k, rnd.choice("ACEHMST '"))
            elif units:
                units[min(k, len(units) - 1)] = rnd.choice("ACEHMST ")
        return "".join(units)

    pairs = [("", ""), ("", "THE CAT"), ("THE CAT", ""), ("A", "A"), ("AB", "BA"), ("  THE  CAT ", "THE CAT")]
    while len(pairs) < 32:
        ref = sentence(6)
        r = rnd.random()
        hyp = corrupt(ref) if r < 0.6 else (sentence(6) if r < 0.9 else ref)
        pairs.append((ref, hyp))

    items = []
    tot_c = [0, 0]
    tot_w = [0, 0]
    for ref, hyp in pairs:
        c = align_counts([ch for ch in ref if not ch.isspace()], [ch for ch in hyp if not ch.isspace()])
        w = align_counts(ref.split(), hyp.split())
        items.append({"ref": ref, "hyp": hyp, "char": c, "word": w})
        tot_c[0] += c["s"] + c["d"] + c["i"]
        tot_c[1] += c["n"]
        tot_w[0] += w["s"] + w["d"] + w["i"]
        tot_w[1] += w["n"]
    data = {"pairs": items, "cer": tot_c[0] / tot_c[1], "wer": tot_w[0] / tot_w[1],
            "char_edits": tot_c[0], "char_ref": tot_c[1], "word_edits": tot_w[0], "word_ref": tot_w[1]}
    with open(os.path.join(OUT, "error_rates.json"), "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
    print("error rates: cer", data["cer"], "wer", data["wer"], "pairs", len(items))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_ctc()
    make_label_smoothing()
    make_decoder_and_hybrid()
    make_error_rates()
