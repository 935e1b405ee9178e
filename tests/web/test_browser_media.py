"""Media panels in Debian's Chromium, over real SDK runs (``make_media.py``): images
of both runs side by side, the step slider, mask toggles, box threshold, zoom,
players, a sandboxed HTML frame and a point cloud. Screenshots go to the test's
tmp dir (and test-artifacts/screenshots)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from .conftest import SCREENSHOTS, Server
from .make_media import COLOURS

WORKSPACE = "/team/media"


@pytest.fixture()
def mpage(browser, media_server: Server) -> Iterator[object]:
    """A page under the app's real CSP, recording page errors and what a framed
    document posts to the app's window."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1200}, base_url=media_server.url)
    ctx.add_init_script(
        "window.__framed = [];addEventListener('message', (e) => window.__framed.push(e.data));"
    )
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(15_000)
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def save(page, tmp_path: Path, name: str, target=None) -> Path:
    path = tmp_path / f"{name}.png"
    (target or page).screenshot(path=str(path))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / path.name).write_bytes(path.read_bytes())
    return path


def panel(page, key: str):
    p = page.locator(f".media-panel[data-key='{key}']")
    p.scroll_into_view_if_needed()
    return p


def drawn(page, key: str):
    p = panel(page, key)
    p.and_(page.locator("[data-state='drawn']")).wait_for()
    return p


def pixel(locator, fx: float, fy: float) -> tuple[int, int, int]:
    """The rendered colour at a fraction of an element's box."""
    shot = Image.open(io.BytesIO(locator.screenshot())).convert("RGB")
    return shot.getpixel((int(fx * (shot.width - 1)), int(fy * (shot.height - 1))))


def near(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def run_image(p, run_id: str):
    return p.locator(f".media-run[data-run='{run_id}'] .media-image").first


def wait_steps(p, want: dict[str, int]) -> None:
    deadline = time.monotonic() + 10
    while True:
        got = {r: p.locator(f".media-run[data-run='{r}']").get_attribute("data-step") for r in want}
        if got == {r: str(s) for r, s in want.items()}:
            return
        assert time.monotonic() < deadline, f"steps shown {got}, wanted {want}"
        time.sleep(0.05)


def test_images_of_both_runs_follow_the_step_slider(mpage, tmp_path):
    page = mpage
    page.goto(WORKSPACE)
    seg = drawn(page, "seg")
    wait_steps(seg, {"m1": 20, "m2": 15})  # the last step: each run's latest image
    assert seg.locator(".media-step").inner_text() == "20"
    # A corner of each image: outside masks and boxes, the logged colour itself.
    assert near(pixel(run_image(seg, "m1"), 0.02, 0.97), COLOURS["m1"][20])
    assert near(pixel(run_image(seg, "m2"), 0.02, 0.97), COLOURS["m2"][15])
    before = seg.locator(".media-run[data-run='m1'] img").first.get_attribute("data-path")
    save(page, tmp_path, "media-step-20", seg)

    slider = seg.get_by_label("seg step")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # stops 0, 5, 10, 15, 20: now 10
    wait_steps(seg, {"m1": 10, "m2": 5})
    seg.and_(page.locator("[data-state='drawn']")).wait_for()
    assert seg.locator(".media-step").inner_text() == "10"
    after = seg.locator(".media-run[data-run='m1'] img").first.get_attribute("data-path")
    assert after != before and "seg_10_" in after
    assert near(pixel(run_image(seg, "m1"), 0.02, 0.97), COLOURS["m1"][10])
    assert near(pixel(run_image(seg, "m2"), 0.02, 0.97), COLOURS["m2"][5])
    assert seg.locator(".media-run[data-run='m2'] figcaption").inner_text() == "step 5"
    save(page, tmp_path, "media-step-10", seg)


def test_mask_toggle_box_threshold_and_zoom(mpage, tmp_path):
    page = mpage
    page.goto(WORKSPACE)
    seg = drawn(page, "seg")
    img = run_image(seg, "m1")
    seg.locator(".media-mask[data-painted='true']").first.wait_for()
    inside_cat = (20 / 64, 16 / 48)  # the middle of mask class 1 ("cat")
    logged = COLOURS["m1"][20]
    assert not near(pixel(img, *inside_cat), logged)  # the overlay tints it
    seg.locator(".media-class[data-class='mask:truth:1'] input").uncheck()
    deadline = time.monotonic() + 5
    while not near(pixel(img, *inside_cat), logged):
        assert time.monotonic() < deadline, "hiding the class did not clear its overlay"
        time.sleep(0.05)
    save(page, tmp_path, "media-cat-hidden", seg)

    boxes = seg.locator(".media-run[data-run='m1'] .media-box")
    assert boxes.count() == 2
    assert sorted(boxes.all_inner_texts()) == ["cat 0.90", "dog 0.30"]
    threshold = seg.get_by_label("box score threshold")
    threshold.focus()
    for _ in range(7):  # 0.35: above the dog's 0.30
        page.keyboard.press("ArrowRight")
    assert boxes.all_inner_texts() == ["cat 0.90"]

    img.click()
    zoom = page.locator(".media-zoom")
    zoom.wait_for()
    big = zoom.locator(".media-image")
    assert big.bounding_box()["width"] > 2 * img.bounding_box()["width"]
    save(page, tmp_path, "media-zoom")
    zoom.click()
    zoom.wait_for(state="detached")


def test_players_html_sandbox_and_point_cloud(mpage, media_server, tmp_path):
    page = mpage
    page.goto(WORKSPACE)
    sound = drawn(page, "sound")
    assert sound.locator("audio").count() == 2
    clip = drawn(page, "clip")
    assert clip.locator("img.media-gif").count() == 2
    html = drawn(page, "page")
    frames = html.locator("iframe.media-html")
    assert frames.count() == 2
    assert frames.first.get_attribute("sandbox") == "allow-scripts"
    assert frames.first.get_attribute("src").endswith("?view=1")
    deadline = time.monotonic() + 10
    while len(page.evaluate("window.__framed")) < 2:
        assert time.monotonic() < deadline, "the framed HTML's script never reported"
        time.sleep(0.1)
    for report in page.evaluate("window.__framed"):
        # Its script ran, in an opaque origin: no cookies, no app, no API.
        assert report == {"ran": True, "cookie": "blocked", "parent": "blocked", "api": "blocked"}
    cloud = panel(page, "cloud")
    views = cloud.locator(".media-3d")
    views.first.and_(page.locator("[data-state='drawn'], [data-state='error']")).wait_for()
    state = views.first.get_attribute("data-state")
    note = views.first.inner_text()
    assert state == "drawn", f"the point cloud was not drawn: {note}"
    assert "200 points" in note
    save(page, tmp_path, "media-players", page)
    shot = Image.open(io.BytesIO(views.first.locator("canvas").screenshot())).convert("RGB")
    assert len(shot.getcolors(maxcolors=1 << 16) or []) > 2  # points on the dark background
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.screenshot(path=str(tmp_path / "media-workspace.png"), full_page=True)
    (SCREENSHOTS / "media-workspace.png").write_bytes(
        (tmp_path / "media-workspace.png").read_bytes()
    )


def test_run_page_media_tab(mpage, tmp_path):
    page = mpage
    page.goto("/team/media/runs/m2/media")
    seg = drawn(page, "seg")
    assert seg.locator(".media-run").count() == 1
    wait_steps(seg, {"m2": 15})
    assert page.locator(".media-panel[data-key='curve_table']").count() == 0  # no table panel yet
    save(page, tmp_path, "media-run-tab", page)


def test_a_step_whose_image_was_never_written_says_so(browser, killed_server: Server, tmp_path):
    """The run was SIGKILLed while its images were being written (make_killed.py)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1200}, base_url=killed_server.url)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(15_000)
    try:
        pg.goto("/team/killed/runs/cut1/media")
        p = drawn(pg, "img")
        tile = p.locator(".media-run[data-run='cut1'] .media-missing")
        tile.wait_for()  # the last step: never written
        assert tile.inner_text() == "file missing: the run stopped before it was written"
        assert p.locator(".media-run .media-image").count() == 0
        save(pg, tmp_path, "media-missing", p)
        p.locator("input[type='range']").fill("0")  # the first image was written
        wait_steps(p, {"cut1": 0})
        run_image(p, "cut1").wait_for()
        assert p.locator(".media-missing").count() == 0
    finally:
        ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def ink(locator) -> int:
    """How many colours a drawn element shows (a blank one shows one or two)."""
    shot = Image.open(io.BytesIO(locator.screenshot())).convert("RGB")
    return len(shot.getcolors(maxcolors=1 << 16) or [])


def test_plotly_figures_are_drawn(mpage, tmp_path):
    pytest.importorskip("plotly")
    page = mpage
    page.goto("/team/plots/runs/pl1/media")
    figs = {}
    for key in ("lines", "bars", "heat", "pie", "mpl"):
        figs[key] = drawn(page, key).locator(".plotly")
        figs[key].and_(page.locator("[data-state='drawn'], [data-state='not-drawn']")).wait_for()
    lines = figs["lines"]
    assert lines.get_attribute("data-state") == "drawn"
    assert lines.locator(".plotly-title").inner_text() == "Growth curves"
    assert lines.locator(".plotly-legend").inner_text().split() == ["sqrt", "log1p"]
    assert ink(lines.locator("canvas").first) > 20  # two coloured traces, axes, labels
    bars = figs["bars"]
    assert bars.locator(".plotly-title").inner_text() == "Bars and a histogram"
    assert bars.locator("canvas[data-part='bars']").count() == 2  # the bars, the binned histogram
    assert all(ink(c) > 5 for c in bars.locator("canvas[data-part='bars']").all())
    assert ink(figs["heat"].locator("canvas[data-part='heatmap']")) > 20
    pie = figs["pie"]
    assert pie.get_attribute("data-state") == "not-drawn"
    assert (
        pie.locator(".plotly-skipped").inner_text()
        == "this Plotly trace type is not drawn here: pie"
    )
    assert pie.locator("a.media-link").get_attribute("href").endswith(".plotly.json?download=1")
    assert figs["mpl"].locator(".plotly-title").inner_text() == "From matplotlib"
    save(page, tmp_path, "media-plotly", lines)
    page.set_viewport_size({"width": 1400, "height": 2400})
    save(page, tmp_path, "media-plotly-page", page)
