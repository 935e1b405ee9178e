"""A W&B-style training script: swap the import and it runs on runbase.

python examples/train.py --lr 0.01 --epochs 5
"""

import argparse
import math
import random
import time

import numpy as np

import runbase as wandb

CLASSES = ["cat", "dog", "bird"]


def samples(rng: random.Random, epoch: int, accuracy: float) -> list[wandb.Image]:
    """A few 32x32 "inputs" with a mask and a box each: what a vision script logs."""
    out = []
    for _ in range(3):
        label = rng.randrange(len(CLASSES))
        pixels = np.full((32, 32, 3), 40 + 60 * label, dtype=np.uint8)
        y, x = rng.randrange(4, 16), rng.randrange(4, 16)
        pixels[y : y + 12, x : x + 12] = (230, 200 - 20 * epoch % 200, 80)
        mask = np.zeros((32, 32), dtype=np.uint8)
        mask[y : y + 12, x : x + 12] = label + 1
        guess = label if rng.random() < accuracy else (label + 1) % len(CLASSES)
        box = {"minX": x, "maxX": x + 12, "minY": y, "maxY": y + 12}
        out.append(
            wandb.Image(
                pixels,
                caption=f"true {CLASSES[label]}, predicted {CLASSES[guess]}",
                masks={
                    "prediction": {
                        "mask_data": mask,
                        "class_labels": dict(enumerate(["background", *CLASSES])),
                    }
                },
                boxes={
                    "prediction": {
                        "box_data": [
                            {
                                "position": box,
                                "domain": "pixel",
                                "class_id": guess,
                                "box_caption": CLASSES[guess],
                                "scores": {"score": rng.random()},
                            }
                        ],
                        "class_labels": dict(enumerate(CLASSES)),
                    }
                },
            )
        )
    return out


class Curve:
    """The noise-free learning curve of a toy 3-class classifier: the loss falls from
    ln(3) (chance) towards a floor, faster with a larger learning rate; accuracy rises
    from chance (1/3) towards a ceiling that SGD reaches a little below Adam."""

    def __init__(self, lr: float, optimizer: str) -> None:
        self.speed = 3 * (1.0 + 40 * lr)
        self.start = math.log(len(CLASSES))
        self.floor = 0.06 if optimizer != "sgd" else 0.1
        self.chance = 1 / len(CLASSES)
        self.ceiling = 0.97 if optimizer != "sgd" else 0.94

    def learned(self, progress: float) -> float:
        # Most is learned early; a slower part keeps the loss falling to the end.
        fast, slow = math.exp(-self.speed * progress), math.exp(-self.speed * progress / 8)
        return 1 - (0.85 * fast + 0.15 * slow)

    def loss(self, progress: float) -> float:
        return self.floor + (self.start - self.floor) * (1 - self.learned(progress))

    def accuracy(self, progress: float) -> float:
        return self.chance + (self.ceiling - self.chance) * self.learned(progress)


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
    curve = Curve(args.lr, args.optimizer)
    total = args.epochs * args.steps_per_epoch
    step = 0
    for epoch in range(args.epochs):
        for _ in range(args.steps_per_epoch):
            progress = step / total
            # Per-batch noise is multiplicative: a loss is never negative and its
            # wiggle shrinks as it falls, as a real cross-entropy's does.
            loss = curve.loss(progress) * math.exp(rng.gauss(0, 0.08))
            if rng.random() < 0.003:
                loss *= rng.uniform(1.5, 3)  # an occasional spike, to show that charts keep spikes
            accuracy = curve.accuracy(progress) + rng.gauss(0, 0.02)
            wandb.log(
                {
                    "train/loss": loss,
                    "train/accuracy": min(1.0, max(0.0, accuracy)),
                    "train/lr": args.lr * 0.5 * (1 + math.cos(math.pi * progress)),
                }
            )
            step += 1
            if args.sleep:
                time.sleep(args.sleep)
        done = (epoch + 1) / args.epochs
        # Validation: a little worse than training, and steadier (a whole set, not a batch).
        val_loss = curve.loss(done) * 1.08 * math.exp(rng.gauss(0, 0.02))
        accuracy = min(1.0, max(0.0, curve.accuracy(done) - 0.02 + rng.gauss(0, 0.005)))
        weights = np.random.default_rng(epoch).normal(0, 1 / (epoch + 1), 1000)
        wandb.log(
            {
                "val/loss": val_loss,
                "val/accuracy": accuracy,
                "epoch": epoch,
                "examples": samples(rng, epoch, accuracy),
                "weights": wandb.Histogram(weights),
            }
        )
        print(f"epoch {epoch}: val/loss={val_loss:.4f} val/accuracy={accuracy:.3f}")
    truth = [rng.randrange(len(CLASSES)) for _ in range(200)]
    preds = [t if rng.random() < accuracy else rng.randrange(len(CLASSES)) for t in truth]
    wandb.log(
        {
            "confusion": wandb.plot.confusion_matrix(
                y_true=truth, preds=preds, class_names=CLASSES
            ),
            "predictions": wandb.Table(
                columns=["true", "predicted"],
                data=[
                    [CLASSES[t], CLASSES[p]] for t, p in zip(truth[:50], preds[:50], strict=True)
                ],
            ),
        }
    )
    run.summary["final_note"] = "done"
    run.finish()


if __name__ == "__main__":
    main()
