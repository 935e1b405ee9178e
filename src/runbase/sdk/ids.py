"""Run ids and generated display names."""

from __future__ import annotations

import fcntl
import os
import secrets
import string
from pathlib import Path

_ID_ALPHABET = string.ascii_lowercase + string.digits

_ADJECTIVES = (
    "amber azure bold brave breezy bright calm clever cosmic crisp curious dapper daring dawn "
    "deep eager earnest easy fancy fearless fine fluent fresh gentle giddy glad glowing golden "
    "grand happy hardy hazy honest icy jolly keen kind lively lucid lucky mellow misty noble "
    "olive patient peppy plucky polar proud quiet rapid rare royal rosy rustic sage scarlet "
    "serene sharp shiny silent silver smooth snowy solar sparkling spry steady stellar stoic "
    "sunny swift tidy tranquil twilight vivid warm wild wise witty young zany zesty"
).split()
_NOUNS = (
    "aurora badger bamboo beacon breeze brook canyon cedar cloud comet coral cosmos crater "
    "dawn delta dew dune eagle ember fern field firefly fjord flower forest fox galaxy "
    "glacier grove harbor haze heron hill horizon island jade lake lantern leaf lion lotus "
    "meadow meteor mist moon mountain nebula oasis ocean orbit otter owl pebble pine planet "
    "plateau pond prairie quasar rain raven reef river rock sea shadow shore sky snow spark "
    "spring star stone storm stream sun sunset thunder tide tree valley vortex wave willow "
    "wind wood"
).split()


def generate_id(length: int = 8) -> str:
    """A run id: ``length`` characters of a-z0-9 from a secure random source."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def next_run_number(project_dir: Path) -> int:
    """Count this run in its project and return the count (1 for the first run).

    A small counter file under a lock: listing a folder of 100k runs on every
    init() would cost more than init's whole budget.
    """
    project_dir.mkdir(parents=True, exist_ok=True)
    path = project_dir / ".run-counter"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        raw = os.read(fd, 32).strip()
        if raw.isdigit():
            count = int(raw)
        else:
            count = sum(1 for p in project_dir.iterdir() if p.is_dir())
        count += 1
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, str(count).encode())
        return count
    finally:
        os.close(fd)


def generate_name(number: int) -> str:
    """A display name such as ``swift-otter-12``; names need not be unique."""
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-{number}"
