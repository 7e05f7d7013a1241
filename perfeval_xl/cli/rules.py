"""perfeval rules: the rule sets and evaluation frameworks, listed or described."""

from __future__ import annotations

import click

from perfeval_xl.cli.group import cli
from perfeval_xl.core.numbers import format_percent, format_score
from perfeval_xl.engine.rulefiles import available_rules
from perfeval_xl.engine.rulesets import load_rules


@cli.command("rules")
@click.argument("name", required=False)
def rules_command(name: str | None) -> None:
    """列出内置评分规则和评价指标体系，或显示一套（名称或 .toml 路径）的要点。"""
    from perfeval_xl.engine.evaluation.load import available_frameworks, is_evaluation, load_framework
    from perfeval_xl.engine.evaluation.words import describe

    if name is None:
        click.echo("自评表的评分规则：")
        for shipped in available_rules():
            click.echo(f"  {shipped:20} {load_rules(shipped).title}")
        click.echo("部门整体支出绩效评价的指标体系（perfeval new 文件 --rules 名称）：")
        for shipped in available_frameworks():
            framework = load_framework(shipped)
            click.echo(f"  {shipped:20} {framework.title}")
            if framework.note:
                click.echo(f"  {'':20} 注意：{framework.note}")
        return
    if is_evaluation(name):
        click.echo("\n".join(describe(load_framework(name))))
        return
    rules = load_rules(name)
    blocks = "，".join(f"{k} {format_score(v)}" for k, v in rules.block_weights.items()) or "不限定各一级指标分值"
    grades = "，".join(f"≥{format_score(g.minimum)} {g.label}" for g in rules.grades)
    lines = [
        rules.title,
        f"  满分 {format_score(rules.full_marks)}：预算执行率 {format_score(rules.execution_weight)}，{blocks}",
        f"  等级：{grades}",
        f"  只写数字的目标按“{rules.bare_target_op}”评分；超过目标 "
        f"{format_percent(rules.far_exceed, 0) if rules.far_exceed else '—'} 提示目标偏低",
    ]
    if rules.deviation_over is not None:
        lines.append(
            f"  偏离：实际 ≥ 目标 × {format_percent(rules.deviation_over, 0)} 扣 "
            f"{format_score(rules.deviation_penalty)} 分"
        )
    for cap in rules.total_caps:
        lines.append(f"  执行率低于 {format_percent(cap.below, 0)}：总分最高 {format_score(cap.maximum)}")
    click.echo("\n".join(lines))
