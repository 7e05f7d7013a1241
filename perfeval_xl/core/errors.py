"""The package's exceptions: each subclasses PerfevalError and a builtin, so callers can catch either."""

import errno


class PerfevalError(Exception):
    """Base of every error perfeval_xl raises on purpose; its message is Chinese and meant for users."""


class Terminated(BaseException):
    """SIGTERM arrived: like KeyboardInterrupt, it stops whatever runs (cleanup in `finally` and `except
    BaseException` blocks still happens) and is no error of the input."""


class NumberError(PerfevalError, ValueError):
    """A cell value that should be a number cannot be read as one."""


class RuleSetError(PerfevalError, ValueError):
    """A rule set cannot be found or its TOML does not describe a valid rule set."""


class ReportError(PerfevalError, ValueError):
    """A report cannot be rendered: the workbook has errors, the template is broken, the folder is not writable."""


class WorkbookError(PerfevalError, ValueError):
    """A file that cannot be read as a workbook at all, or cannot be written."""


_OS_REASONS = {
    "ENOENT": "文件或文件夹不存在",
    "EACCES": "没有写入或读取的权限",
    "EPERM": "没有权限",
    "ENOSPC": "磁盘空间不足",
    "ENAMETOOLONG": "文件名太长",
    "EROFS": "位置是只读的",
    "EEXIST": "同名的文件或文件夹已存在",
    "ENOTDIR": "路径中有一段不是文件夹",
    "EISDIR": "这是一个文件夹",
    "EBUSY": "文件正被其他程序占用",
    "EFBIG": "文件超过了系统允许的大小",
    "EDQUOT": "磁盘配额已用完",
    "ELOOP": "链接形成了循环（链接指向它自己或上级）",
    "EIO": "读写设备出错",
    "ENXIO": "设备不存在",
}


def os_reason(error: OSError) -> str:
    """Why the operating system refused, in Chinese (its own words are English, and vary by system)."""
    name = errno.errorcode.get(error.errno or 0, "")
    return _OS_REASONS.get(name, f"系统拒绝了操作（{error.strerror or type(error).__name__}）")
