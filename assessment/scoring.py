"""A unit's points under a scheme, from its month's counts. Pure arithmetic, no queries.

- linear (rates): value ≥ upper earns the full weight, ≤ lower earns 0, linear between; a
  "lower is better" rate the other way round (≤ lower full, ≥ upper 0). A rate with nothing to
  measure (no denominator this month) earns the full weight: nothing went wrong.
- deduct: weight − min(cap, per_event × count) (weight 0: taken straight off the total).
- bonus: weight + min(cap, per_event × count).
The total is the sum, never below 0, rounded to 2 places. docs/ASSESSMENT.md."""
from dataclasses import dataclass

from .indicators import BY_CODE, Indicator


@dataclass(frozen=True)
class Rule:
    code: str
    rule: str  # linear | deduct | bonus
    weight: float
    lower: float | None = None  # percent
    upper: float | None = None  # percent
    per_event: float | None = None
    cap: float | None = None

    @classmethod
    def of(cls, row) -> "Rule":
        def num(value):
            return None if value is None else float(value)

        return cls(code=row.code, rule=row.rule, weight=float(row.weight), lower=num(row.lower),
                   upper=num(row.upper), per_event=num(row.per_event), cap=num(row.cap))


def measured(indicator: Indicator, counts: dict) -> tuple[float | None, int]:
    """(the rate as a fraction, or None without a denominator; the event count)."""
    count = max(0, int(counts.get(indicator.numerator) or 0))
    if not indicator.is_rate:
        return None, count
    denominator = int(counts.get(indicator.denominator) or 0)
    if denominator <= 0:
        return None, count
    return min(1.0, max(0.0, count / denominator)), count


def linear_points(rule: Rule, indicator: Indicator, rate: float | None) -> float:
    if rate is None:
        return rule.weight
    value, lower, upper = rate * 100, rule.lower or 0.0, rule.upper if rule.upper is not None else 100.0
    if indicator.lower_is_better:
        if value <= lower:
            return rule.weight
        if value >= upper:
            return 0.0
        return rule.weight * (upper - value) / (upper - lower)
    if value >= upper:
        return rule.weight
    if value <= lower:
        return 0.0
    return rule.weight * (value - lower) / (upper - lower)


def indicator_points(rule: Rule, counts: dict) -> dict:
    indicator = BY_CODE[rule.code]
    rate, count = measured(indicator, counts)
    if rule.rule == "linear":
        points = linear_points(rule, indicator, rate)
    else:
        amount = min(rule.cap if rule.cap is not None else float("inf"), (rule.per_event or 0.0) * count)
        points = rule.weight - amount if rule.rule == "deduct" else rule.weight + amount
    value = round(rate, 4) if indicator.is_rate and rate is not None else (None if indicator.is_rate else count)
    return {"label": indicator.label, "value": value, "count": count, "points": round(points, 2),
            "rule": rule.rule, "weight": rule.weight, "is_rate": indicator.is_rate,
            "denominator": int(counts.get(indicator.denominator) or 0) if indicator.is_rate else None}


def unit_points(rules: list[Rule], counts: dict) -> tuple[float, dict]:
    indicators = {rule.code: indicator_points(rule, counts) for rule in rules}
    total = max(0.0, sum(i["points"] for i in indicators.values()))
    return round(total, 2), indicators


def validate(rule: Rule) -> str | None:
    """What is wrong with a rule, in Chinese, or None (the admin's inline form says it)."""
    indicator = BY_CODE.get(rule.code)
    if indicator is None:
        return "未知指标"
    if rule.rule == "linear":
        if not indicator.is_rate:
            return f"“{indicator.label}”是件数指标，只能按件扣分或加分"
        if rule.lower is None or rule.upper is None:
            return "线性计分须填写下限和上限"
        if not (0 <= rule.lower < rule.upper <= 100):
            return "须满足 0 ≤ 下限 < 上限 ≤ 100"
        if rule.weight <= 0:
            return "线性计分的分值须大于 0"
    else:
        if rule.per_event is None or rule.per_event <= 0:
            return "按件计分须填写每件分值（大于 0）"
        if rule.cap is None or rule.cap <= 0:
            return "按件计分须填写封顶分值（大于 0）"
    if rule.weight < 0:
        return "分值不能为负"
    return None
