"""runbase.Table: building it, its log modes, media in cells, the row limit."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import runbase
from tests.sdk.media.conftest import png_pixels, run_logged

SCRIPT = """
rgb = np.full((4, 6, 3), 200, dtype=np.uint8)
t = wandb.Table(columns=["a", "b", "img"], data=[[1, "x", wandb.Image(rgb)], [2.5, "y", None]])
run.log({"tbl": t})
run.log({"tbl": t})  # unchanged: the same pointer, no new file
import pandas as pd
run.log({"df": wandb.Table(dataframe=pd.DataFrame({"p": [1, 2], "q": ["u", "v"]})),
         "plain_df": pd.DataFrame({"z": [0.5]})})
m = wandb.Table(columns=["n"], log_mode="MUTABLE")
m.add_data(1)
run.log({"mut": m})
m.add_data(2)
run.log({"mut": m})
inc = wandb.Table(columns=["i"], log_mode="INCREMENTAL")
for i in range(2):
    inc.add_data(i)
run.log({"inc": inc})
inc.add_data(2)
run.log({"inc": inc})
big = wandb.Table(columns=["k"], data=[[i] for i in range(wandb.Table.MAX_ROWS + 50)])
run.log({"big": big})
"""


def test_table_pointer_and_the_full_table_json(logged):
    ptr = logged.value("tbl")
    assert set(ptr) == {"_type", "path", "sha256", "size", "ncols", "nrows", "log_mode"}
    assert (ptr["_type"], ptr["ncols"], ptr["nrows"], ptr["log_mode"]) == (
        "table-file",
        3,
        2,
        "IMMUTABLE",
    )
    body = json.loads(logged.check_file(ptr, "media/table", "tbl", ".table.json"))
    assert body["_type"] == "table" and body["columns"] == ["a", "b", "img"]
    assert (body["ncols"], body["nrows"], body["log_mode"]) == (3, 2, "IMMUTABLE")
    assert body["data"][1] == [2.5, "y", None]
    assert body["data"][0][:2] == [1, "x"]
    types = body["column_types"]["params"]["type_map"]
    assert types["a"]["params"]["allowed_types"] == [{"wb_type": "none"}, {"wb_type": "number"}]
    assert {"wb_type": "image-file"} in types["img"]["params"]["allowed_types"]
    cell = body["data"][0][2]
    assert cell["_type"] == "image-file" and (cell["width"], cell["height"]) == (6, 4)
    assert cell["path"] == f"media/images/{cell['sha256'][:20]}.png"
    assert (png_pixels(logged.file_bytes(cell["path"])) == 200).all()


def test_an_unchanged_table_logged_again_repeats_its_pointer(logged):
    pointers = [r["tbl"] for r in logged.rows if "tbl" in r]
    assert len(pointers) == 2 and pointers[0] == pointers[1]


def test_dataframes(logged):
    body = json.loads(logged.file_bytes(logged.value("df")["path"]))
    assert body["columns"] == ["p", "q"] and body["data"] == [[1, "u"], [2, "v"]]
    assert logged.value("plain_df")["_type"] == "table-file"  # a DataFrame logged as a value


def test_mutable_and_incremental_tables(logged):
    mut = [r["mut"] for r in logged.rows if "mut" in r]
    assert [p["nrows"] for p in mut] == [1, 2] and mut[0]["path"] != mut[1]["path"]
    inc = [r["inc"] for r in logged.rows if "inc" in r]
    assert [p["_type"] for p in inc] == ["incremental-table-file"] * 2
    assert [p["increment_num"] for p in inc] == [0, 1]
    assert inc[0]["previous_increments_paths"] == []
    assert inc[1]["previous_increments_paths"] == [inc[0]["path"]]
    second = json.loads(logged.file_bytes(inc[1]["path"]))
    assert second["data"] == [[2]] and second["log_mode"] == "INCREMENTAL"


def test_the_run_copy_keeps_max_rows_and_warns(logged):
    ptr = logged.value("big")
    assert ptr["nrows"] == runbase.Table.MAX_ROWS + 50
    body = json.loads(logged.file_bytes(ptr["path"]))
    assert len(body["data"]) == runbase.Table.MAX_ROWS == body["nrows"]
    assert logged.proc.stderr.count("Table.MAX_ROWS") == 1


def test_building_and_reading_a_table():
    t = runbase.Table(columns=["a"], data=[[1], [2]])
    t.add_data(3)
    t.add_column("b", ["x", "y", "z"])
    assert t.get_column("a") == [1, 2, 3]
    assert list(t.get_column("a", convert_to="numpy")) == [1, 2, 3]
    df = t.get_dataframe()
    assert isinstance(df, pd.DataFrame) and df["b"].tolist() == ["x", "y", "z"]
    from_array = runbase.Table(columns=["u", "v"], data=np.arange(4).reshape(2, 2))
    assert from_array.get_column("v") == [1, 3]


def test_bad_tables_say_what_to_do():
    with pytest.raises(ValueError, match=r"row 1 has 1 values but the table has 2 columns"):
        runbase.Table(columns=["a", "b"], data=[[1, 2], [3]])
    with pytest.raises(TypeError, match=r"column 'a' holds number values.*allow_mixed_types"):
        runbase.Table(columns=["a"], data=[[1], ["x"]])
    assert runbase.Table(columns=["a"], data=[[1], ["x"]], allow_mixed_types=True)
    with pytest.raises(ValueError, match="log_mode"):
        runbase.Table(log_mode="SOMETIMES")


def test_a_table_changed_after_an_immutable_log_warns(runbase_dir):
    run = runbase.init(project="t", settings={"silent": True, "console": "off"})
    t = runbase.Table(columns=["a"], data=[[1]])
    run.log({"t": t})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.add_data(2)
    assert any("IMMUTABLE" in str(w.message) for w in caught)
    run.finish()


def test_a_non_serialisable_cell_names_key_row_and_column(tmp_path):
    logged = run_logged(
        tmp_path,
        """
        t = wandb.Table(columns=["a", "obj"], data=[[1, None], [2, object()]],
                        allow_mixed_types=True)
        run.log({"first": 1})
        try:
            run.log({"loss": 0.1, "t": t})
        except TypeError as e:
            print("ERROR:", e)
        run.log({"last": 2})
        """,
    )
    assert "Table 't' row 1, column 'obj' is a builtins.object" in logged.proc.stdout
    assert [sorted(k for k in r if not k.startswith("_")) for r in logged.rows] == [
        ["first"],
        ["last"],
    ]
    assert [r["_step"] for r in logged.rows] == [0, 1]
    assert not [f for f in logged.run.files() if f.name.startswith("media/")]
