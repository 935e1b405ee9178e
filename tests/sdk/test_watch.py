"""watch()/unwatch(): gradient and parameter histograms of real torch models, read back."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import runbase
from tests.conftest import QUIET

torch = pytest.importorskip("torch", reason="watch() needs torch, not installed here")

REPO = Path(__file__).resolve().parents[2]


def new_run():
    return runbase.init(project="watch", settings=runbase.Settings(**QUIET))


def history(run):
    return runbase.Api().run(run.path).history(pandas=False)


def mlp(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))


def train(run, model, steps, seen=None):
    """``steps`` SGD steps, each logging its loss; ``seen[step]`` gets each tensor's stats."""
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        step = run.step
        params = {n: p.detach().clone() for n, p in model.named_parameters()}
        loss = model(torch.randn(16, 4)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        if seen is not None:
            seen[step] = {f"parameters/{n}": t for n, t in params.items()}
            seen[step].update(
                {f"gradients/{n}": p.grad.clone() for n, p in model.named_parameters()}
            )
        opt.step()
        run.log({"loss": loss.item()})


def watched_keys(row):
    return sorted(k for k in row if k.startswith(("gradients/", "parameters/")))


def assert_histogram_of(hist, tensor):
    assert hist["_type"] == "histogram"
    assert len(hist["values"]) == 64 and len(hist["bins"]) == 65
    assert sum(hist["values"]) == tensor.numel()
    assert hist["bins"][0] <= tensor.min().item() and hist["bins"][-1] >= tensor.max().item()
    assert math.isclose(hist["bins"][0], tensor.min().item(), rel_tol=1e-6)
    assert math.isclose(hist["bins"][-1], tensor.max().item(), rel_tol=1e-6)


def test_log_all_records_every_parameter_and_gradient_each_kth_step(runbase_dir):
    run = new_run()
    model = mlp()
    run.watch(model, log="all", log_freq=3)
    seen = {}
    train(run, model, 10, seen)
    run.finish()
    rows = history(run)
    names = [n for n, _ in model.named_parameters()]
    expected = sorted([f"gradients/{n}" for n in names] + [f"parameters/{n}" for n in names])
    for row in rows:
        # The histograms join the row of that step's loss (commit=False), steps 2, 5, 8.
        assert watched_keys(row) == (expected if row["_step"] in (2, 5, 8) else []), row["_step"]
        assert "loss" in row
    for step in (2, 5, 8):
        for key in expected:
            assert_histogram_of(rows[step][key], seen[step][key])


def test_default_logs_gradients_only_and_parameters_only_when_asked(runbase_dir):
    run = new_run()
    grads, params = mlp(), mlp(1)
    run.watch(grads, log_freq=1)
    run.watch(params, log="parameters", log_freq=1, idx=5)
    train(run, grads, 1)
    train(run, params, 1)
    run.finish()
    first, second = history(run)
    assert watched_keys(first) == [
        "gradients/0.bias",
        "gradients/0.weight",
        "gradients/2.bias",
        "gradients/2.weight",
    ]
    assert watched_keys(second) == [
        "parameters/graph_50.bias",
        "parameters/graph_50.weight",
        "parameters/graph_52.bias",
        "parameters/graph_52.weight",
    ]


def test_two_models_get_w_and_b_names_and_log_none_records_nothing(runbase_dir):
    run = new_run()
    a, b, c = mlp(), mlp(1), mlp(2)
    run.watch([a, b], log="gradients", log_freq=1)
    run.watch(c, log=None)
    train(run, a, 1)
    train(run, b, 1)
    train(run, c, 1)
    run.finish()
    rows = history(run)
    assert "gradients/0.weight" in rows[0] and "gradients/graph_10.weight" in rows[1]
    assert watched_keys(rows[2]) == []


def test_unwatch_stops_logging(runbase_dir):
    run = new_run()
    a, b = mlp(), mlp(1)
    run.watch([a, b], log="all", log_freq=1)
    train(run, a, 1)
    run.unwatch(a)
    train(run, a, 1)
    train(run, b, 1)
    run.unwatch()
    train(run, b, 1)
    with pytest.warns(RuntimeWarning, match="not watched"):
        run.unwatch(a)
    run.finish()
    rows = history(run)
    assert len(watched_keys(rows[0])) == 8
    assert watched_keys(rows[1]) == []
    assert len(watched_keys(rows[2])) == 8
    assert watched_keys(rows[3]) == []
    assert not a._forward_hooks and not b._forward_hooks


def test_watching_again_replaces_the_hooks_and_keeps_the_name(runbase_dir):
    run = new_run()
    model = mlp()
    run.watch(model, log="all", log_freq=1)
    run.watch(model, log="parameters", log_freq=2)
    train(run, model, 2)
    run.finish()
    rows = history(run)
    assert watched_keys(rows[0]) == []
    assert watched_keys(rows[1]) == [
        "parameters/0.bias",
        "parameters/0.weight",
        "parameters/2.bias",
        "parameters/2.weight",
    ]
    assert len(model._forward_hooks) == 0  # finish() removed them


def test_finish_removes_the_hooks_so_training_goes_on(runbase_dir):
    run = new_run()
    model = mlp()
    run.watch(model, log="all", log_freq=1)
    run.finish()
    assert not model._forward_hooks
    model(torch.randn(2, 4)).sum().backward()  # no error, nothing recorded
    assert history(run) == []


def test_sparse_gradients_count_their_implicit_zeros(runbase_dir):
    run = new_run()
    emb = torch.nn.Embedding(50, 4, sparse=True)
    run.watch(emb, log="gradients", log_freq=1)
    emb(torch.tensor([3, 7, 3])).sum().backward()
    run.log({"x": 1})
    run.finish()
    (row,) = history(run)
    hist = row["gradients/weight"]
    assert sum(hist["values"]) == 200
    assert hist["bins"][0] <= 0 <= hist["bins"][-1]
    zero_bin = max(i for i, edge in enumerate(hist["bins"][:-1]) if edge <= 0)
    assert hist["values"][zero_bin] == 200 - 8  # 192 implicit zeros; the 8 stored are 1s and 2s


def test_nan_and_inf_are_left_out_and_all_equal_values_make_one_bin():
    from runbase.sdk.tensor_hist import histograms

    mixed = torch.tensor([1.0, float("nan"), float("inf"), -float("inf"), 3.0, 2.0])
    half = torch.tensor([0.5, -0.5], dtype=torch.float16)
    out = histograms(
        torch, [mixed, torch.full((5,), float("nan")), torch.ones(7), torch.empty(0), half]
    )
    counts, bins = out[0]
    assert sum(counts) == 3 and bins[0] == 1.0 and bins[-1] == 3.0
    assert out[1] is None and out[3] is None  # nothing finite: no histogram, as in W&B
    assert out[2] == ([7], [1.0, 1.0])
    assert sum(out[4][0]) == 2 and out[4][1][0] == -0.5


def test_bad_arguments_say_what_to_pass(runbase_dir):
    run = new_run()
    with pytest.raises(TypeError, match=r"torch\.nn\.Module.*got builtins\.dict"):
        run.watch({"not": "a model"})
    with pytest.raises(TypeError, match="torch.nn.Module"):
        run.watch([mlp(), object()])
    with pytest.raises(ValueError, match="'gradients'.*'parameters', 'all' or None"):
        run.watch(mlp(), log="weights")
    with pytest.raises(ValueError, match="log_freq"):
        run.watch(mlp(), log_freq=-1)
    first, second = mlp(), mlp(1)
    run.watch(first, idx=3)
    with pytest.raises(ValueError, match="idx=3 names another model"):
        run.watch(second, idx=3)
    with pytest.warns(RuntimeWarning, match="graph is not recorded"):
        run.watch(mlp(), log_graph=True)
    run.finish()


def test_a_failing_histogram_warns_once_and_training_goes_on(runbase_dir, monkeypatch):
    from runbase.sdk import tensor_hist

    def out_of_memory(torch, tensors):  # what a GPU out of memory would raise
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(tensor_hist, "histograms", out_of_memory)
    run = new_run()
    model = mlp()
    run.watch(model, log="all", log_freq=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        train(run, model, 2)
    assert [str(w.message) for w in caught if "could not record" in str(w.message)] == [
        "runbase: watch(): could not record parameters/0.weight: CUDA out of memory; "
        "training goes on, and later histograms are still attempted"
    ]
    run.finish()
    assert [sorted(r) for r in history(run)] == [["_runtime", "_step", "_timestamp", "loss"]] * 2


def test_a_wandb_script_watches_through_the_module_and_torch_stays_unloaded_otherwise(
    run_script, runbase_dir
):
    run_script(
        """
        import sys
        import runbase as wandb
        assert "torch" not in sys.modules
        wandb.init(project="watch", settings={"silent": True, "console": "off"})
        try:
            wandb.watch("model")
        except TypeError as e:
            print("refused:", e)
        assert "torch" not in sys.modules  # a wrong argument does not load torch either
        import torch
        model = torch.nn.Linear(3, 1)
        wandb.watch(model, log="all", log_freq=2)
        for i in range(4):
            model(torch.randn(8, 3)).sum().backward()
            wandb.log({"i": i})
        wandb.unwatch(model)
        wandb.finish()
        """
    )
    (run,) = runbase.Api(root=runbase_dir).runs("watch")
    rows = run.history(pandas=False)
    assert [watched_keys(r) for r in rows] == [
        [],
        ["gradients/bias", "gradients/weight", "parameters/bias", "parameters/weight"],
        [],
        ["gradients/bias", "gradients/weight", "parameters/bias", "parameters/weight"],
    ]
    assert run.summary["gradients/weight"]["_type"] == "histogram"


def test_import_runbase_and_a_run_load_no_torch(runbase_dir):
    probe = (
        "import json, sys, runbase\n"
        "run = runbase.init(project='p', settings={'silent': True, 'console': 'off'})\n"
        "run.log({'a': 1}); run.finish()\n"
        "print(json.dumps('torch' in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) is False


def test_the_docs_example_runs(run_script, runbase_dir):
    text = (REPO / "docs" / "sdk.md").read_text()
    block = re.search(r"## watch.*?```python\n(.*?)```", text, re.S)
    assert block is not None
    proc = run_script(block.group(1), env={"PYTHONWARNINGS": "error"})
    assert "Warning" not in proc.stderr
    (run,) = runbase.Api(root=runbase_dir).runs("watch-demo")
    rows = run.history(pandas=False)
    assert "gradients/0.weight" in rows[99] and "parameters/0.weight" in rows[99]


def test_the_accelerator_and_cpu_counting_paths_agree():
    """histc (used on GPUs) and bincount (used on the CPU) put each value in the same bin."""
    from runbase.sdk import tensor_hist

    torch.manual_seed(0)
    for x in (torch.randn(100_000), torch.randn(999, dtype=torch.float64) * 1e6, torch.rand(7)):
        p = tensor_hist._prepare(torch, x)
        p.lo, p.hi = x.min().item(), x.max().item()
        histc = tensor_hist._histc(torch, p)
        assert histc.tolist() == tensor_hist._bincount(torch, p).tolist()
        assert histc.sum().item() == x.numel()


def test_a_forked_child_trains_its_copy_without_writing_to_the_parents_run(run_script, runbase_dir):
    proc = run_script(
        """
        import os, torch, runbase
        run = runbase.init(project="fork", settings={"silent": True, "console": "off"})
        model = torch.nn.Linear(3, 1)
        run.watch(model, log="all", log_freq=1)
        pid = os.fork()
        if pid == 0:  # the hooks came along; the run is the parent's
            model(torch.randn(2, 3)).sum().backward()
            os._exit(0)
        print("child exit", os.waitpid(pid, 0)[1])
        model(torch.randn(2, 3)).sum().backward()
        run.log({"a": 1})
        run.finish()
        """,
        env={"PYTHONWARNINGS": "error"},
    )
    assert "child exit 0" in proc.stdout and "Warning" not in proc.stderr
    (run,) = runbase.Api(root=runbase_dir).runs("fork")
    (row,) = run.history(pandas=False)
    assert watched_keys(row) == [
        "gradients/bias",
        "gradients/weight",
        "parameters/bias",
        "parameters/weight",
    ]
