"""The API's response bodies, as the OpenAPI schema documents them.

Routes send their JSON through msgspec (``deps.fast_json``) and name one of these
as ``response_model``: the schema is complete (the web app's TypeScript types are
generated from it), and no pydantic pass re-shapes a body on its way out (an int
stays an int). ``tests/web/test_openapi_fuzz.py`` checks every answer against them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

# A JSON number as the store gives it (ints stay ints), or a gap.
Num = int | float
# Config, summary, metadata and history values: anything JSON holds.
Json = Any


class ProjectOut(BaseModel):
    entity: str
    project: str
    run_count: int
    created_at: Num | None
    last_activity: Num | None


class ProjectList(BaseModel):
    total: int
    projects: list[ProjectOut]


class ProjectColumns(BaseModel):
    """Flat keys seen in the project's runs."""

    config: list[str]
    summary: list[str]
    metrics: list[str]


class FieldValues(BaseModel):
    """Distinct values of one field in a project's runs, most common first."""

    field: str
    values: list[Any]
    truncated: bool


class RunOut(BaseModel):
    """A run as the runs table shows it: flat config/summary keys, metric extremes."""

    id: str
    entity: str
    project: str
    name: str | None
    state: str
    notes: str | None
    tags: list[str]
    group: str | None
    job_type: str | None
    user: str | None
    host: str | None
    # The id of the sweep whose agent started the run (filter with {"sweep": id}).
    sweep: str | None
    created_at: Num | None
    heartbeat_at: Num | None
    runtime: Num | None
    exit_code: int | None
    history_rows: int
    last_step: int | None
    config: dict[str, Json]
    summary: dict[str, Json]
    # A number, or "Infinity"/"-Infinity"/"NaN" (JSON has no such numbers).
    metric_min: dict[str, Num | str]
    metric_max: dict[str, Num | str]


class RunDetail(RunOut):
    """One run: also its metadata and METRIC definitions."""

    metadata: dict[str, Json]
    metric_definitions: list[dict[str, Json]]


class RunsPage(BaseModel):
    total: int
    limit: int
    offset: int
    runs: list[RunOut]


class Group(BaseModel):
    """Runs sharing one value of ``by``; ``offset`` is where the first sits in /runs."""

    value: Json
    count: int
    offset: int


class GroupList(BaseModel):
    by: str
    order: str
    total: int
    truncated: bool
    groups: list[Group]


class Deleted(BaseModel):
    deleted: int


class SeriesLine(BaseModel):
    """One chart line: per bucket the x and last y, and the bucket's min/max of y."""

    run_id: str
    x: list[Num]  # only finite x is kept
    y: list[Num | None]
    min: list[Num | None]
    max: list[Num | None]
    count: int
    bucketed: bool


class ProjectSeries(BaseModel):
    key: str
    x_key: str
    series: list[SeriesLine]


class ProjectSeriesBatch(BaseModel):
    x_key: str
    results: list[ProjectSeries]


class RunSeries(SeriesLine):
    key: str
    x_key: str


class MetricKeys(BaseModel):
    metrics: list[str]


class HistoryRows(BaseModel):
    rows: list[dict[str, Json]]


class SystemLine(BaseModel):
    t: list[Num]
    v: list[Num | None]


class SystemSeries(BaseModel):
    keys: list[str]
    series: dict[str, SystemLine]


class RunSystemSeries(SystemSeries):
    """One run's samples with its start (``created_at``), the x axis' zero."""

    run_id: str
    start: Num | None


class SystemBatch(BaseModel):
    runs: list[RunSystemSeries]


class LogLine(BaseModel):
    t: Num | None
    stream: str
    line: str


class LogLines(BaseModel):
    total: int
    lines: list[LogLine]


class FileOut(BaseModel):
    path: str
    size: int
    policy: str | None
    time: Num | None


class FileList(BaseModel):
    files: list[FileOut]


class StatusOut(BaseModel):
    """Where the store is, and whether it indexes new records (and why not)."""

    store: str
    root: str
    read_only: bool
    read_only_reason: str | None


class TableColumn(BaseModel):
    """A column and what its cells hold: number, string, bool, image, media, other,
    empty, or mixed."""

    name: str
    kind: str


class TablePage(BaseModel):
    """A page of a logged table, sorted and filtered on the server.

    ``rows[i]`` is row ``index[i]`` of the table as logged. Media cells are W&B's
    pointer dicts (``_type``, ``path``, ``width``, ``height``, ...) plus the
    ``url`` of their file.
    """

    key: str
    step: int
    steps: list[int]
    path: str
    columns: list[TableColumn]
    nrows: int
    total: int
    offset: int
    limit: int
    sort: str | None
    desc: bool
    index: list[int]
    rows: list[list[Json]]


class HistogramSeries(BaseModel):
    """A logged histogram over steps: per step its bin edges and counts."""

    key: str
    count: int  # steps that logged a histogram under the key
    sampled: bool  # True when only some of them (evenly spaced) came back
    steps: list[int]
    bins: list[list[Num]]  # per step, len(counts[i]) + 1 edges
    counts: list[list[Num]]


class ChartData(BaseModel):
    """A ``wandb.plot.*`` chart: its panel config (``config._wandb.visualize[key]``)
    and its table's rows."""

    key: str
    panel_type: str
    panel_def_id: str
    field_settings: dict[str, Json]
    string_settings: dict[str, Json]
    table_key: str
    step: int
    columns: list[str]
    data: list[list[Json]]
    nrows: int
    truncated: bool


class MediaKey(BaseModel):
    """A media key of the runs asked about; ``runs``: how many of them logged it."""

    key: str
    # image, audio, video, html, object3D, plotly, molecule, table, histogram, or
    # chart (a wandb.plot chart: config["_wandb"]["visualize"][key], over "<key>_table").
    kind: str
    runs: int
    # The ids of those runs, in the order asked for.
    run_ids: list[str] = []


class MediaKeys(BaseModel):
    keys: list[MediaKey]
    # The runs asked about (those of ``first``, or ``runs`` less repeats).
    run_ids: list[str] = []


class MediaRunSteps(BaseModel):
    run_id: str
    steps: list[int]


class MediaSteps(BaseModel):
    """The steps at which each run logged the key, ascending (empty when ``merged``
    was asked), and every step any of them logged, once each."""

    key: str
    runs: list[MediaRunSteps]
    steps: list[int] = []


class MediaMask(BaseModel):
    """A segmentation mask: a PNG whose pixel values are class ids."""

    name: str
    path: str
    url: str
    # The bytes as a data: URL when the file is small (see MediaFile.inline).
    inline: str | None = None
    # class id (as a string) -> label; empty when the run recorded none.
    class_labels: dict[str, str]


class MediaBoxes(BaseModel):
    """A set of boxes, read from its boxes2D file (``box_data`` as W&B writes it:
    ``position`` {minX, maxX, minY, maxY} or {middle, width, height}, ``domain``
    "pixel" or fractions, ``class_id``, ``box_caption``, ``scores``)."""

    name: str
    path: str
    url: str
    box_data: list[dict[str, Json]]
    class_labels: dict[str, str]


class MediaFile(BaseModel):
    """One file to show (an image of a list of images is one each)."""

    path: str
    # The file's bytes, served by the files route.
    url: str
    # A small image's bytes as a data: URL (PNG, JPEG, GIF, WebP up to 16 kB):
    # a step of many small images is then one request.
    inline: str | None = None
    # HTML only: the URL that shows it inline in a sandboxed, opaque-origin document.
    view_url: str | None = None
    caption: str | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    size: int | None = None
    masks: list[MediaMask] = []
    boxes: list[MediaBoxes] = []


class MediaItem(BaseModel):
    """One run's value of the key at ``step``, the step actually shown for it (the
    nearest logged step at or before the one asked for, else the first after)."""

    run_id: str
    step: int
    kind: str
    value: dict[str, Json]
    files: list[MediaFile]
    # The run was killed after recording this step but before writing its files
    # (the value is {"_type": ..., "missing": true}): ``files`` is empty.
    missing: bool = False


class MediaFirstKey(BaseModel):
    """A key as a media panel first shows it: its slider's stops (every step any of
    the runs logged it) and its items at the last of them."""

    key: str
    steps: list[int]
    items: list[MediaItem]


class MediaFirst(BaseModel):
    keys: list[MediaFirstKey]


class MediaAtStep(BaseModel):
    key: str
    step: int
    items: list[MediaItem]


class RunLink(BaseModel):
    """A run an artifact names; ``name`` and ``state`` are None when the store lacks it."""

    entity: str
    project: str
    run_id: str
    name: str | None
    state: str | None


class ArtifactVersionOut(BaseModel):
    entity: str
    project: str
    name: str
    type: str
    version: int
    aliases: list[str]
    digest: str
    size: int
    file_count: int
    created_at: Num | None
    description: str | None
    metadata: dict[str, Json]
    ttl_seconds: Num | None
    logged_by: RunLink | None
    used_by_count: int


class ArtifactVersionDetail(ArtifactVersionOut):
    used_by: list[RunLink]


class ArtifactCollectionOut(BaseModel):
    entity: str
    project: str
    name: str
    type: str
    description: str | None
    created_at: Num | None
    version_count: int
    size: int
    aliases: dict[str, int]
    latest: int | None


class ArtifactTypeGroup(BaseModel):
    type: str
    collections: list[ArtifactCollectionOut]


class ArtifactTypes(BaseModel):
    """A project's artifact collections, grouped by type."""

    types: list[ArtifactTypeGroup]


class ArtifactVersionList(BaseModel):
    collection: ArtifactCollectionOut
    total: int
    versions: list[ArtifactVersionOut]


class ArtifactEntry(BaseModel):
    """One row of a version's file tree: a file, or a folder with what it holds."""

    path: str
    name: str
    kind: str
    size: int
    count: int
    digest: str | None
    ref: str | None


class ArtifactFiles(BaseModel):
    dir: str
    total: int
    entries: list[ArtifactEntry]


class RunArtifacts(BaseModel):
    """The versions a run logged (outputs) and used (inputs)."""

    logged: list[ArtifactVersionOut]
    used: list[ArtifactVersionOut]


class LineageNode(BaseModel):
    id: str
    kind: str
    label: str
    entity: str
    project: str
    run_id: str | None
    state: str | None
    name: str | None
    version: int | None
    type: str | None


class LineageEdge(BaseModel):
    source: str
    target: str


class Lineage(BaseModel):
    """Runs and artifact versions around ``root``: run → version (logged), version →
    run (used). ``truncated`` when the node limit cut the walk short."""

    root: str
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool


class ParamImportance(BaseModel):
    """One parameter's importance (share of a random forest's, summing to 1 over
    the parameters; null without scikit-learn) and Pearson correlation with the
    metric (null for categorical or constant parameters)."""

    name: str
    kind: str
    runs: int
    importance: float | None
    correlation: float | None


class Importance(BaseModel):
    metric: str
    runs: int
    truncated: bool
    message: str | None
    params: list[ParamImportance]
