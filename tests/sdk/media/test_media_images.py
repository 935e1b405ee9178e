"""runbase.Image in every input form, lists of images, masks and boxes, as W&B writes them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.sdk.media.conftest import png_pixels

IMAGE_FIELDS = {"_type", "path", "sha256", "size", "width", "height", "format"}

SCRIPT = """
from PIL import Image as PILImage
rng = np.random.default_rng(0)
rgb = rng.integers(0, 256, (16, 24, 3), dtype=np.uint8)
np.save("rgb.npy", rgb)
run.log({"img": wandb.Image(rgb, caption="a cat"), "loss": 0.5})
run.log({"float01": wandb.Image(rgb / 255.0)})
run.log({"chw": wandb.Image(rgb.transpose(2, 0, 1))})
run.log({"grey": wandb.Image(rgb[:, :, 0])})
run.log({"pil": wandb.Image(PILImage.fromarray(rgb))})
PILImage.fromarray(rgb).save("on_disk.png")
run.log({"path": wandb.Image("on_disk.png")})
run.log({"jpg": wandb.Image(rgb, file_type="jpg")})
run.log({"many": [wandb.Image(rgb, caption="first"), wandb.Image(rgb[::-1], caption="second")]})
mask = np.zeros((16, 24), dtype=np.uint8); mask[4:8, :] = 1
boxes = {"predictions": {"box_data": [{"position": {"minX": 0.1, "maxX": 0.5, "minY": 0.2,
         "maxY": 0.6}, "class_id": 1, "box_caption": "cat", "scores": {"acc": 0.9}}],
         "class_labels": {0: "bg", 1: "cat"}}}
run.log({"seg": wandb.Image(rgb, masks={"gt": {"mask_data": mask,
         "class_labels": {0: "bg", 1: "cat"}}}, boxes=boxes)})
rgb[:] = 0  # changing the array after log() does not change what was logged
run.log({"img": wandb.Image(rgb[:, :, :3])})
"""


def test_image_pointer_has_wandb_fields_and_the_png_has_the_pixels(logged):
    first = next(r["img"] for r in logged.rows if "img" in r)
    assert set(first) == IMAGE_FIELDS | {"caption"}
    assert first["_type"] == "image-file" and first["format"] == "png"
    assert (first["width"], first["height"], first["caption"]) == (24, 16, "a cat")
    data = logged.check_file(first, "media/images", "img", ".png")
    rgb = np.load(logged.root.parent / "rgb.npy")
    assert np.array_equal(png_pixels(data), rgb)
    row0 = logged.rows[0]
    assert row0["loss"] == 0.5 and row0["_step"] == 0


def test_summary_keeps_the_latest_pointer(logged):
    pointers = [r["img"] for r in logged.rows if "img" in r]
    assert len(pointers) == 2 and pointers[0]["sha256"] != pointers[1]["sha256"]
    assert logged.run.summary["img"] == pointers[-1]
    assert not png_pixels(logged.file_bytes(pointers[-1]["path"])).any()  # the zeroed copy


@pytest.mark.parametrize("key", ["float01", "chw", "pil", "path"])
def test_other_inputs_give_the_same_pixels(logged, key):
    rgb = np.load(logged.root.parent / "rgb.npy")
    pointer = logged.value(key)
    assert (pointer["width"], pointer["height"]) == (24, 16)
    pixels = png_pixels(logged.check_file(pointer, "media/images", key, ".png"))
    if key == "float01":  # W&B's rule: floats in [0, 1] are times 255, then truncated
        assert np.array_equal(pixels, (rgb / 255.0 * 255).astype(np.uint8))
    else:
        assert np.array_equal(pixels, rgb)


def test_greyscale_and_jpeg(logged):
    grey = logged.value("grey")
    rgb = np.load(logged.root.parent / "rgb.npy")
    assert np.array_equal(
        png_pixels(logged.check_file(grey, "media/images", "grey", ".png")), rgb[:, :, 0]
    )
    jpg = logged.value("jpg")
    assert jpg["format"] == "jpg"
    assert logged.check_file(jpg, "media/images", "jpg", ".jpg")[:3] == b"\xff\xd8\xff"


def test_a_list_of_images_is_images_separated(logged):
    many = logged.value("many")
    assert many["_type"] == "images/separated"
    assert (many["count"], many["width"], many["height"], many["format"]) == (2, 24, 16, "png")
    assert many["captions"] == ["first", "second"]
    step = logged.step_of("many")
    rgb = np.load(logged.root.parent / "rgb.npy")
    for name, expected in zip(many["filenames"], [rgb, rgb[::-1]], strict=True):
        assert name.startswith(f"media/images/many_{step}_") and name.endswith(".png")
        assert np.array_equal(png_pixels(logged.file_bytes(name)), expected)


def test_masks_and_boxes_are_files_of_their_own(logged):
    seg = logged.value("seg")
    mask = seg["masks"]["gt"]
    assert set(mask) == {"_type", "path", "sha256", "size"} and mask["_type"] == "mask"
    mask_png = logged.check_file(mask, "media/images/mask", "seg", ".mask.png")
    expected = np.zeros((16, 24), dtype=np.uint8)
    expected[4:8, :] = 1
    assert np.array_equal(png_pixels(mask_png), expected)
    box = seg["boxes"]["predictions"]
    assert set(box) == {"_type", "path", "sha256", "size"} and box["_type"] == "boxes2D"
    content = json.loads(logged.check_file(box, "media/metadata/boxes2D", "seg", ".boxes2D.json"))
    assert content == {
        "box_data": [
            {
                "position": {"minX": 0.1, "maxX": 0.5, "minY": 0.2, "maxY": 0.6},
                "class_id": 1,
                "box_caption": "cat",
                "scores": {"acc": 0.9},
            }
        ],
        "class_labels": {"0": "bg", "1": "cat"},
    }
    labels = logged.run.config["_wandb"]
    assert labels["mask/class_labels"]["seg_wandb_delimeter_gt"]["value"] == {"0": "bg", "1": "cat"}
    assert "seg_wandb_delimeter_predictions" in labels["bounding_box/class_labels"]


def test_every_media_file_is_listed_with_the_run(logged):
    names = {f.name for f in logged.run.files()}
    pointed = set()
    for row in logged.rows:
        for value in row.values():
            if isinstance(value, dict) and "path" in value:
                pointed.add(value["path"])
            if isinstance(value, dict) and "filenames" in value:
                pointed.update(value["filenames"])
    assert pointed and pointed <= names
    assert not [p for p in logged.root.rglob("*.tmp")]


def test_image_attribute_is_the_pil_picture_as_in_wandb(tmp_path):
    import runbase

    arr = np.zeros((6, 4, 3), dtype=np.uint8)
    arr[0, 0] = (255, 0, 0)
    pic = runbase.Image(arr).image
    assert pic.size == (4, 6) and pic.getpixel((0, 0)) == (255, 0, 0)
    pic.save(tmp_path / "p.png")
    again = runbase.Image(str(tmp_path / "p.png")).image
    assert again.size == (4, 6) and again.getpixel((0, 0)) == (255, 0, 0)
