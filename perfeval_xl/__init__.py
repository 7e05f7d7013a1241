"""perfeval_xl: budget performance self-assessment (预算绩效自评) tables, scores, checks and reports."""

__version__ = "0.1.0"


def main() -> None:
    """The 生成报告 ribbon button: the add-in perfeval_xl.xlam runs `import perfeval_xl; perfeval_xl.main()`."""
    from .ribbon import main as run  # imports xlwings only when Excel calls

    run()
