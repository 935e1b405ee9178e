"""The server against hostile requests, over real HTTP on loopback: foreign Host
headers (DNS rebinding), cross-site writes, saved files that carry script,
regular expressions that backtrack, out-of-range numbers, and crashes."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from .conftest import Server, make_store
from .hostile import PROJECT, RUNS, VICTIM_NOTES, victim_notes, write_hostile_project

VISION = "/api/v1/projects/team/vision"


@pytest.fixture(scope="module")
def sec(server: Server, store_dir: Path) -> Server:
    write_hostile_project(store_dir, server.client)
    return server


# --- out-of-range numbers (7a) ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        (f"{VISION}/runs", {"offset": 2**63}, "offset"),
        (f"{VISION}/runs", {"offset": -1}, "offset"),
        (f"{VISION}/runs", {"limit": 2**63}, "limit"),
        (f"{VISION}/groups", {"by": "state", "filters": "{}", "search": ""}, None),
        (f"{VISION}/series", {"key": "lr", "runs": "r00", "buckets": 2**64}, "buckets"),
        (f"{VISION}/runs/r00/history", {"samples": 2**63}, "samples"),
        (f"{VISION}/runs/r00/logs", {"limit": 2**70}, "limit"),
        (f"{VISION}/runs/r00/logs", {"offset": 2**63}, "offset"),
        (f"{VISION}/runs/r00/logs/tail", {"start": 2**63}, "start"),
        (f"{VISION}/runs/r00/series", {"key": "lr", "x_min": "inf"}, "x_min"),
        (f"{VISION}/runs/r00/series", {"key": "lr", "x_max": "1e400"}, "x_max"),
        (f"{VISION}/runs/r00/series", {"key": "lr", "x_min": -1e19}, "x_min"),
        (f"{VISION}/series", {"key": "lr", "runs": "r00", "x_max": 1e300}, "x_max"),
    ],
)
def test_out_of_range_numbers_are_400_naming_the_parameter(server, path, params, name):
    r = server.client.get(path, params=params)
    if name is None:  # a control: the same route with sane input
        assert r.status_code == 200, r.text
        return
    assert r.status_code == 400, r.text
    assert name in r.json()["detail"]


def test_huge_numbers_deep_filters_and_long_names_are_not_500(server):
    for flt in [
        {"runtime": {"$gt": 10**30}},
        {"runtime": 10**30},
        {"min:train/loss": {"$lt": -(10**40)}},
        {"config.lr": {"$gt": 10**25}},
    ]:
        r = server.client.get(f"{VISION}/runs", params={"filters": json.dumps(flt)})
        assert r.status_code == 200, (flt, r.text)
    expected = {"runtime": {"$gt": 10**30}}
    assert (
        server.client.get(f"{VISION}/runs", params={"filters": json.dumps(expected)}).json()[
            "total"
        ]
        == 0
    )
    long_name = server.client.get(f"{VISION}/runs/r00/files/" + "a/" * 3000 + "x")
    assert long_name.status_code == 404
    deep = '{"$and": [' * 400 + "{}" + "]}" * 400
    r = server.client.get(f"{VISION}/runs", params={"filters": deep})
    assert r.status_code == 400 and "nested" in r.json()["detail"]


# --- Host header (8) ----------------------------------------------------------


def test_foreign_host_header_is_refused_with_a_way_out(sec):
    r = sec.client.get("/api/v1/projects", headers={"host": "attacker.example"})
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert "attacker.example" in detail and "--allowed-host attacker.example" in detail
    page = sec.client.get("/team/sec", headers={"host": "attacker.example:8765"})
    assert page.status_code == 400 and "<html" not in page.text.lower()
    patch = sec.client.patch(
        f"{RUNS}/victim", json={"notes": "rebound"}, headers={"host": "attacker.example"}
    )
    assert patch.status_code == 400
    assert victim_notes(sec.client) == VICTIM_NOTES


def test_loopback_names_are_allowed_on_any_port(server):
    for host in ["localhost", f"localhost:{server.port}", "127.0.0.1:1", "[::1]:8765", "LOCALHOST"]:
        r = server.client.get("/api/v1/projects", headers={"host": host})
        assert r.status_code == 200, (host, r.text)


def test_allowed_host_option_and_bound_host(tmp_path_factory):
    root = tmp_path_factory.mktemp("runbase-hosts")
    make_store(root)
    srv = Server(
        root,
        host="127.0.0.2",
        args=("--allowed-host", "runs.example.org", "--allowed-host", "*.lab.internal"),
    )
    try:
        ok = ["runs.example.org", "runs.example.org:8080", "gpu1.lab.internal", "127.0.0.2"]
        for host in ok + [f"127.0.0.2:{srv.port}", "localhost"]:
            r = srv.client.get("/api/v1/projects", headers={"host": host})
            assert r.status_code == 200, (host, r.text)
        for host in ["other.example.org", "lab.internal.evil.com", "example.org"]:
            r = srv.client.get("/api/v1/projects", headers={"host": host})
            assert r.status_code == 400, host
    finally:
        srv.stop()


# --- cross-site writes (9, CSRF) ----------------------------------------------


def test_cross_site_writes_are_refused(sec):
    url = f"{RUNS}/victim"
    for headers in [
        {"origin": "http://evil.example"},
        {"origin": "null"},  # a sandboxed document
        {"origin": f"http://localhost:{sec.port + 1}"},  # another local web app
        {"sec-fetch-site": "cross-site"},
    ]:
        r = sec.client.patch(url, json={"notes": "csrf"}, headers=headers)
        assert r.status_code == 403, (headers, r.text)
        assert "cross-site" in r.json()["detail"]
        r = sec.client.delete(url, headers=headers)
        assert r.status_code == 403, headers
    # A form-style body cannot pass for JSON.
    r = sec.client.post(
        f"{PROJECT}/runs/delete",
        content=json.dumps({"ids": ["victim"]}),
        headers={"content-type": "text/plain"},
    )
    assert r.status_code == 415 and "application/json" in r.json()["detail"]
    assert victim_notes(sec.client) == VICTIM_NOTES
    # The app's own pages send their origin and pass.
    same = sec.client.patch(url, json={"notes": VICTIM_NOTES}, headers={"origin": sec.url})
    assert same.status_code == 200, same.text


# --- response headers and saved files (9) -------------------------------------


def _csp(r: httpx.Response) -> dict[str, str]:
    parts = [p.strip() for p in r.headers["content-security-policy"].split(";") if p.strip()]
    return {p.split(" ", 1)[0]: (p.split(" ", 1) + [""])[1] for p in parts}


def test_every_response_has_nosniff_and_a_strict_csp(sec):
    index = sec.client.get("/")
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index.text)
    paths = ["/", "/team/vision", "/api/v1/projects", "/api/v1/nope", f"{RUNS}/missing"]
    paths += [f"{VISION}/runs?limit=lots", *assets]
    for path in paths:
        r = sec.client.get(path)
        assert r.headers.get("x-content-type-options") == "nosniff", path
        csp = _csp(r)
        assert csp["default-src"] == "'self'", path
        assert "unsafe-inline" not in csp.get("script-src", "") and "unsafe-eval" not in str(csp)
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'", path
        assert csp["base-uri"] == "'none'", path
    assert "<script>" not in index.text and "<style" not in index.text  # nothing inline


def test_saved_files_are_sandboxed_and_active_types_download(sec):
    base = f"{RUNS}/files/files"
    for name, ctype, disposition in [
        ("evil.svg", "image/svg+xml", "attachment"),
        ("evil.xml", "text/plain", "inline"),  # text/xml shows as text
        ("evil.html", "text/plain", "inline"),
        ("plots/fake.png", "image/png", "inline"),
        ("plots/pic.png", "image/png", "inline"),
        ("data.json", "application/json", "inline"),
    ]:
        r = sec.client.get(f"{base}/{name}")
        assert r.status_code == 200, name
        assert r.headers["x-content-type-options"] == "nosniff", name
        csp = _csp(r)
        assert "sandbox" in csp and csp["default-src"] == "'none'", name
        assert r.headers["content-disposition"].startswith(disposition), name
        assert r.headers["content-type"].startswith(ctype), name
    dl = sec.client.get(f"{base}/plots/pic.png", params={"download": 1})
    assert dl.headers["content-disposition"].startswith("attachment")


# --- regular expressions (10) -------------------------------------------------


def test_backtracking_search_neither_hangs_nor_blocks_other_requests(sec):
    done: dict[str, object] = {}

    def search() -> None:
        t = time.monotonic()
        try:
            r = httpx.get(sec.url + RUNS, params={"search": "(a+)+$"}, timeout=10)
            done["search"] = (r.status_code, r.json()["total"], time.monotonic() - t)
        except httpx.TimeoutException:
            done["search"] = ("timed out", None, time.monotonic() - t)

    worker = threading.Thread(target=search)
    worker.start()
    time.sleep(0.3)
    t = time.monotonic()
    other = httpx.get(sec.url + "/api/v1/projects", timeout=10)
    other_s = time.monotonic() - t
    worker.join(15)
    assert other.status_code == 200 and other_s < 3, other_s
    status, total, took = done["search"]
    assert status == 200 and total == 0 and took < 3, done
    # The same pattern anchored differently does match the slow name.
    r = sec.client.get(RUNS, params={"search": "^(a+)+!$"})
    assert [run["id"] for run in r.json()["runs"]] == ["redos"]


def test_regex_outside_re2_syntax_is_a_400_that_says_so(sec):
    for pattern in ["(?=a)b", "(a)\\1"]:
        r = sec.client.get(RUNS, params={"search": pattern})
        assert r.status_code == 400, pattern
        assert "RE2" in r.json()["detail"]
    flt = json.dumps({"tags": {"$regex": "(?<=e)vil"}})
    r = sec.client.get(RUNS, params={"filters": flt})
    assert r.status_code == 400 and "regular expression" in r.json()["detail"]
    flt = json.dumps({"tags": {"$regex": "^ev.l$"}})
    assert [x["id"] for x in sec.client.get(RUNS, params={"filters": flt}).json()["runs"]] == [
        "files"
    ]


# --- groups: the store decides what groups --------------------------------------


def test_group_by_tags_and_any_store_sort_key(server):
    r = server.client.get(f"{VISION}/groups", params={"by": "tags"})
    assert r.status_code == 200, r.text
    groups = r.json()["groups"]
    assert {g["value"] for g in groups} >= {"baseline", "fast", "sweep"}
    assert sum(g["count"] for g in groups) == 12
    for by in ["notes", "min:train/loss", "id"]:
        assert server.client.get(f"{VISION}/groups", params={"by": by}).status_code == 200, by
    bad = server.client.get(f"{VISION}/groups", params={"by": "nope"})
    assert bad.status_code == 400 and "nope" in bad.json()["detail"]


# --- crashes ------------------------------------------------------------------


def test_a_crash_answers_a_generic_message_with_an_id_in_the_log(tmp_path_factory):
    root = tmp_path_factory.mktemp("runbase-crash")
    make_store(root)
    srv = Server(root)
    try:
        with sqlite3.connect(root / "store.db") as db:
            db.execute("DROP TABLE projects")
        r = srv.client.get("/api/v1/projects")
        assert r.status_code == 500
        detail = r.json()["detail"]
        assert "projects" not in detail and "sqlite" not in detail.lower(), detail
        assert "Error" not in detail and "internal error" in detail
        error_id = detail.split("id ")[1].split(")")[0]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" in r.headers
    finally:
        srv.stop()
    log = srv.output()
    assert error_id in log and "no such table: projects" in log


# --- OpenAPI (11) ---------------------------------------------------------------


SERIES = "/api/v1/projects/{entity}/{project}/series"


def test_openapi_documents_the_error_responses(server):
    spec = server.client.get("/api/v1/openapi.json").json()
    error = spec["components"]["schemas"]["ErrorOut"]
    assert error["properties"]["detail"]["type"] == "string"
    assert "422" not in json.dumps(spec)
    ref = "#/components/schemas/ErrorOut"
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            responses = op["responses"]
            assert responses["400"]["content"]["application/json"]["schema"]["$ref"] == ref
            # A project's series and system batches leave out what they do not find (no 404).
            lines = (SERIES, f"{SERIES}/batch", SERIES.replace("/series", "/system/batch"))
            if "{entity}" in path and path not in lines:
                assert "404" in responses, (method, path)
            if method in ("post", "patch", "delete"):
                assert {"403", "415"} <= set(responses), (method, path)


def test_a_malformed_allowed_host_is_a_usage_error(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "runbase.cli.main", "ui", "--dir", str(tmp_path)]
        + ["--allowed-host", "runs.*.org"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "--allowed-host" in r.stderr and "*.example.org" in r.stderr
