"""Reading indicator targets and actual values (年度指标值 / 实际完成值): "95%以上", "≤5.4%", "按时足额发放".

A target is quantitative (a direction, a number and a unit), qualitative (no number) or unreadable (it has a
number but not in a form this module can read without guessing: ranges, several numbers, contradictory
directions, growth targets). Unreadable targets say why, in Chinese, and are scored by a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from perfeval_xl.core.numbers import SCALES, TOO_LARGE, cell_text, compact_text, normalize_text, plain_decimal

QUANTITATIVE, QUALITATIVE, UNREADABLE = "quantitative", "qualitative", "unreadable"
AT_LEAST, AT_MOST, EQUAL = ">=", "<=", "="
OP_SYMBOLS = {AT_LEAST: "≥", AT_MOST: "≤", EQUAL: "="}

# Direction words, longest first so that 不超过 wins over 超过. Negated forms are listed as themselves.
_PREFIX_OPS = {
    AT_LEAST: (
        "高于或等于",
        "大于或等于",
        "不得小于",
        "大于等于",
        "不得低于",
        "不得少于",
        "不低于",
        "不少于",
        "不小于",
        "至少",
        "最低",
        "下限",
        "达到",
        "高于",
        "大于",
        "超过",
        "多于",
        "≥",
        "≮",
        ">=",
        ">",
        "达",
    ),
    AT_MOST: (
        "低于或等于",
        "小于或等于",
        "不得大于",
        "不得多于",
        "小于等于",
        "不得超过",
        "不能超过",
        "不得高于",
        "不超过",
        "不高于",
        "不大于",
        "不多于",
        "不超",
        "不足",
        "不到",
        "不满",
        "控制在",
        "控制",
        "至多",
        "最多",
        "最高",
        "上限",
        "低于",
        "小于",
        "少于",
        "≤",
        "≯",
        "<=",
        "<",
    ),
    EQUAL: ("等于", "按照", "按", "=", "约", "大约"),
}
_APPROXIMATE = ("约", "大约", "左右")
_SUFFIX_OPS = {
    AT_LEAST: ("及以上", "或以上", "以上", "之上"),
    AT_MOST: ("及以下", "或以下", "以内", "之内", "以下", "之下", "内"),
    EQUAL: ("左右",),
}
# "提高到95%" is a level to reach; "提高5%" is a growth target, which is not read (see module docstring).
_RAISE_WORDS = ("提高", "提升", "增长", "增加", "上升", "扩大")
_LOWER_WORDS = ("下降", "降低", "减少", "压缩", "压减", "控减", "缩短", "缩减", "降")
_TO_WORDS = ("到", "至")

_NUMBER_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")
_YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")
_DEADLINE = re.compile(
    r"\d{1,2}月(?:\d{1,2}[日号])?(?:底|末|前|份|中旬|上旬|下旬)|\d{1,2}月\d{1,2}[日号]"  # 12月底前, 6月30日
    r"|第\d+个?(?:季度|季|周|月|批|期|阶段|轮)|\d季度"  # 第2季度完成: an order in time, not an amount to exceed
)
_ACTION_IN_UNIT = re.compile(r"完成|实现|开展|达成|前|底|末")
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_TRAILING_PUNCTUATION = "。.,，;；、!！"

_UNIT_ALIASES = {
    "百分比": "%",
    "％": "%",
    "平方米": "㎡",
    "平米": "㎡",
    "m2": "㎡",
    "m²": "㎡",
    "日": "天",
    "个工作日": "工作日",
    "个月": "月",
    "千米": "公里",
    "km": "公里",
    "个百分点": "百分点",
    "元/人·月": "元/人/月",
    "元/月/人": "元/人/月",
    "元/人.月": "元/人/月",
}
# "1,294,520,000.00" has 16 characters; a figure much longer is not one a person typed as a target.
MAX_NUMBER_LENGTH = 30
_UNIT_SHAPE = re.compile(r"^[\u4e00-\u9fffA-Za-z㎡²/·.]{1,8}$")
_MAX_UNKNOWN_UNIT = 4


@dataclass(frozen=True)
class Target:
    """An indicator's 年度指标值 or 实际完成值, as read.

    Attributes:
      text: the text as the user typed it.
      kind: "quantitative", "qualitative" or "unreadable".
      op: ">=", "<=" or "=" for a quantitative target (a bare "1200" gets the rules' direction); None for
        qualitative or unreadable text, and for an actual value written as a plain number ("2380").
      value: the number with percentages as fractions (95% -> 0.95) and 万/亿 multiplied out (2.33万人 -> 23300).
      unit: the normalised unit: "%", "人", "元", "元/人/月", "天"…; "" when none is written.
      error: for unreadable text, why, in Chinese.
      scale: the multiplier written with the number (万, 亿, 千), "" when none: a bare "120" beside "100万元"
        is not comparable.
      approximate: "左右" or "约": an "=" target met within the rules' approximate tolerance.
    """

    text: str
    kind: str
    op: str | None = None
    value: Decimal | None = None
    unit: str = ""
    error: str | None = None
    scale: str = ""
    approximate: bool = False

    @property
    def is_quantitative(self) -> bool:
        return self.kind == QUANTITATIVE

    def describe(self) -> str:
        """How the text was read, for a cell or a message: "≥ 95%", "≤ 5.4%", "= 1740 元/人/月", "定性"."""
        if self.kind == QUALITATIVE:
            return "定性"
        if self.kind == UNREADABLE or self.value is None:
            return "无法识别"
        symbol = OP_SYMBOLS.get(self.op or "", "")
        number = plain_decimal(self.value.scaleb(2)) + "%" if self.unit == "%" else plain_decimal(self.value)
        unit = "" if self.unit in ("", "%") else " " + self.unit
        return f"{symbol} {number}{unit}".strip()


def parse_target(text: object, bare_op: str = AT_LEAST) -> Target:
    """Read a 年度指标值. A bare number ("1200", "2400人") gets `bare_op` (a rule set setting), marked implicit."""
    return _parse(cell_text(text), bare_op)


def parse_actual(text: object) -> Target:
    """Read a 实际完成值 with the same grammar; a plain number has op None, "5.4%以内" keeps its direction."""
    return _parse(cell_text(text), None)


@lru_cache(maxsize=8192)
def _parse(text: str, bare_op: str | None) -> Target:
    cleaned = _clean(text)
    if not cleaned:
        return Target(text, QUALITATIVE)
    if _DEADLINE.search(cleaned):
        return Target(text, QUALITATIVE)  # "12月底前完成": a deadline, judged by a person
    without_years = _YEAR.sub(lambda m: "#" * len(m.group()), cleaned)
    numbers = list(_NUMBER_TOKEN.finditer(without_years))
    if not numbers:
        return Target(text, QUALITATIVE)
    if len(numbers) > 1:
        return _unreadable(text, "含有多个数字（区间或多个目标），无法确定按哪个数字评分")
    token = numbers[0]
    if len(token.group()) > MAX_NUMBER_LENGTH:
        return _unreadable(text, f"数字“{token.group()[:20]}…”位数太多，不像指标值")
    prefix, suffix = cleaned[: token.start()], cleaned[token.end() :]
    try:
        number = Decimal(token.group().replace(",", ""))
    except ArithmeticError:
        return _unreadable(text, f"数字“{token.group()}”无法识别")
    if "," in token.group() and not re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", token.group()):
        return _unreadable(text, f"数字“{token.group()}”的千分位逗号位置不对")
    return _read_around_number(text, prefix, number, suffix, bare_op)


def _clean(text: str) -> str:
    cleaned = compact_text(text)
    cleaned = cleaned.replace("≧", "≥").replace("≦", "≤").replace("=>", ">=").replace("=<", "<=")
    without_remarks = _PARENTHESES.sub("", cleaned)
    if re.search(r"\d", cleaned) and not re.search(r"\d", without_remarks):
        # "满意度（≥95%）": the figure itself is in the brackets, so keep it and drop only the brackets
        without_remarks = re.sub(r"[()\[\]【】]", "", cleaned)
    return without_remarks.rstrip(_TRAILING_PUNCTUATION)


def _read_around_number(text: str, prefix: str, number: Decimal, suffix: str, bare_op: str | None) -> Target:
    ops: set[str] = set()
    if prefix.endswith(("-", "+")):  # a signed value ("-0.5%"); a range "90%-100%" never gets here
        number, prefix = (-number if prefix.endswith("-") else number), prefix[:-1]

    suffix_words = suffix
    suffix, suffix_ops = _strip_suffix_ops(suffix)
    ops |= suffix_ops

    percent = False
    if prefix.endswith("百分之"):
        percent, prefix = True, prefix[: -len("百分之")]
    prefix_op, problem = _prefix_op(prefix)
    if problem:
        return _unreadable(text, problem)
    if prefix_op:
        ops.add(prefix_op)
    if len(ops) > 1:
        return _unreadable(text, "方向矛盾（同时写了“以上”和“以内”一类的词）")

    scale, suffix = _scale(suffix)
    if scale:
        number *= SCALES[scale]
    if abs(number) >= TOO_LARGE:  # as D() refuses such a cell: a typing accident, whose ratios would be absurd
        return _unreadable(text, "数字太大（超过 15 位），不像指标值")
    value, unit, problem = _value_and_unit(number, suffix, percent)
    if problem:
        return _unreadable(text, problem)
    if ops:
        approximate = any(prefix.endswith(word) for word in _APPROXIMATE) or "左右" in suffix_words
        return Target(text, QUANTITATIVE, ops.pop(), value, unit, scale=scale, approximate=approximate)
    return Target(text, QUANTITATIVE, bare_op, value, unit, scale=scale)


def _scale(suffix: str) -> tuple[str, str]:
    """The multiplier written right after the number (万, 亿; 千 only before 元/人/户 or alone) and the rest."""
    if suffix[:1] in ("万", "亿") or (suffix[:1] == "千" and suffix[1:2] in ("元", "人", "户", "")):
        return suffix[0], suffix[1:]
    return "", suffix


def _strip_suffix_ops(suffix: str) -> tuple[str, set[str]]:
    """The suffix without the direction words at its end ("以上", "以内"…, repeated or not) and their directions."""
    ops: set[str] = set()
    end = len(suffix)
    while True:  # moves `end` and slices once: slicing per word would copy "以上以上…" once per word
        word, op = next(((w, op) for w, op in _SUFFIX_WORDS if suffix.endswith(w, 0, end)), ("", None))
        if not word:
            return suffix[:end], ops
        end -= len(word)
        ops.add(op)


_SUFFIX_WORDS = sorted(((w, op) for op, ws in _SUFFIX_OPS.items() for w in ws), key=lambda p: -len(p[0]))


def _prefix_op(prefix: str) -> tuple[str | None, str | None]:
    """The direction a prefix states (None if none), or a reason the prefix cannot be read."""
    for raise_or_lower, op in ((_RAISE_WORDS, AT_LEAST), (_LOWER_WORDS, AT_MOST)):
        for word in raise_or_lower:
            for to in _TO_WORDS:
                if prefix.endswith(word + to) or prefix.endswith(word + "在"):
                    return op, None
    for words in (_RAISE_WORDS, _LOWER_WORDS):
        for word in words:
            if prefix.endswith(word) or prefix.endswith(word + "了"):
                return None, f"“{word}”后接数字是增减幅度目标，无法自动评分，请改写为“≥”“≤”形式或人工评分"
    # The direction word stands right before the number; what comes before it is the indicator's name,
    # which may itself contain such words (按时发放率100%).
    prefix = prefix.rstrip("为是:")
    for word, op in _PREFIX_CANDIDATES:
        if not prefix.endswith(word):
            continue
        before = prefix[-len(word) - 1 : -len(word)]
        if before in ("不", "未", "没") and not word.startswith("不"):
            return None, f"“{before}{word}”的方向无法确定"
        return op, None
    negation = re.search(r"[不未没无非][^\d]{0,1}$", prefix)
    if negation:  # "不逾5%", "未及5%": a negated word this module does not know; its direction is not guessed
        return None, f"“{negation.group()}”的方向无法确定，请写成“≥”“≤”的形式"
    return None, None


_PREFIX_CANDIDATES = sorted(((w, op) for op, ws in _PREFIX_OPS.items() for w in ws), key=lambda p: -len(p[0]))


def _value_and_unit(number: Decimal, rest: str, percent: bool) -> tuple[Decimal, str, str | None]:
    """The value and unit from what follows the number (its scale already taken off), or why it is unreadable."""
    if rest.startswith("%") or percent:
        number, rest = number.scaleb(-2), rest.removeprefix("%")
        if rest:
            return number, "%", f"百分数后的“{rest}”无法识别"
        return number, "%", None
    if rest.startswith("‰"):
        number, rest = number.scaleb(-3), rest[1:]
        return number, "%", (f"千分数后的“{rest}”无法识别" if rest else None)
    unit = _UNIT_ALIASES.get(rest, rest)
    if rest and _ACTION_IN_UNIT.search(rest) and rest not in KNOWN_UNITS:
        return number, unit, f"数字后的“{rest}”不是单位，像是一个时间或进度要求，请人工评分"
    if rest and not _UNIT_SHAPE.match(rest):
        return number, unit, f"数字后的“{rest}”不是可识别的单位"
    if rest and rest not in _UNIT_ALIASES and len(rest) > _MAX_UNKNOWN_UNIT and rest not in KNOWN_UNITS:
        return number, unit, f"数字后的“{rest}”不是可识别的单位"
    return number, unit.replace("·", "/"), None


KNOWN_UNITS = frozenset(
    {
        "%",
        "人",
        "人次",
        "元",
        "元/人/月",
        "元/人/年",
        "元/人",
        "元/月",
        "个",
        "家",
        "次",
        "场",
        "场次",
        "件",
        "户",
        "天",
        "工作日",
        "小时",
        "月",
        "年",
        "周",
        "㎡",
        "公里",
        "亩",
        "吨",
        "项",
        "台",
        "套",
        "张",
        "份",
        "期",
        "班次",
        "所",
        "床",
        "批",
        "篇",
        "条",
        "册",
        "人/次",
        "百分点",
    }
)


def _unreadable(text: str, reason: str) -> Target:
    return Target(text, UNREADABLE, error=reason)


def units_compatible(target: Target, actual: Target) -> str | None:
    """None when the actual can be compared with the target; otherwise why not, in Chinese.

    万人 and 人 agree (both are read as 人); a bare number agrees with any unit except %, because "100"
    beside a target of "95%" may mean 100% or 100 people, and this module does not guess. Nor does it guess
    the scale: a bare "120" beside a target written with 万 or 亿 ("100万元以内") is not comparable, because
    it may mean 120 or 120万元.
    """
    if target.scale and not actual.scale and actual.unit == "" and target.unit != "%":
        shown = actual.text.strip()
        return (
            f"单位不一致：目标写的是“{target.scale}{target.unit}”，实际完成值“{shown}”没有写单位"
            f"（若是{target.scale}{target.unit}请写成 {shown}{target.scale}{target.unit}）"
        )
    if target.unit == actual.unit:
        return None
    if "%" in (target.unit, actual.unit):
        other = actual if target.unit == "%" else target
        if other.unit == "":
            return f"单位不一致：目标是百分数，“{other.text.strip()}”没有写 %（若是百分数请写成 {other.text.strip()}%）"
        return f"单位不一致：目标单位为“{target.unit or '无'}”，实际单位为“{actual.unit or '无'}”"
    if "" in (target.unit, actual.unit):
        return None
    return f"单位不一致：目标单位为“{target.unit}”，实际单位为“{actual.unit}”"


# Qualitative outcomes read from the actual text: "met" (达成), "partly" (部分达成), "not_met" (未达成).
MET, PARTLY, NOT_MET = "met", "partly", "not_met"
# Not met: a negation before a verb of doing (未完成, 无法按时完成, 没能实现, 未及时处理, 尚未整改, 难以落实…).
_NOT_MET = re.compile(
    r"(?:未|尚未|没有|没能|未能|无法|不能|难以|不是|不够|不到位|不足|不到|仅)"
    r"(?:按时|全部|全面|及时|足额|如期|完全|有效|彻底|妥善)*"
    r"(?:完成|达成|达到|实现|开展|落实|发放|到位|执行|进行|建立|健全|提升|处理|处置|整改|解决|办结|兑现)"
    r"|不到位|滞后|延期|未达标|不达标|不合格|(?:不到|不足|未过|未达)(?:一半|半数|[0-9一二三四五六七八九]成)"
)
# A negation of something bad is good news: 未发生安全事故, 无违规问题, 零投诉, 未发生一起重大事故. Between the
# negation and the bad thing stand only words that say how bad or how many, never a verb: in 未及时处理群众投诉
# the 未 belongs to 处理, and the complaint is the trouble.
_NOTHING_BAD = re.compile(
    r"(?:未|没有|无|零)(?:发生|出现|收到|发现)?"
    r"(?:重大|较大|严重|安全|生产|责任|质量|任何|一起|一例|一件|一次|有效|群众|信访|违规)*"
    r"(?:事故|问题|投诉|差错|违规|违纪|违法|风险|事件|纠纷|上访|失误|漏洞|隐患)"
)
# Partly: 部分…, 基本完成/基本健全… (but not 基本养老金, 基本生活: 基本 before a noun belongs to the name)
_PARTLY = re.compile(r"大?部分|基本(?=完成|达成|达到|实现|落实|到位|健全|建立|满足|覆盖|符合|解决)")
_MET_WORDS = ("已", "完成", "达到", "达成", "实现", "全部", "均", "到位", "顺利", "落实")
_YES = re.compile(r"(?:^|[:：])是[。.]?$")
_NO = re.compile(r"(?:^|[:：])否[。.]?$")
_NOT_APPLICABLE = frozenset({"不适用", "不涉及", "n/a", "na", "无此项", "本年不涉及"})


def _words_only(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", normalize_text(text))


def qualitative_outcome(target_text: object, actual_text: object) -> str | None:
    """Read whether a qualitative target was met from the actual text; None when a person must judge.

    The same text as the target means met. A negated doing (未完成, 无法按时完成, 难以实现, 未及时处理投诉,
    尚未整改) means not met, wherever it stands; a negated bad thing (未发生安全事故, 无投诉, 零投诉) is good
    news. 部分/基本完成 mean partly met, unless the target itself says 基本 (基本养老金). 已/完成/达到 mean
    met. A percentage below 100% or any other figure is left to a person, and so is anything else ("保证安全" for
    "保证社保基金安全").
    """
    actual = _words_only(cell_text(actual_text))
    target = _words_only(cell_text(target_text))
    if not actual:
        return None
    if actual == target:
        return MET
    answer = compact_text(cell_text(actual_text))  # "是否达标：是" keeps its colon here
    if _NO.search(answer):
        return NOT_MET
    if _YES.search(answer):
        return MET
    if _NOT_MET.search(actual):
        return NOT_MET
    without_good_news = _NOTHING_BAD.sub("", actual)
    figures = parse_actual(actual_text)
    if figures.kind != QUALITATIVE:  # "完成率仅50%", "已完成60%": a figure for a person to weigh
        return (
            MET
            if figures.unit == "%" and figures.op is None and figures.value is not None and figures.value >= 1
            else None
        )
    # each word once (部分, 大部分, 基本), not each match: counting per match is quadratic in a long cell
    if any(
        word not in target or actual.count(word) > target.count(word)
        for word in {match.group() for match in _PARTLY.finditer(actual)}
    ):
        return PARTLY
    if without_good_news != actual or any(word in actual for word in _MET_WORDS):
        return MET
    return None


def is_not_applicable(text: object) -> bool:
    """Does a cell say the indicator does not apply this year (不适用, 不涉及…)?"""
    return _not_applicable_text(cell_text(text))


@lru_cache(maxsize=8192)
def _not_applicable_text(text: str) -> bool:
    return _words_only(text).lower() in _NOT_APPLICABLE
