"""Reads of the monthly assessment (考核). Other apps (bulletins, the reports pages, the LED
board) read scores only through `month_scores`."""
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitScore:
    unit_id: int
    unit_name: str
    score: float  # the total, 0-100 plus bonuses, rounded to 2 places
    rank: int  # 1 = best; equal scores share a rank
    # indicator code -> {"label": 中文名, "value": the measured rate or count, "points": points earned}
    indicators: dict = field(default_factory=dict)
    published: bool = False  # True when the month is published (frozen)


def month_scores(*, month: dt.date) -> list[UnitScore]:
    """Every assessed unit's score for `month` (any day in it), best first. A published month
    answers its frozen scores; an open month is computed now from the rollups.

    Placeholder of the shared interface laid down before issue 18's parts were built in
    parallel: the assessment part replaces the body."""
    return []
