"""A W&B-style training script: swap the import and it runs on runbase.

python examples/train.py --lr 0.01 --epochs 5
"""

import argparse
import math
import random
import time

import runbase as wandb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--steps-per-epoch", type=int, default=200)
    parser.add_argument("--optimizer", default="adam")
    parser.add_argument("--sleep", type=float, default=0.0, help="seconds per step (live demo)")
    parser.add_argument("--project", default="demo-classifier")
    args = parser.parse_args()

    run = wandb.init(project=args.project, config=args, tags=[args.optimizer], job_type="train")
    wandb.define_metric("val/accuracy", summary="max")
    wandb.define_metric("val/loss", summary="min")
    rng = random.Random(hash((args.lr, args.batch_size, args.optimizer)) & 0xFFFF)
    speed = 1.0 + 40 * args.lr
    step = 0
    for epoch in range(args.epochs):
        for _ in range(args.steps_per_epoch):
            progress = step / (args.epochs * args.steps_per_epoch)
            loss = 2.3 * math.exp(-speed * progress * 3) + 0.05 + rng.gauss(0, 0.03)
            if rng.random() < 0.003:
                loss *= 4  # an occasional spike, to show that charts keep spikes
            wandb.log(
                {
                    "train/loss": loss,
                    "train/accuracy": min(0.99, 1 - loss / 2.5 + rng.gauss(0, 0.01)),
                    "train/lr": args.lr * 0.5 * (1 + math.cos(math.pi * progress)),
                }
            )
            step += 1
            if args.sleep:
                time.sleep(args.sleep)
        val_loss = 2.3 * math.exp(-speed * (epoch + 1) / args.epochs * 3) + 0.1
        wandb.log({"val/loss": val_loss, "val/accuracy": 1 - val_loss / 2.6, "epoch": epoch})
        print(f"epoch {epoch}: val/loss={val_loss:.4f}")
    run.summary["final_note"] = "done"
    run.finish()


if __name__ == "__main__":
    main()
