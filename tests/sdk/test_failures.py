"""Bad storage: clear messages, and nothing already logged is lost."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

import runbase


@pytest.mark.parametrize("how", ["file_in_the_way", "read_only"])
def test_unwritable_runbase_dir_gives_a_clear_error(run_script, runbase_dir, tmp_path, how):
    if how == "read_only":
        target = tmp_path / "ro"
        target.mkdir()
        if os.geteuid() == 0:
            # root ignores permission bits but not the immutable attribute
            subprocess.run(["chattr", "+i", str(target)], check=True)
        else:
            target.chmod(stat.S_IRUSR | stat.S_IXUSR)
        store = target / "store"
    else:
        (tmp_path / "blocker").write_text("a file, not a folder")
        store = tmp_path / "blocker" / "store"
    try:
        proc = run_script(
            """
            import runbase
            try:
                runbase.init(project="p")
            except runbase.UsageError as e:
                print("ERR", e)
            """,
            env={"RUNBASE_DIR": str(store)},
            check=False,
        )
    finally:
        if how == "read_only" and os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(tmp_path / "ro")], check=True)
    assert proc.returncode == 0
    assert "ERR runbase cannot write to" in proc.stdout and "RUNBASE_DIR" in proc.stdout


def test_full_disk_warns_keeps_training_and_keeps_earlier_data(run_script, runbase_dir):
    # RLIMIT_FSIZE makes the kernel refuse to grow files past a size: a full disk for
    # this process only. Growth of the record file then fails like ENOSPC would.
    proc = run_script(
        """
        import resource, signal, runbase
        run = runbase.init(project="full", settings=runbase.Settings(console="off",
                           disable_system_metrics=True))
        for i in range(100):
            run.log({"early": float(i)})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = 1 << 20
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        payload = "y" * 1000
        for i in range(3000):        # ~3 MB: more than the limit allows
            run.log({"late": i, "pad": payload})
        print("training continued", flush=True)
        """,
        check=False,
    )
    assert "training continued" in proc.stdout
    assert "cannot write run" in proc.stderr and "held in memory" in proc.stderr
    (run,) = runbase.Api().runs("full")
    early = [r["early"] for r in run.scan_history(keys=["early"])]
    assert early == [float(i) for i in range(100)]
