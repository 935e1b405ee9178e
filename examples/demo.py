"""`make demo`: serve the web app, log a few runs into the local store while you watch,
and keep one running.

Runs land in RUNBASE_DIR (default ~/.runbase). The app starts first, so every link
the runs print opens at once; the live run's charts grow while you watch (stop it
from its page with *Stop run*). Ctrl-C stops the app and the live run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PORT = os.environ.get("RUNBASE_PORT", "8765")
URL = f"http://127.0.0.1:{PORT}"
# The runs print links to this app (and see it up, so they do not say to start it).
ENV = {**os.environ, "RUNBASE_UI_URL": URL}


def run(args: list[str]) -> None:
    subprocess.run([sys.executable, *args], check=True, cwd=HERE.parent, env=ENV)


def serves_our_store() -> bool:
    """Whether the app at URL serves this demo's store (not another runbase ui that
    held the port first: ours then exits with its message)."""
    ours = Path(os.environ.get("RUNBASE_DIR", "~/.runbase")).expanduser().resolve()
    try:
        with urllib.request.urlopen(f"{URL}/api/v1/status", timeout=1) as r:
            return Path(json.loads(r.read()).get("root") or "").resolve() == ours
    except (OSError, ValueError):
        return False


def start_ui() -> subprocess.Popen[bytes]:
    """`runbase ui` on PORT; exits the demo with its message if it cannot serve."""
    runbase_cli = Path(sys.executable).with_name("runbase")
    ui = subprocess.Popen([str(runbase_cli), "ui", "--port", PORT], env=ENV)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ui.poll() is not None:  # a busy port: `runbase ui` has said so already
            sys.exit(f"runbase demo: the web app could not start on port {PORT} "
                     "(set RUNBASE_PORT to use another)")  # fmt: skip
        if serves_our_store():
            return ui
        time.sleep(0.2)
    ui.kill()
    sys.exit(f"runbase demo: the web app did not answer on {URL} within a minute")


def main() -> None:
    print("runbase demo: logging example runs into", os.environ.get("RUNBASE_DIR", "~/.runbase"))
    ui = start_ui()
    print(f"\nrunbase demo: the web app is at {URL} (Ctrl-C to stop)\n")
    live = None
    try:
        for lr, opt in ((0.003, "sgd"), (0.01, "adam"), (0.03, "adam"), (0.1, "sgd")):
            run([str(HERE / "train.py"), "--lr", str(lr), "--optimizer", opt])
        run([str(HERE / "multiple_runs.py")])
        run([str(HERE / "sweep.py"), "--count", "8"])  # a bayes sweep with Hyperband
        live_args = ["--lr", "0.02", "--epochs", "20", "--sleep", "0.05", "--optimizer", "adamw"]
        live = subprocess.Popen(
            [sys.executable, str(HERE / "train.py"), *live_args], cwd=HERE.parent, env=ENV
        )
        print(f"\nrunbase demo: one run keeps training; watch it at {URL} (Ctrl-C to stop)\n")
        if ui.wait() != 0:
            sys.exit(f"runbase demo: the web app stopped (exit status {ui.returncode})")
    except KeyboardInterrupt:
        pass
    finally:
        procs = [p for p in (ui, live) if p is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
