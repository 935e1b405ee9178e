"""Metadata: every field checked against what the child process itself reports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from runbase.records import Kind

TRUTH = """
import platform, socket, getpass, shlex
truth = {
    "host": socket.gethostname(),
    "os": platform.platform(),
    "os_name": platform.system(),
    "os_release": platform.release(),
    "os_version": platform.version(),
    "python_version": platform.python_version(),
    "python": platform.python_implementation() + " " + platform.python_version(),
    "executable": sys.executable,
    "program": os.path.abspath(__file__),
    "args": sys.argv[1:],
    "cwd": os.getcwd(),
    "command": shlex.join(sys.orig_argv),
    "username": getpass.getuser(),
    "cpu_count_logical": os.cpu_count(),
}
"""


def _git(cwd, *args):
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env=dict(
            os.environ,
            GIT_AUTHOR_NAME="t",
            GIT_AUTHOR_EMAIL="t@e",
            GIT_COMMITTER_NAME="t",
            GIT_COMMITTER_EMAIL="t@e",
        ),
    )


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    r = tmp_path / "repo"
    r.mkdir()
    _git(r, "init", "-q", "-b", "trunk")
    _git(r, "remote", "add", "origin", "https://user:s3cret@example.com/team/proj.git")
    (r / "train.txt").write_text("one\n")
    _git(r, "add", ".")
    _git(r, "commit", "-q", "-m", "first")
    return r


def test_metadata_fields_match_the_process(child, repo):
    (repo / "train.txt").write_text("one\ntwo\n")  # dirty
    (repo / "src").mkdir()
    res = child(
        TRUTH
        + """
print(json.dumps(truth))
finish()
""",
        cwd=repo,
        script_dir=repo / "src",
    )
    truth = json.loads(res.stdout.strip().splitlines()[-1])
    md = res.metadata
    for key, value in truth.items():
        assert md.get(key) == value, key
    import psutil

    assert md["cpu_count"] == psutil.cpu_count(logical=False)
    assert md["memory"]["total"] == psutil.virtual_memory().total
    assert isinstance(md.get("cpu_model"), str) and md["cpu_model"]
    assert md["disk"]["/"]["total"] > 0
    import runbase

    assert md["runbase_version"] == getattr(runbase, "__version__", None) or md["runbase_version"]
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    assert md["git"]["commit"] == commit
    assert md["git"]["branch"] == "trunk"
    assert md["git"]["remote"] == "https://example.com/team/proj.git"  # no credentials
    assert md["git"]["dirty"] is True
    assert md["codePath"] == "src/scenario.py"
    assert md["codePathLocal"] == "src/scenario.py"
    files = {f["path"]: f for f in res.of(Kind.FILE)}
    patch = (res.root / "files" / "diff.patch").read_text()
    assert "+two" in patch and files["diff.patch"]["size"] == len(patch.encode())
    reqs = (res.root / "files" / "requirements.txt").read_text().splitlines()
    import msgspec

    assert f"msgspec=={msgspec.__version__}" in reqs
    assert files["requirements.txt"]["policy"] == "now"
    # No gpu keys without NVIDIA hardware; with it, the GPU test covers them.
    if "gpu_count" not in md:
        assert not any(k.startswith("gpu") for k in md)


def test_clean_repo_has_no_patch(child, repo):
    res = child("finish()\n", cwd=repo)
    assert res.metadata["git"]["dirty"] is False
    assert not (res.root / "files" / "diff.patch").exists()
    assert "diff.patch" not in [f["path"] for f in res.of(Kind.FILE)]


def test_no_git_program_and_no_repo_leave_the_run_working(child, repo, tmp_path):
    # git missing from PATH, inside a repository
    res = child("print('still here'); finish()\n", cwd=repo, env={"PATH": str(tmp_path / "empty")})
    assert "git" not in res.metadata
    assert res.metadata["host"] and res.metadata["os"]
    assert ("stdout", "still here") in res.lines
    assert "Traceback" not in res.stderr and res.stderr.strip() == ""
    # a folder that is not a repository
    plain = tmp_path / "plain"
    plain.mkdir()
    res = child("finish()\n", cwd=plain, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert "git" not in res.metadata and res.metadata["cwd"] == str(plain)
    # disable_git: not even asked
    res = child("finish()\n", cwd=repo, settings={"disable_git": True})
    assert "git" not in res.metadata


def test_save_requirements_off(child):
    res = child("finish()\n", settings={"save_requirements": False})
    assert not (res.root / "files" / "requirements.txt").exists()


def test_missing_nvml_leaves_no_gpu_keys(child):
    # pynvml unimportable (None in sys.modules makes import fail), as without nvidia-ml-py.
    res = child(
        "sys.modules['pynvml'] = None\n" + "time.sleep(0.5)\nfinish()\n",
        settings={"system_sample_interval": 0.2},
        prelude=True,
    )
    md = res.metadata
    assert not any(k.startswith("gpu") for k in md) and "cuda_version" not in md
    samples = res.of(Kind.SYSTEM)
    assert samples and not any(k.startswith("gpu.") for s in samples for k in s)
    assert res.stderr.strip() == ""


def test_gpu_metadata_and_metrics(child):
    try:
        import pynvml

        pynvml.nvmlInit()
        count = pynvml.nvmlDeviceGetCount()
    except Exception:
        count = 0
    if not count:
        pytest.skip("no NVIDIA GPU on this machine")
    res = child("time.sleep(0.6)\nfinish()\n", settings={"system_sample_interval": 0.3})
    md = res.metadata
    assert md["gpu_count"] == count and len(md["gpu_nvidia"]) == count
    assert md["gpu_nvidia"][0]["name"] and md["gpu_nvidia"][0]["memory_total"] > 0
    assert md["gpu_driver"] and md["cuda_version"]
    sample = res.of(Kind.SYSTEM)[-1]
    assert 0 <= sample["gpu.0.utilization"] <= 100
    assert sample["gpu.0.memory_used_mb"] >= 0


def test_attach_costs_the_caller_milliseconds(child):
    res = child(
        """
import runbase.sdk.environment  # warm the import; we time attach() itself
times = []
for i in range(5):
    r = FakeRun(os.path.join(os.environ["RB_ROOT"], str(i)))
    t = time.perf_counter()
    a = attach(r)
    times.append(time.perf_counter() - t)
    a.detach()
    r.close()
print(json.dumps(sorted(times)))
""",
        prelude=False,
    )
    times = json.loads(res.stdout.strip().splitlines()[-1])
    # The figure itself is bench/sdk.py's (init with capture, ~10 ms on a quiet machine); this
    # bound only catches attach() waiting on the slow probes (git, NVML, packages: seconds).
    assert times[len(times) // 2] < 0.15, times


def test_import_does_not_load_psutil_or_nvml(child):
    res = child(
        """
import runbase, runbase.sdk.environment
print(json.dumps([m for m in ("psutil", "pynvml") if m in sys.modules]))
""",
        prelude=False,
    )
    assert json.loads(res.stdout.strip().splitlines()[-1]) == []


def test_program_and_notebook_names(child):
    res = child("finish()\n", settings={"program": "custom/train.py"})
    assert res.metadata["program"] == "custom/train.py"
    assert sys.executable == res.metadata["executable"]


FAKE_NVML = """
# Stands in for nvidia-ml-py on machines without an NVIDIA driver, so the key
# layout and the per-query error handling are exercised everywhere.
NVML_TEMPERATURE_GPU = 0
class NVMLError(Exception):
    pass
class _Mem:
    def __init__(self, used, total):
        self.used, self.total = used, total
class _Util:
    gpu = 37
def nvmlInit(): pass
def nvmlDeviceGetCount(): return 2
def nvmlDeviceGetHandleByIndex(i): return i
def nvmlDeviceGetName(h): return b"Fake GPU" if h == 0 else "Fake GPU"
def nvmlDeviceGetUUID(h): return f"GPU-{h}"
def nvmlDeviceGetMemoryInfo(h): return _Mem(2 * 2**30, 8 * 2**30)
def nvmlDeviceGetUtilizationRates(h): return _Util()
def nvmlDeviceGetTemperature(h, kind): return 55
def nvmlDeviceGetPowerUsage(h):
    if h == 1:
        raise NVMLError("Not Supported")
    return 150_000
def nvmlDeviceGetEnforcedPowerLimit(h): return 300_000
def nvmlSystemGetDriverVersion(): return "550.54"
def nvmlSystemGetCudaDriverVersion_v2(): return 12040
"""


def test_gpu_keys_with_a_stand_in_nvml(child, tmp_path):
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "pynvml.py").write_text(FAKE_NVML)
    res = child(
        "time.sleep(0.5)\nfinish()\n",
        settings={"system_sample_interval": 0.2},
        env={"PYTHONPATH": str(stub)},
    )
    md = res.metadata
    assert md["gpu"] == "Fake GPU" and md["gpu_count"] == 2
    assert md["gpu_nvidia"][1] == {"name": "Fake GPU", "memory_total": 8 * 2**30, "uuid": "GPU-1"}
    assert md["gpu_driver"] == "550.54" and md["cuda_version"] == "12.4"
    s = res.of(Kind.SYSTEM)[0]
    assert s["gpu.0.utilization"] == 37 and s["gpu.0.memory_used_mb"] == 2048
    assert s["gpu.0.memory_percent"] == 25 and s["gpu.0.temperature_c"] == 55
    assert s["gpu.0.power_w"] == 150 and s["gpu.0.power_percent"] == 50
    assert "gpu.1.power_w" not in s and s["gpu.1.temperature_c"] == 55  # unsupported: left out
