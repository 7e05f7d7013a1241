"""The report templates (templates/*.docx), written by code so they can be reviewed and rebuilt (build-templates).

Each template is a Word document with Jinja tags for docxtpl: {{ … }} for values, {%p … %} paragraphs for
conditions and loops over paragraphs, {%tr … %} rows for loops over table rows. The wording of every sentence
lives in these modules; the figures come from the contexts (report/context.py, report/evaluation.py, report/monitor.py)
through the
filters (wan, pct, change, …).
"""

from perfeval_xl.report.templates.evaluation import EVALUATION_TEMPLATE, evaluation_template
from perfeval_xl.report.templates.letter import LETTER_TEMPLATE, letter_template
from perfeval_xl.report.templates.monitor import MONITOR_TEMPLATE, monitor_template
from perfeval_xl.report.templates.selfassessment import DEPT_TEMPLATE, PROJECT_TEMPLATE, dept_template, project_template

# every shipped template: its file name in templates/, and the function that builds it
TEMPLATES = {
    DEPT_TEMPLATE: dept_template,
    PROJECT_TEMPLATE: project_template,
    LETTER_TEMPLATE: letter_template,
    EVALUATION_TEMPLATE: evaluation_template,
    MONITOR_TEMPLATE: monitor_template,
}
