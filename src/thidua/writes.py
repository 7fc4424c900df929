"""Writing files without ever losing what people wrote.

- A write goes to a temporary file in the same folder, is flushed and synced to disk, then renamed
  over the target in one step: an interrupted write leaves the old file whole.
- Commands that change records hold a lock on the data folder from the moment they read until they
  have written, so two people signing at the same moment both get their signature. The lock file
  lives in the system's temporary folder, named after the data folder's path, so that the data
  folder (a git repository) never gains a stray file.
- A file that changed on disk after it was read (an editor saving it) is not overwritten.
- `--dry-run` shows the change as a diff and writes nothing.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LOCK_TIMEOUT = 30.0


class WriteRefused(Exception):
    """A write that must not happen; the message says why, in plain words."""


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) atomically, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def lock_path(root: Path) -> Path:
    """The lock file of a data folder: in the temporary folder, one per folder path."""
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"thidua-{digest}.lock"


@contextmanager
def locked(root: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the data folder's write lock; refuse if another command holds it for `timeout` s."""
    from filelock import FileLock, Timeout

    if not root.is_dir():  # nothing to lock; reading the records will say the folder is missing
        yield
        return
    lock = FileLock(str(lock_path(root)))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise WriteRefused(
            f"another thidua command has been writing in {root} for {timeout:.0f} s;"
            " try again when it is done"
        ) from None
    try:
        yield
    finally:
        lock.release()


@dataclass(slots=True)
class Change:
    """A new text for one file, and the bytes the file had when it was read (None: a new file)."""

    path: Path
    before: bytes | None
    after: str

    @classmethod
    def of(cls, path: Path, after: str) -> Change:
        return cls(path, path.read_bytes() if path.exists() else None, after)

    def diff(self, root: Path) -> str:
        name = (
            self.path.relative_to(root).as_posix()
            if self.path.is_relative_to(root)
            else str(self.path)
        )
        old = (self.before or b"").decode("utf-8-sig").splitlines(keepends=True)
        new = self.after.splitlines(keepends=True)
        label = "/dev/null" if self.before is None else f"a/{name}"
        return "".join(difflib.unified_diff(old, new, label, f"b/{name}"))


def apply(changes: list[Change], root: Path, *, dry_run: bool = False) -> str:
    """Write every change (or, with `dry_run`, only return their diff). Call under `locked`."""
    diff = "".join(change.diff(root) for change in changes)
    if dry_run:
        return diff
    for change in changes:
        now = change.path.read_bytes() if change.path.exists() else None
        if now != change.before:
            raise WriteRefused(
                f"{change.path} changed on disk while thidua was working; nothing was written."
                " Run the command again"
            )
    for change in changes:
        write_atomic(change.path, change.after)
    return diff
