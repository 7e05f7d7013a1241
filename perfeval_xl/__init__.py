"""perfeval_xl: budget performance self-assessment (预算绩效自评) tables, scores, checks and reports."""

__version__ = "0.1.0"
