"""Tables of the store: an index of the record files, rebuildable from them.

History is not one SQL row per point: each (run, key) series is cut into chunks
of packed arrays (see ``chunks.py``) with per-chunk bounds, so a chart reads a
million points as a few hundred blobs and a zoom reads only the chunks it needs.
Config and summary values are kept twice: whole (msgpack blobs, exact
round-trip of NaN, ints, nesting) and flattened into ``run_values`` so filters
and sorts on ``config.*`` / ``summary.*`` run as indexed SQL.

Any change here needs a new migration in ``migrations/versions``; a test checks
that the migrated database matches this module.
"""

from __future__ import annotations

import sqlalchemy as sa

from runbase.records.shapes import ROW_KEYS as ROW_KEYS

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

projects = sa.Table(
    "projects",
    metadata,
    sa.Column("entity", sa.String(128), primary_key=True),
    sa.Column("project", sa.String(128), primary_key=True),
    sa.Column("run_count", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Double),
    sa.Column("last_activity", sa.Double),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.String(128), nullable=False),
    sa.Column("project", sa.String(128), nullable=False),
    sa.Column("run_id", sa.String(128), nullable=False),
    # False until a START record is indexed: a segment that has only its magic
    # bytes is not a run anyone should see yet.
    sa.Column("started", sa.Boolean, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("notes", sa.Text),
    sa.Column("run_group", sa.Text),
    sa.Column("job_type", sa.Text),
    sa.Column("user", sa.Text),
    sa.Column("host", sa.Text),
    sa.Column("tags", sa.LargeBinary),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("exit_code", sa.Integer),
    sa.Column("created_at", sa.Double),
    sa.Column("heartbeat_at", sa.Double),
    sa.Column("runtime", sa.Double),
    sa.Column("history_rows", sa.Integer, nullable=False),
    sa.Column("last_step", sa.BigInteger),
    sa.Column("config", sa.LargeBinary),
    sa.Column("summary", sa.LargeBinary),
    sa.Column("run_metadata", sa.LargeBinary),
    sa.Column("metrics", sa.LargeBinary),
    # The indexer's own bookkeeping (open history row, per-field edit times).
    sa.Column("ix", sa.LargeBinary),
    sa.Column("edits_offset", sa.BigInteger, nullable=False),
    # The sweep whose agent started the run (added by migration 0005, so last).
    sa.Column("sweep_id", sa.String(128)),
    sa.UniqueConstraint("entity", "project", "run_id", name="uq_runs_path"),
)
# A project's listed (started) runs, newest first: the runs table's first page and
# its count read this index alone, never the wide rows (migration 0011). Partial, so
# a query naming runs by run_id still picks uq_runs_path; ``started`` comes last only
# so that SQLite (before 3.41) reads it from the index, not from the row.
sa.Index(
    "ix_runs_listed",
    runs.c.entity,
    runs.c.project,
    runs.c.created_at,
    runs.c.rid,
    runs.c.started,
    sqlite_where=sa.text("started = 1"),
    postgresql_where=sa.text("started"),
)
# The same runs by name: a sort by name reads the names here, not in the wide rows
# (migration 0014).
sa.Index(
    "ix_runs_name",
    runs.c.entity,
    runs.c.project,
    runs.c.name,
    runs.c.rid,
    runs.c.started,
    sqlite_where=sa.text("started = 1"),
    postgresql_where=sa.text("started"),
)
sa.Index("ix_runs_state", runs.c.state)
sa.Index("ix_runs_sweep", runs.c.entity, runs.c.project, runs.c.sweep_id)

run_tags = sa.Table(
    "run_tags",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("tag", sa.String(256), primary_key=True),
)
sa.Index("ix_run_tags_tag", run_tags.c.tag)

# Flattened config ("c") and summary ("s") values: one row per leaf.
# vtype: n number, f NaN, b bool, s string, z null, j anything else (JSON in vstr).
# Keyed (section, key, rid), and on SQLite stored in that order (WITHOUT ROWID): a
# filter or sort on one key looks up run after run in neighbouring rows, one seek
# each, instead of an index seek and then a table seek (migration 0011).
run_values = sa.Table(
    "run_values",
    metadata,
    sa.Column("rid", sa.Integer, nullable=False),
    sa.Column("section", sa.String(1), nullable=False),
    sa.Column("key", sa.String(512), nullable=False),
    sa.Column("vtype", sa.String(1), nullable=False),
    sa.Column("vnum", sa.Double),
    sa.Column("vstr", sa.Text),
    sa.PrimaryKeyConstraint("section", "key", "rid", name="pk_run_values"),
    sqlite_with_rowid=False,
)
sa.Index("ix_run_values_num", run_values.c.section, run_values.c.key, run_values.c.vnum)
# A run's values, to replace or delete them.
sa.Index("ix_run_values_rid", run_values.c.rid)

# min/max/last/count of every history key of a run ("best value" columns).
run_keys = sa.Table(
    "run_keys",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
    sa.Column("numeric_count", sa.BigInteger, nullable=False),
    sa.Column("vmin", sa.Double),
    sa.Column("vmax", sa.Double),
    sa.Column("first", sa.LargeBinary),
    sa.Column("last", sa.LargeBinary),
    sa.Column("last_num", sa.Double),
    sa.Column("last_row", sa.BigInteger, nullable=False),
    # Exact running sum (Shewchuk partials) for keys whose summary asks for a mean.
    sa.Column("sum_parts", sa.LargeBinary),
    sa.Column("chunks", sa.Integer, nullable=False),
)
sa.Index("ix_run_keys_key", run_keys.c.key)

# Per project, how many runs hold each config ("c") and summary ("s") leaf of
# ``run_values`` and each history key ("h") of ``run_keys``, and for history keys how
# many log numbers. The indexer keeps it as it writes and deletes those rows, so the
# columns a project offers come from a few hundred rows, never a scan of its runs.
project_keys = sa.Table(
    "project_keys",
    metadata,
    sa.Column("entity", sa.String(128), primary_key=True),
    sa.Column("project", sa.String(128), primary_key=True),
    sa.Column("section", sa.String(1), primary_key=True),
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("runs", sa.Integer, nullable=False),
    sa.Column("numeric", sa.Integer, nullable=False),
)

segments = sa.Table(
    "segments",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(128), primary_key=True),
    sa.Column("offset", sa.BigInteger, nullable=False),
    # True once read with final=True after its writer died: never read again.
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("host", sa.Text),
    sa.Column("pid", sa.Integer),
    sa.Column("pid_start", sa.BigInteger),
    sa.Column("start_time", sa.Double),
    sa.Column("last_time", sa.Double),
    sa.Column("exit_code", sa.Integer),
    # The EXIT's ``stopped``: why the run was asked to stop (it reads as killed).
    # Added by migration 0006, so last.
    sa.Column("stopped", sa.Text),
    # True for a segment shipped to the team server: its bytes are in ingest_chunks,
    # not in a file (migration 0008).
    sa.Column("ingested", sa.Boolean, nullable=False, server_default=sa.false()),
)
sa.Index("ix_segments_done", segments.c.done)

# Keys every history row carries (ROW_KEYS); each is a series of its own in hist_chunks.

hist_chunks = sa.Table(
    "hist_chunks",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("row_first", sa.BigInteger, nullable=False),
    sa.Column("row_last", sa.BigInteger, nullable=False),
    sa.Column("step_min", sa.BigInteger, nullable=False),
    sa.Column("step_max", sa.BigInteger, nullable=False),
    sa.Column("vmin", sa.Double),
    sa.Column("vmax", sa.Double),
    # "f8", "i8" (packed little-endian arrays) or "obj" (msgpack list).
    sa.Column("dtype", sa.String(4), nullable=False),
    # NULL when the chunk covers consecutive rows row_first..row_last.
    sa.Column("rows", sa.LargeBinary),
    sa.Column("steps", sa.LargeBinary, nullable=False),
    sa.Column("vals", sa.LargeBinary, nullable=False),
)
# A series' chunks by the rows they reach: a page of history (``history_page``)
# seeks the first chunk ending at or after its first row instead of walking the
# series from its start, and learns which chunks overlap it from the index alone.
sa.Index(
    "ix_hist_chunks_rows",
    hist_chunks.c.rid,
    hist_chunks.c.key,
    hist_chunks.c.row_last,
    hist_chunks.c.row_first,
    hist_chunks.c.seq,
)
# PostgreSQL: stored as they are, never compressed (migration 0003 says why).
for _column in ("rows", "steps", "vals"):
    sa.event.listen(
        hist_chunks,
        "after_create",
        sa.DDL(f"ALTER TABLE hist_chunks ALTER COLUMN {_column} SET STORAGE EXTERNAL").execute_if(
            dialect="postgresql"
        ),
    )

system_samples = sa.Table(
    "system_samples",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rid", sa.Integer, nullable=False),
    sa.Column("t", sa.Double, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
sa.Index("ix_system_samples_rid", system_samples.c.rid, system_samples.c.id)

console_lines = sa.Table(
    "console_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rid", sa.Integer, nullable=False),
    sa.Column("t", sa.Double, nullable=False),
    sa.Column("stream", sa.String(16), nullable=False),
    sa.Column("line", sa.Text, nullable=False),
)
sa.Index("ix_console_lines_rid", console_lines.c.rid, console_lines.c.id)

run_files = sa.Table(
    "run_files",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("path", sa.String(1024), primary_key=True),
    sa.Column("size", sa.BigInteger),
    sa.Column("policy", sa.String(16)),
    sa.Column("t", sa.Double),
)

# Media logged in history (``write_media.py``): one row per (run, key, history row)
# whose value is a media pointer (``_type`` of a media kind), the pointer kept whole,
# so "key K of runs R1..Rn at step S" is one indexed query without reading chunks.
media = sa.Table(
    "media",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("row", sa.BigInteger, primary_key=True),
    sa.Column("step", sa.BigInteger, nullable=False),
    # image, audio, video, html, object3D, plotly, molecule, table, histogram
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value", sa.LargeBinary, nullable=False),
)
sa.Index("ix_media_steps", media.c.rid, media.c.key, media.c.step)

# The media keys of each run and the kind last logged under each: what a
# workspace lists without scanning every media row.
media_keys = sa.Table(
    "media_keys",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
)

# Tables whose rows belong to one run (deleted with it, rebuilt by the indexer).
PER_RUN = (
    run_tags,
    run_values,
    run_keys,
    segments,
    hist_chunks,
    system_samples,
    console_lines,
    run_files,
    media,
    media_keys,
)


# The team server's accounts (``runbase server``). Unlike the tables above they are
# not an index of record files: nothing rebuilds them, so no code path drops them.
# Names of users and teams share one namespace (a project's entity is either).
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

teams = sa.Table(
    "teams",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.Float, nullable=False),
)

team_members = sa.Table(
    "team_members",
    metadata,
    sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
    # admin, member or viewer
    sa.Column("role", sa.String(16), nullable=False),
)

# Only a keyed hash of each key is kept; ``prefix`` (not secret) names it in lists.
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(128), nullable=False),
    # read or write
    sa.Column("scope", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_used_at", sa.Float, nullable=True),
    sa.Column("revoked_at", sa.Float, nullable=True),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

# Who signs in through OpenID Connect: the provider's (issuer, subject) pair names a
# user for good (an email can change hands; a subject never does at its issuer).
oidc_identities = sa.Table(
    "oidc_identities",
    metadata,
    sa.Column("issuer", sa.String(255), primary_key=True),
    sa.Column("subject", sa.String(255), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
)

# Failed logins by (user name, client address), so every process sees the same count.
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("ix_login_failures_who", "who", "at"),
)

# Projects are private to their entity unless a row here makes them public.
project_visibility = sa.Table(
    "project_visibility",
    metadata,
    sa.Column("entity", sa.String(128), primary_key=True),
    sa.Column("project", sa.String(128), primary_key=True),
    sa.Column("visibility", sa.String(16), nullable=False),
)

# Segments shipped to the team server (``POST /api/v1/ingest/...``): their bytes, kept
# as sent (contiguous pieces from byte 0), the run's author and its last post. Like the
# accounts, they are not an index of record files: nothing rebuilds them.
ingest_chunks = sa.Table(
    "ingest_chunks",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("segment", sa.String(128), primary_key=True),
    sa.Column("offset", sa.BigInteger, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# Record bytes barely compress (msgpack of floats): pglz would cost more than it saves,
# and uncompressed values let substring() read only the part asked for.
sa.event.listen(
    ingest_chunks,
    "after_create",
    sa.DDL("ALTER TABLE ingest_chunks ALTER COLUMN data SET STORAGE EXTERNAL").execute_if(
        dialect="postgresql"
    ),
)

# How far each shipped segment is stored (the next byte expected).
ingest_segments = sa.Table(
    "ingest_segments",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("segment", sa.String(128), primary_key=True),
    sa.Column("acked", sa.BigInteger, nullable=False),
)

# Who shipped a run (its author) and when its last bytes came (the crash timeout's clock).
ingest_runs = sa.Table(
    "ingest_runs",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("last_post_at", sa.Float, nullable=False),
    sa.Index("ix_ingest_runs_last_post", "last_post_at"),
)

# The team server's blob store (``server/team/blobs.py``): the blobs it checked hash to
# their names (uploaded through it, or through a presigned URL and then verified), and
# which blob holds each file of a shipped run (media files and files saved with
# run.save), so the files routes serve them from the bucket.
verified_blobs = sa.Table(
    "verified_blobs",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
)

run_blobs = sa.Table(
    "run_blobs",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    sa.Column("path", sa.String(1024), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
)

# Who uploaded each blob (``server/team/blobs.py``): a writer may map a blob into a run
# only if they uploaded it or a run they may read holds it already, so knowing a
# sha256 is not enough to take another team's file.
blob_uploaders = sa.Table(
    "blob_uploaders",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(64), primary_key=True),
)

# Documents people write about a project on the team server (``store/documents.py``:
# saved views, reports), which ``runbase ui`` keeps as files. Not an index either.
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("entity", sa.String(128), primary_key=True),
    sa.Column("project", sa.String(128), primary_key=True),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
)

# Stops asked for shipped runs (the web app's Stop button on the team server): the
# ingest answer carries the request to the run's shipper, which stops the run.
run_stops = sa.Table(
    "run_stops",
    metadata,
    sa.Column("rid", sa.Integer, primary_key=True),
    # The segment live when the stop was asked: a resumed run (a new segment) runs on.
    sa.Column("segment", sa.String(128), nullable=False),
    sa.Column("reason", sa.String(256), nullable=False),
    sa.Column("requested_at", sa.Float, nullable=False),
)
