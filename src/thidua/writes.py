"""Writing files without ever losing what people wrote.

- A write goes to a temporary file in the same folder, is flushed and synced to disk, then renamed
  over the target in one step: an interrupted write leaves the old file whole.
- Commands that change records hold a lock on the data folder from the moment they read until they
  have written, so two people signing at the same moment both get their signature. The lock file
  lives in the system's temporary folder, named after the data folder's path, so that the data
  folder (a git repository) never gains a stray file.
- A file that changed on disk after it was read (an editor saving it) is not overwritten.
- `--dry-run` shows the change as a diff and writes nothing.
- A record is written only inside the data folder, never through a link that leads out of it; a
  report or document (`--output`) is never written over a record, into the data folder as a kind of
  file thidua reads, or through a symbolic link (name the link's target to write there).
- A write that the machine refuses (permissions, a read-only or full disk, a name too long) is a
  plain message that names the file; the old file stays whole and no temporary file is left behind.
  Temporary files are named `.thidua-*.tmp`; one left by a crash (power cut, killed process) is
  removed by the next command that takes the data folder's lock, once it is ten minutes old (a
  write under way is never that old).
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from thidua.findings import Refused
from thidua.i18n import N_, _

LOCK_TIMEOUT = 30.0


class WriteRefused(Refused):
    """A write that must not happen; the message says why, in plain words."""


CANNOT_WRITE = N_("cannot write {path}: {why}; nothing was written")


TEMPORARY_PREFIX = ".thidua-"
TEMPORARY_SUFFIX = ".tmp"

# The data folder's schemas (`thidua schema`), never replaced by an --output
SCHEMAS = "schemas"
# What thidua reads in a data folder (see thidua.repository), so never a place for --output.
RECORD_SUFFIXES = frozenset({".yaml", ".yml", ".csv"})
_YEAR = re.compile(r"\d{4}")
# A temporary file older than this is a crash's leftover: no write takes so long.
LEFTOVER_AGE = 600.0

_WHY = {
    errno.EACCES: N_("permission denied; check the folder's permissions"),
    errno.EPERM: N_("the operation is not permitted; check the folder's permissions"),
    errno.EROFS: N_("the disk is read-only"),
    errno.ENOSPC: N_("the disk is full; free some space and run the command again"),
    errno.EDQUOT: N_("the disk quota is used up; free some space and run the command again"),
    errno.EFBIG: N_("the file would be larger than this system allows"),
    errno.ENAMETOOLONG: N_("the name is too long; choose a shorter one"),
    errno.EISDIR: N_("it is a folder; give a file name"),
    errno.ENOTDIR: N_("a part of the path is a file, not a folder"),
    errno.EEXIST: N_("a file stands where a folder is needed"),
    errno.ENOENT: N_("a folder on the way does not exist"),
    errno.EXDEV: N_("the temporary file and the target are on different disks"),
}


def why(exc: OSError) -> str:
    """An OSError in the words a clerk can act on."""
    known = _WHY.get(exc.errno or 0)
    return _(known) if known else exc.strerror or str(exc)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Replace `path` with `content` (text is written as UTF-8; bytes as they are, such as a
    spreadsheet) atomically, creating its folder if needed. A failure is `WriteRefused`, naming
    the file; the old file stays whole and no temporary file remains."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f"{TEMPORARY_PREFIX}{path.name[:40]}.", suffix=TEMPORARY_SUFFIX
        )
        with os.fdopen(fd, "wb") as f:
            f.write(content.encode("utf-8") if isinstance(content, str) else content)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        Path(tmp).replace(path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise WriteRefused(_(CANNOT_WRITE).format(path=path, why=why(exc))) from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def remove_leftovers(root: Path) -> list[Path]:
    """Remove the temporary files that an interrupted write left in the data folder (call under
    the lock: no other write is under way); the paths removed."""
    removed = []
    now = time.time()
    for leftover in leftovers(root):
        try:
            if now - leftover.stat().st_mtime > LEFTOVER_AGE:
                leftover.unlink()
                removed.append(leftover)
        except OSError:
            continue  # gone meanwhile, or not ours to remove: check reports what stays
    return removed


def leftovers(root: Path) -> list[Path]:
    """The temporary files of writes in the data folder and its year folders."""
    found = []
    for folder in (root, *(p for p in root.iterdir() if p.is_dir() and not p.is_symlink())):
        for path in folder.glob(f"{TEMPORARY_PREFIX}*{TEMPORARY_SUFFIX}"):
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, with every link on the way followed, lies inside the folder `root`."""
    return path.resolve().is_relative_to(root.resolve())


def check_record_path(root: Path, path: Path) -> None:
    """Refuse to write a record anywhere but inside the data folder: a year folder or file that is
    a link leading out of it is refused."""
    if not inside(root, path):
        raise WriteRefused(
            _(
                "{path} leads out of the data folder {root} (through a symbolic link);"
                " thidua writes records only inside it"
            ).format(path=path, root=root)
        )


def check_output_path(root: Path | None, path: Path) -> None:
    """Refuse an --output that would land on a record, or that is not a plain file name.

    Inside the data folder only kinds of file that thidua does not read may be written
    (a report as .md, a document as .docx or .json, …): never .yaml, .yml or .csv, the README,
    or a file in the schemas' folder."""
    if not str(path).strip():
        raise WriteRefused(_("the --output name is empty; give a file name such as bao-cao.md"))
    try:
        _check_output_path(root, path)
    except OSError as exc:
        raise WriteRefused(_(CANNOT_WRITE).format(path=path, why=why(exc))) from None


def _check_output_path(root: Path | None, path: Path) -> None:
    if path.parent.exists() and not path.parent.is_dir():
        reason = _("a file stands where a folder is needed")
        raise WriteRefused(_(CANNOT_WRITE).format(path=path, why=reason))
    if not path.parent.is_dir():
        raise WriteRefused(
            _("the folder {folder} does not exist; create it first, or write elsewhere").format(
                folder=path.parent
            )
        )
    if path.name.startswith(TEMPORARY_PREFIX) and path.name.endswith(TEMPORARY_SUFFIX):
        raise WriteRefused(
            _("{path} is named like a temporary file of thidua; give another name").format(
                path=path
            )
        )
    if path.is_symlink():
        raise WriteRefused(
            _(
                "{path} is a symbolic link to {target}; to write there, give that file itself"
                " with --output"
            ).format(path=path, target=path.readlink())
        )
    if path.is_dir():
        raise WriteRefused(
            _("{path} is a folder; give a file name, such as {example}").format(
                path=path, example=path / "bao-cao.md"
            )
        )
    if path.exists() and not path.is_file():
        raise WriteRefused(_("{path} is not a regular file; give another name").format(path=path))
    if root is None or not root.is_dir() or not inside(root, path):
        return
    # Windows drops trailing dots and spaces from names: 'awards.csv.' is awards.csv there
    name = path.name.rstrip(". ").lower()
    suffix = Path(name).suffix
    if suffix in RECORD_SUFFIXES:
        raise WriteRefused(
            _(
                "{path} is inside the data folder {root}, where {suffix} files are records;"
                " write the output elsewhere, or give it another kind of name (.md)"
            ).format(path=path, root=root, suffix=suffix)
        )
    if name.startswith("readme"):
        raise WriteRefused(
            _("{path} is the data folder's own README; give another name").format(path=path)
        )
    if path.parent.resolve() == (root / SCHEMAS).resolve():
        raise WriteRefused(
            _(
                "{path} is in the folder of the records' schemas, which editors check the records"
                " against ('thidua schema' writes them); write the output elsewhere"
            ).format(path=path)
        )


def check_schema_folder(root: Path, folder: Path) -> None:
    """Refuse to write the schemas into a year folder, where thidua would take them for records."""
    if root.is_dir() and inside(root, folder) and _YEAR.fullmatch(folder.resolve().name):
        raise WriteRefused(
            _(
                "{folder} is a year folder of the records; write the schemas into {schemas}"
                " (the default) or outside the data folder"
            ).format(folder=folder, schemas=root / "schemas")
        )


def write_output(root: Path | None, path: Path, content: str | bytes) -> None:
    """Write a report, document or spreadsheet to `path` (--output), refusing any path that would
    overwrite a record or follow a link (see `check_output_path`)."""
    check_output_path(root, path)
    write_atomic(path, content)


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
            _(
                "another thidua command has been writing in {root} for {seconds} s;"
                " try again when it is done"
            ).format(root=root, seconds=f"{timeout:.0f}")
        ) from None
    except OSError as exc:
        raise WriteRefused(
            _("cannot take the lock {lock}: {why}").format(lock=lock_path(root), why=why(exc))
        ) from None
    try:
        remove_leftovers(root)
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
        check_record_path(root, change.path)
        now = change.path.read_bytes() if change.path.exists() else None
        if now != change.before:
            raise WriteRefused(
                _(
                    "{path} changed on disk while thidua was working; nothing was written."
                    " Run the command again"
                ).format(path=change.path)
            )
    for change in changes:
        write_atomic(change.path, change.after)
    return diff
