#!/usr/bin/python3
"""Reference optimisation trajectory for Qieemo.ML.Training, computed with PyTorch.

A 2-layer MLP (Linear(6,12) - tanh - Linear(12,3)) is trained with WeNet's update rule:
  loss / accum_grad -> backward; every accum_grad micro-batches:
  grad_norm = clip_grad_norm_(params, clip); optimizer.step() if finite; zero_grad(); scheduler.step()
with torch.optim.Adam over two parameter groups (first layer: lr = base * 0.2, no weight decay;
second layer: lr = base, weight_decay 1e-3, Adam's L2 form) and WeNet's WarmupLR written out
below (lr = base_lr * warmup^0.5 * min(step^-0.5, step * warmup^-1.5), step = last_epoch + 1).

Writes test/Qieemo.ML.Tests/TestData/training/adam_warmup_reference.json with the initial weights,
the data, the micro-batch schedule, the gradient norm and the learning rates of every update, and
the final weights.

Run: /usr/bin/python3 test/reference/training_make_fixtures.py
"""
import json
import os

import numpy as np
import torch
from torch.optim.lr_scheduler import _LRScheduler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Qieemo.ML.Tests", "TestData", "training")


class WarmupLR(_LRScheduler):
    """WeNet's WarmupLR (wenet/utils/scheduler.py), re-typed from its formula."""

    def __init__(self, optimizer, warmup_steps=25000, last_epoch=-1):
        self.warmup_steps = warmup_steps
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step_num = self.last_epoch + 1
        return [lr * self.warmup_steps ** 0.5 * min(step_num ** -0.5, step_num * self.warmup_steps ** -1.5)
                for lr in self.base_lrs]


def main():
    torch.set_num_threads(1)
    rng = np.random.default_rng(2024)
    w1 = rng.normal(0, 0.5, (12, 6)).astype(np.float32)
    b1 = rng.normal(0, 0.1, (12,)).astype(np.float32)
    w2 = rng.normal(0, 0.5, (3, 12)).astype(np.float32)
    b2 = rng.normal(0, 0.1, (3,)).astype(np.float32)
    x = rng.normal(0, 1, (16, 6)).astype(np.float32)
    y = rng.integers(0, 3, (16,)).astype(np.int64)

    model = torch.nn.Sequential(torch.nn.Linear(6, 12), torch.nn.Tanh(), torch.nn.Linear(12, 3))
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(w1))
        model[0].bias.copy_(torch.from_numpy(b1))
        model[2].weight.copy_(torch.from_numpy(w2))
        model[2].bias.copy_(torch.from_numpy(b2))

    base_lr, warmup, accum, clip, loss_scale = 0.05, 3, 2, 1.0, 3.0
    optimizer = torch.optim.Adam([
        {"params": list(model[0].parameters()), "lr": base_lr * 0.2, "weight_decay": 0.0},
        {"params": list(model[2].parameters()), "lr": base_lr, "weight_decay": 1e-3},
    ], lr=base_lr, betas=(0.9, 0.999), eps=1e-8)
    scheduler = WarmupLR(optimizer, warmup)

    # 12 micro-batches of 4 rows cycling over the 16 rows: 6 updates.
    micro = [[(4 * i + k) % 16 for k in range(4)] for i in range(12)]
    norms, lrs_used, losses = [], [], []
    for i, rows in enumerate(micro):
        idx = torch.tensor(rows)
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)[idx]), torch.from_numpy(y)[idx]) * loss_scale
        losses.append(float(loss))
        (loss / accum).backward()
        if (i + 1) % accum == 0:
            lrs_used.append([g["lr"] for g in optimizer.param_groups])
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            norms.append(float(norm))
            if torch.isfinite(norm):
                optimizer.step()
            optimizer.zero_grad()
            scheduler.step()

    case = {
        "torch_version": torch.__version__,
        "base_lr": base_lr, "warmup": warmup, "accum_grad": accum, "clip": clip, "loss_scale": loss_scale,
        "group_multipliers": [0.2, 1.0], "group_weight_decay": [0.0, 1e-3],
        "initial": {"0.weight": w1.ravel().tolist(), "0.bias": b1.tolist(), "2.weight": w2.ravel().tolist(), "2.bias": b2.tolist()},
        "x": x.ravel().tolist(), "y": y.tolist(), "micro_batches": micro,
        "losses": losses, "grad_norms": norms, "learning_rates": lrs_used,
        "final": {name: p.detach().numpy().ravel().astype(np.float64).tolist() for name, p in model.named_parameters()},
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "adam_warmup_reference.json"), "w") as f:
        json.dump(case, f, indent=1)


if __name__ == "__main__":
    main()
