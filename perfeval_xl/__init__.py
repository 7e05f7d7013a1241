"""perfeval_xl: budget performance self-assessment (预算绩效自评) tables, scores, checks and reports."""

from perfeval_xl.core.version import __version__

__all__ = ["__version__", "main"]


def main() -> None:
    """The 生成报告 ribbon button: the add-in perfeval_xl.xlam runs `import perfeval_xl; perfeval_xl.main()`."""
    from perfeval_xl.excel.ribbon import main as run  # imports xlwings only when Excel calls

    run()
