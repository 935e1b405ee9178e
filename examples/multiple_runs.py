"""The seed's "concurrent processes" example: a primary run with short-lived sub-runs."""

import runbase as wandb


def train(name: str) -> None:
    with wandb.init(project="my_project", name=name, reinit="create_new") as run:
        for i in range(50):
            run.log({"train_loss": 0.42 + 1.0 / (i + 1)})


def evaluate_loss_accuracy() -> tuple[float, float]:
    return 0.27, 0.91


with wandb.init(project="my_project", name="tracking_run", reinit="create_new") as tracking_run:
    for i in range(3):
        train(f"training_{i + 1}")
        loss, accuracy = evaluate_loss_accuracy()
        tracking_run.log({"eval_loss": loss + 0.01 * i, "eval_accuracy": accuracy - 0.01 * i})
