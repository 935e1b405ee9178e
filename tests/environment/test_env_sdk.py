"""End to end through the real SDK: runbase.init ... finish in a child process."""

from __future__ import annotations

import json

from fakerun import Result

from runbase.records import Kind


def _records(runbase_dir):
    from fakerun import records

    segs = sorted(runbase_dir.glob("runs/*/*/*/segments/*.rbr"))
    assert len(segs) == 1, segs
    return records(str(segs[0]))


def test_init_to_finish(run_script, runbase_dir):
    proc = run_script(
        """
        import json, os, subprocess, sys, time
        import runbase as wandb
        t = time.perf_counter()
        run = wandb.init(project="env")
        init_s = time.perf_counter() - t
        print("hello from the script")
        subprocess.run([sys.executable, "-c", "print('hello from a child')"])
        from tqdm import tqdm
        for i in tqdm(range(100), mininterval=0, desc="train"):
            pass
        open("weights.bin", "wb").write(b"w" * 1000)
        saved = wandb.save("weights.bin", policy="now")
        run.log({"loss": 0.5})
        time.sleep(1.3)
        run.finish()
        print(json.dumps({"init_s": init_s, "saved": saved, "dir": run.dir, "path": run.path}))
        """,
        env={"RUNBASE_SYSTEM_SAMPLE_INTERVAL": "1", "RUNBASE_SILENT": "true"},
    )
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    recs = _records(runbase_dir)
    kinds = [k for k, _, _ in recs]
    assert kinds[0] == Kind.START and kinds[-1] == Kind.EXIT
    res = Result(proc=proc, root=runbase_dir, records=recs)  # type: ignore[arg-type]
    md = res.metadata
    assert md["program"].endswith("script.py") and md["python_version"] and md["host"]
    assert "requirements.txt" in [f["path"] for f in res.of(Kind.FILE)]
    assert len(res.of(Kind.SYSTEM)) >= 2
    lines = res.lines
    assert lines.count(("stdout", "hello from the script")) == 1
    assert lines.count(("stdout", "hello from a child")) == 1
    assert len([ln for _, ln in lines if ln.startswith("train")]) == 1
    assert "hello from the script" in proc.stdout and "hello from a child" in proc.stdout
    assert [f for f in res.of(Kind.FILE) if f["path"] == "weights.bin"][0]["size"] == 1000
    assert open(info["saved"][0], "rb").read() == b"w" * 1000

    # The same, through the readers.
    import runbase

    api_run = runbase.Api().run(info["path"])
    assert api_run.metadata["python_version"] == md["python_version"]
    assert api_run.metadata["cpu_count"] == md["cpu_count"]
    system = api_run.history(stream="system")
    assert len(system) >= 2 and "cpu.percent" in system.columns
    logs = [(entry["stream"], entry["line"]) for entry in api_run.logs()]
    assert logs.count(("stdout", "hello from a child")) == 1
    assert {"weights.bin", "requirements.txt"} <= {f.name for f in api_run.files()}
