"""Files and their names: output written whole or not at all (a temporary file in the same folder, then one rename),
and any name, whatever bytes it holds, shown as readable text."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from perfeval_xl.core.errors import PerfevalError, os_reason


class FileWriteError(PerfevalError, OSError):
    """A file cannot be written. The message names the file; errno and filename are the system's, as on OSError."""

    def __str__(self) -> str:  # OSError would show "[Errno 28] None: '…'" once errno is set
        return str(self.args[0]) if self.args else ""


def write_failed(path: Path, error: OSError) -> FileWriteError:
    """The Chinese error for a refused write of `path`, keeping the system's errno for callers that look at it."""
    failed = FileWriteError(f"无法写入“{path}”：{os_reason(error)}")
    failed.errno, failed.filename = error.errno, str(path)
    return failed


def stage(data: bytes, path: Path) -> Path:
    """`data` in a new temporary file beside `path`, ready to be renamed over it; on any failure nothing is left.

    The temporary file sits in the target's folder so that the rename is atomic; it gets the permissions an
    ordinary new file gets (mkstemp makes it private) and is flushed to disk before the rename, so a crash
    leaves the old file or the new one, never a mix.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileWriteError(f"文件夹“{folder}”不存在，无法写入“{path.name}”")
    try:
        handle, name = tempfile.mkstemp(prefix=".perfeval-", suffix=path.suffix, dir=folder)
    except OSError as error:
        raise FileWriteError(f"无法在“{folder}”中写入“{path.name}”：{os_reason(error)}") from None
    temporary = Path(name)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            os.fsync(handle)
        finally:
            os.close(handle)
        os.chmod(temporary, 0o666 & ~_umask())
    except BaseException as error:  # Ctrl-C too: the partial file goes either way
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise write_failed(path, error) from None
        raise
    return temporary


def write_atomic(data: bytes, path: Path, overwrite: bool = False) -> Path:
    """Write bytes to `path` through a temporary file in the same folder, so there is never a partial file."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileWriteError(f"“{path}”已存在；若要覆盖请加 --force")
    temporary = stage(data, path)
    try:
        os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise write_failed(path, error) from None
        raise
    return path


def _umask() -> int:
    """The process's umask (the only way to read it is to set it, so it is set straight back)."""
    current = os.umask(0)
    os.umask(current)
    return current


def readable(text: str) -> str:
    """Text that may hold a file name's undecodable bytes (Python keeps them as lone surrogates) as text any file,
    document or console can hold: such bytes in GBK (a zip made on Chinese Windows, unpacked here) read as GBK,
    others replaced; control characters shown as "?"."""
    text = _ESCAPED_BYTES.sub(_decoded, text)
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate that was never a byte
    return re.sub(r"[\x00-\x1f\x7f]", "?", text)


# a run of escaped bytes, with the ASCII among them (GBK's second byte may be one, and GBK reads ASCII as ASCII)
_ESCAPED_BYTES = re.compile("[\udc80-\udcff][\udc80-\udcff\x20-\x7e]*")


def _decoded(run: re.Match[str]) -> str:
    raw = run.group().encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as readable text: each part whose bytes are not UTF-8 read as GBK whole (a GBK character's bytes may
    look like a UTF-8 one, so a name is decoded in one piece), else as readable() shows it."""
    return readable("/".join(map(_name_shown, os.fspath(path).split("/"))))


def _name_shown(name: str) -> str:
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return name
