"""Reports written whole or not at all, never over the files the check reads.

A report goes to a temporary file beside its target, which is renamed over the target once every
report of the run is written: a run that fails (a full disk, a bug, an interrupt) leaves no half
report, and an existing report is untouched. A target that is not a regular file (`/dev/null`, a
pipe, `/dev/stdout`) is written directly: it cannot be renamed over, and holds nothing to keep.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Optional

from check_compliance.obligations.errors import OutputError, Problem


def refuse_overwrites(outputs: Sequence[Path], inputs: Iterable[Path]) -> None:
    """Refuse, before anything is written, an output that is an input, another output, or a directory."""
    problems: list[Problem] = []
    inputs = [path for path in inputs if path is not None]
    for position, output in enumerate(outputs):
        if output.is_dir():
            problems.append(Problem("", "is a directory: name a file to write the report to", file=str(output)))
            continue
        read = next((path for path in inputs if _same(output, path)), None)
        if read is not None:
            problems.append(Problem("", f"is an input of this check ({read}): refusing to overwrite it; name another file", file=str(output)))
        earlier = next((path for path in outputs[:position] if _same(output, path)), None)
        if earlier is not None:
            problems.append(Problem("", f"is named twice as an output (also as {earlier}): each report needs its own file", file=str(output)))
    if problems:
        raise OutputError("outputs", problems)


def write_all(texts: Sequence[tuple[Path, str]]) -> None:
    """Write every `(path, text)` as UTF-8, all renamed into place only once all are written."""
    staged: list[tuple[Optional[str], Path]] = []
    try:
        for path, text in texts:
            staged.append((_stage(path, text.encode("utf-8")), path))
        for temporary, path in staged:
            if temporary is not None:
                _move(temporary, path)
    finally:
        for temporary, _ in staged:
            if temporary is not None and os.path.lexists(temporary):
                os.unlink(temporary)


def _stage(path: Path, data: bytes) -> Optional[str]:
    """The temporary file holding `data` for `path`; None when `path` was written directly."""
    target = _target(path)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise _cannot(path, error) from error
    if mode is not None and not stat.S_ISREG(mode):
        _write_directly(path, target, data)
        return None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as error:
        raise _cannot(path, error) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            # mkstemp makes the file private; a report keeps the mode it had, or gets the usual one.
            os.chmod(temporary, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
    except OSError as error:
        os.unlink(temporary)
        raise _cannot(path, error) from error
    return temporary


def _write_directly(path: Path, target: Path, data: bytes) -> None:
    try:
        with open(target, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise _cannot(path, error) from error


def _move(temporary: str, path: Path) -> None:
    try:
        os.replace(temporary, _target(path))
    except OSError as error:
        raise _cannot(path, error) from error


def _target(path: Path) -> Path:
    # Through a symbolic link to the report it names, so the link stays a link.
    return path.resolve() if path.is_symlink() else path


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one does not exist (yet): compare where they would be
        return a.resolve() == b.resolve()


def _umask() -> int:
    # Read without changing it where Linux tells it; elsewhere set and restored at once.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _cannot(path: Path, error: OSError) -> OutputError:
    return OutputError(str(path), [Problem("", f"cannot write: {error.strerror or error}")])
