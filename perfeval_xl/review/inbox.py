"""A bureau's inbox: every workbook under the folders given, and every entry that might hide one but cannot be read.

Whatever units sent lands here: names in GBK, folders copied twice, links (to folders, to nothing, to themselves),
pipes, folders nested past the system's path limit. The walk never follows a link to a folder (no loops, nothing
outside the inbox), never opens anything but regular files, and lists each odd entry with a reason rather than
skipping it in silence or stopping.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from perfeval_xl.core.errors import PerfevalError, os_reason
from perfeval_xl.review.provenance import is_our_summary
from perfeval_xl.utils.files import shown_path

SUFFIXES = (".xlsx", ".xlsm")
# Linux refuses a path of 4096 bytes or more (PATH_MAX); a workbook deeper than that cannot be opened by its name
PATH_LIMIT = os.pathconf("/", "PC_PATH_MAX") if hasattr(os, "pathconf") else 260


@dataclass(frozen=True)
class OddEntry:
    """An entry of the inbox that may hold a submission but cannot be reviewed: where, and why (one sentence)."""

    path: str
    reason: str


@dataclass
class Inbox:
    """The workbooks to review (sorted, each once) and the odd entries met on the way."""

    files: list[Path] = field(default_factory=list)
    odd: list[OddEntry] = field(default_factory=list)
    summaries: list[Path] = field(default_factory=list)  # earlier summaries of ours: skipped, and said so


def find_submissions(paths: Iterable[str | Path], skip: Iterable[str | Path] = ()) -> Inbox:
    """Every .xlsx/.xlsm under the folders (recursively) and every such file named, sorted, each once.

    Skipped without a word: Office's lock files (~$…), hidden files and folders, the files in `skip` (the summary
    being written) and summaries this program wrote earlier. Listed as odd: links to folders, links to nothing or
    to themselves, workbook names that are no regular file, folders that cannot be listed, paths too long to open.
    """
    skipped = {_key(Path(p)) for p in skip}
    inbox = Inbox()
    found: dict[str, Path] = {}
    for given in map(Path, paths):
        if not os.path.lexists(given):
            raise PerfevalError(f"找不到“{shown_path(given)}”")
        if given.is_dir():
            _walk(given, inbox, found, skipped)
        else:
            _consider(given, inbox, found, skipped)
    inbox.files = sorted(found.values(), key=lambda p: os.fsencode(p))
    unique = {os.path.normcase(os.path.abspath(entry.path)): entry for entry in inbox.odd}  # a folder given twice
    inbox.odd = sorted(unique.values(), key=lambda entry: entry.path)
    return inbox


def _walk(top: Path, inbox: Inbox, found: dict[str, Path], skipped: set[str]) -> None:
    """Depth first without recursion (a deep tree cannot exhaust the stack); folders are entered once each."""
    seen: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        folder = stack.pop()
        if _too_long(folder):
            inbox.odd.append(OddEntry(shown_path(folder), _TOO_LONG))
            continue
        try:
            identity = os.stat(folder)
            if (identity.st_dev, identity.st_ino) in seen:  # the same folder mounted twice
                continue
            seen.add((identity.st_dev, identity.st_ino))
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda entry: os.fsencode(entry.name))
        except OSError as error:
            inbox.odd.append(OddEntry(shown_path(folder), f"无法打开这个文件夹：{_reason(error)}"))
            continue
        folders, links = [], []
        for entry in listed:
            if entry.name.startswith((".", "~$")):
                continue
            path = Path(entry.path)
            try:  # where the file system gives no type, asking for it is a system call that can fail
                if entry.is_symlink():
                    links.append(path)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(path)
                else:
                    _consider(path, inbox, found, skipped)
            except OSError as error:
                inbox.odd.append(OddEntry(shown_path(path), f"无法读取：{_reason(error)}"))
        for path in links:  # after the files: a file reached both ways is listed by its own name
            _link(path, inbox, found, skipped)
        stack.extend(reversed(folders))  # the first folder is walked first


def _link(path: Path, inbox: Inbox, found: dict[str, Path], skipped: set[str]) -> None:
    """A link (a Windows shortcut copied as a link, or one made here): a link to a workbook is followed."""
    try:
        target = os.stat(path)
    except OSError as error:
        if _is_workbook_name(path.name):
            reason = "链接形成了循环" if error.errno == errno.ELOOP else "链接指向的文件不存在"
            inbox.odd.append(OddEntry(shown_path(path), f"{reason}，无法读取"))
        return
    if stat.S_ISDIR(target.st_mode):
        inbox.odd.append(
            OddEntry(
                shown_path(path),
                "是指向文件夹的链接，没有跟随（以免重复或绕圈）；若要复核其中的文件，请直接给出那个文件夹",
            )
        )
        return
    _consider(path, inbox, found, skipped)


def _consider(path: Path, inbox: Inbox, found: dict[str, Path], skipped: set[str]) -> None:
    """A file met in the walk or named: a workbook to review, an odd entry, or nothing of ours."""
    if not _is_workbook_name(path.name):
        return
    if _too_long(path):
        inbox.odd.append(OddEntry(shown_path(path), _TOO_LONG))
        return
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        inbox.odd.append(OddEntry(shown_path(path), f"无法读取：{_reason(error)}"))
        return
    if not stat.S_ISREG(mode):
        inbox.odd.append(OddEntry(shown_path(path), "名字像工作簿，却不是普通文件（是管道、设备或套接字），无法读取"))
        return
    key = _key(path)
    if key in skipped or key in found:
        return
    if is_our_summary(path):
        inbox.summaries.append(path)
        return
    found[key] = path


_TOO_LONG = f"路径超过了系统允许的长度（{PATH_LIMIT} 字节），其中的文件无法打开；请把它移到层次较浅的文件夹再复核"


def _too_long(path: Path) -> bool:
    return len(os.fsencode(os.path.abspath(path))) >= PATH_LIMIT


def _is_workbook_name(name: str) -> bool:
    return name.lower().endswith(SUFFIXES) and not name.startswith((".", "~$"))


def _reason(error: OSError) -> str:
    return _TOO_LONG if error.errno == errno.ENAMETOOLONG else os_reason(error)


def _key(path: Path) -> str:
    """One key per file however it was reached (a link, a relative path, another letter case on Windows)."""
    try:
        return os.path.normcase(os.path.realpath(path))
    except (OSError, RuntimeError, ValueError):
        return os.path.normcase(os.path.abspath(path))
