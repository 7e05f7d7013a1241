"""Reports: the context of each report from the records, the Word templates, rendering, charts and PDF."""
