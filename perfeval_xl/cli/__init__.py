"""The `perfeval` command: thin wrappers over the engine that print in Chinese; exit 0, 1 (错误), 2 or 3 (see main)."""

# One module per group of commands (workbooks, excel, batch, rules, develop), each adding its commands to the group
# of group.py when imported; they are imported here so that the console script `perfeval = perfeval_xl.cli:main`
# (main() is in entry.py) and `python -m perfeval_xl.cli` see them all. Heavy libraries (openpyxl, docxtpl,
# pandas, xlwings) are imported inside the commands that need them, so that `perfeval --help` is quick.
from perfeval_xl.cli import batch, develop, excel, rules, workbooks  # noqa: F401
from perfeval_xl.cli.entry import main

__all__ = ["main"]
