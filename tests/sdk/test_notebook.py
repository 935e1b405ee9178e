"""In a Jupyter kernel, reinit defaults to return_previous (the seed's notebook default)."""

from __future__ import annotations

import os

import pytest


def test_notebook_default_returns_the_previous_run(runbase_dir):
    manager = pytest.importorskip("jupyter_client.manager", reason="jupyter_client not installed")
    km, kc = manager.start_new_kernel(
        kernel_name="python3", env=dict(os.environ, RUNBASE_DIR=str(runbase_dir))
    )
    try:
        outputs: list[str] = []

        def collect(msg):
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                outputs.append(msg["content"]["text"])

        code = (
            "import runbase as wandb\n"
            "a = wandb.init(project='nb')\n"
            "b = wandb.init(project='nb', name='ignored')\n"
            "c = wandb.init(project='nb', reinit='finish_previous')\n"
            "print('SAME', a is b, 'FINISHED', a._finished, 'NEW', c is not a)\n"
            "c.finish()\n"
        )
        reply = kc.execute_interactive(code, timeout=60, output_hook=collect)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert "SAME True FINISHED True NEW True" in "".join(outputs)
