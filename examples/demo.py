"""`make demo`: log a few runs into the local store, keep one running, serve the web app.

Runs land in RUNBASE_DIR (default ~/.runbase). Open the printed URL; the live run's
charts grow while you watch. Ctrl-C stops the app and the live run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PORT = os.environ.get("RUNBASE_PORT", "8765")


def run(args: list[str]) -> None:
    subprocess.run([sys.executable, *args], check=True, cwd=HERE.parent)


def main() -> None:
    print("runbase demo: logging example runs into", os.environ.get("RUNBASE_DIR", "~/.runbase"))
    for lr, opt in ((0.003, "sgd"), (0.01, "adam"), (0.03, "adam"), (0.1, "sgd")):
        run([str(HERE / "train.py"), "--lr", str(lr), "--optimizer", opt])
    run([str(HERE / "multiple_runs.py")])
    run([str(HERE / "sweep.py"), "--count", "8"])  # a bayes sweep with Hyperband
    live = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "train.py"),
            "--lr",
            "0.02",
            "--epochs",
            "20",
            "--sleep",
            "0.05",
            "--optimizer",
            "adamw",
        ],
        cwd=HERE.parent,
    )
    print(f"\nrunbase demo: serving the web app on http://127.0.0.1:{PORT} (Ctrl-C to stop)\n")
    runbase_cli = Path(sys.executable).with_name("runbase")
    ui = subprocess.Popen([str(runbase_cli), "ui", "--port", PORT])
    try:
        ui.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for proc in (ui, live):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in (ui, live):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
