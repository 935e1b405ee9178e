"""run.save(): files copied into the run, announced with FILE records, read back."""

from __future__ import annotations

import json
import os

from runbase.records import Kind


def _files(res):
    return [(f["path"], f["policy"]) for f in res.of(Kind.FILE)]


def test_now_layout_and_read_back(child, tmp_path):
    work = tmp_path / "work"
    (work / "ckpt" / "sub").mkdir(parents=True)
    (work / "ckpt" / "a.txt").write_text("alpha")
    (work / "ckpt" / "sub" / "b.txt").write_bytes(b"\x00beta\xff" * 1000)
    absdir = tmp_path / "elsewhere" / "run123"
    absdir.mkdir(parents=True)
    (absdir / "x.txt").write_text("abs")
    res = child(
        f"""
out = []
out += save_files(run, "ckpt/*.txt", policy="now")
out += save_files(run, "ckpt/**/*.txt", base_path="ckpt", policy="now")
out += save_files(run, {str(absdir / "*.txt")!r}, policy="now")
with open(os.path.join(run.dir, "model.h5"), "w") as f:
    f.write("weights")
out += save_files(run, os.path.join(run.dir, "model.h5"), policy="now")
print(json.dumps([os.path.relpath(p, run.dir) for p in out]))
finish()
""",
        cwd=work,
    )
    rel = json.loads(res.stdout.strip().splitlines()[-1])
    assert rel == ["ckpt/a.txt", "a.txt", "sub/b.txt", "run123/x.txt", "model.h5"]
    files = res.root / "files"
    assert (files / "ckpt" / "a.txt").read_text() == "alpha"
    assert (files / "a.txt").read_text() == "alpha"
    assert (files / "sub" / "b.txt").read_bytes() == b"\x00beta\xff" * 1000
    assert (files / "run123" / "x.txt").read_text() == "abs"
    assert (files / "model.h5").read_text() == "weights"
    got = {f["path"]: f for f in res.of(Kind.FILE)}
    assert got["sub/b.txt"]["size"] == 6000 and got["model.h5"]["policy"] == "now"
    assert not list(files.rglob("*.tmp"))


def test_live_and_end(child, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    res = child(
        """
from runbase.sdk.environment import files
files.POLL_EVERY = 0.2  # the light polling thread, made quick for the test
open("live.txt", "w").write("v1")
print(json.dumps(save_files(run, "live.txt")))  # policy defaults to "live"
save_files(run, "end.txt", policy="end")  # does not exist yet
time.sleep(0.3)
open("live.txt", "w").write("v2 longer")
time.sleep(1.0)
mid = open(os.path.join(run.dir, "live.txt")).read()
open("live.txt", "w").write("v3 final!")
open("end.txt", "w").write("the end")
finish()
print(mid)
""",
        cwd=work,
    )
    out = res.stdout.strip().splitlines()
    assert out[-1] == "v2 longer"  # re-copied while the run was active
    files = res.root / "files"
    assert (files / "live.txt").read_text() == "v3 final!"  # and at detach
    assert (files / "end.txt").read_text() == "the end"
    recs = _files(res)
    assert recs.count(("live.txt", "live")) == 3 and recs.count(("end.txt", "end")) == 1


def test_unreadable_and_unwritable_files_warn_and_the_run_goes_on(child, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "clash.txt").write_text("x")
    (work / "good.txt").write_text("fine")
    (work / "secret.txt").write_text("s")
    res = child(
        """
# /proc/self/mem fails with EIO on read, even for root.
save_files(run, "/proc/self/mem", policy="now")
os.makedirs(os.path.join(run.dir, "clash.txt"))  # a folder where the copy must go
save_files(run, "clash.txt", policy="now")
if os.geteuid() != 0:
    os.chmod("secret.txt", 0)
    save_files(run, "secret.txt", policy="now")
save_files(run, "good.txt", policy="now")
save_files(run, "nothing-*.bin", policy="now")
print("still running")
finish()
""",
        cwd=work,
    )
    err = res.stderr
    assert "could not save /proc/self/mem" in err and "make it readable" in err
    assert f"could not save {work / 'clash.txt'}" in err and "permissions of the run folder" in err
    assert "matched no file" in err
    assert "Traceback" not in err and "still running" in res.stdout
    assert [f for f in _files(res) if f[0] != "requirements.txt"] == [("good.txt", "now")]
    assert (res.root / "files" / "good.txt").read_text() == "fine"


def test_bad_arguments_raise(child, tmp_path):
    res = child(
        """
for kwargs in ({"glob_str": "a.txt", "policy": "sometimes"},
               {"glob_str": "../a.txt", "base_path": "sub"}):
    try:
        save_files(run, **kwargs)
    except ValueError as e:
        print("ValueError", e)
finish()
""",
        cwd=tmp_path,
    )
    assert res.stdout.count("ValueError") == 2
    assert os.path.isdir(res.root / "files")
