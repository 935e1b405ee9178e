"""A W&B-style sweep, offline: bayes search with Hyperband over a toy training loop.

python examples/sweep.py [--count 10]
"""

import argparse
import math
import os
import random
import time

# Check runs often, so Hyperband acts within this demo's short runs (default: 2 s).
os.environ.setdefault("RUNBASE_SWEEP_POLL_S", "0.1")

import runbase as wandb  # noqa: E402

SWEEP = {
    "name": "toy-classifier-search",
    "method": "bayes",
    "metric": {"name": "val_loss", "goal": "minimize"},
    "early_terminate": {"type": "hyperband", "min_iter": 3, "eta": 2},
    "parameters": {
        "lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 0.3},
        "dropout": {"min": 0.0, "max": 0.6},
        "optimizer": {"values": ["sgd", "adam", "adamw"]},
        "model": {"parameters": {"width": {"values": [64, 128, 256]}}},
    },
}


def train() -> None:
    run = wandb.init(config={"epochs": 12})
    c = run.config
    # Best near lr=0.01, dropout=0.2, adam, width 128.
    gap = abs(math.log10(c.lr) + 2) + abs(c.dropout - 0.2) * 2
    gap += {"sgd": 0.4, "adam": 0.0, "adamw": 0.1}[c.optimizer]
    gap += abs(math.log2(c.model["width"] / 128)) * 0.2
    rng = random.Random(run.id)
    for epoch in range(c.epochs):
        # Noise as a real validation set gives: small, and never a negative loss.
        val_loss = (0.1 + gap + 2.0 / (epoch + 1)) * math.exp(rng.gauss(0, 0.03))
        wandb.log({"epoch": epoch, "val_loss": val_loss, "val_accuracy": 1 / (1 + val_loss)})
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--project", default="demo-sweep")
    args = parser.parse_args()
    sweep_id = wandb.sweep(SWEEP, project=args.project)
    wandb.agent(sweep_id, function=train, count=args.count)
    sweep = wandb.Api().sweep(f"{args.project}/{sweep_id}")
    best = sweep.best_run()
    print(f"sweep {sweep_id}: {len(sweep.runs)} runs, best {best.name} {dict(best.config)}")


if __name__ == "__main__":
    main()
