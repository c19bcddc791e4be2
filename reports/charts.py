"""What the report pages' charts draw (issue 18 item 6): trend, channel mix, category distribution,
unit comparison. One builder for the page (json_script) and the JSON endpoint /reports/charts.json,
so the two never differ. Aggregates and unit names only."""
from . import kpis

CATEGORY_BARS = 15
UNIT_BARS = 12


def chart_data(filters: kpis.Filters, granularity: str, *, trend: list | None = None,
               breakdowns: dict | None = None, ranking: list | None = None) -> dict:
    """The figures; a page that has already read the trend, breakdowns or ranking passes them in."""
    trend = kpis.trend(filters, granularity) if trend is None else trend
    breakdowns = breakdowns or {}
    channel, ticket_type, cat1 = (breakdowns[d] if d in breakdowns else kpis.breakdown(filters, d)
                                  for d in ("channel", "ticket_type", "cat1"))
    ranking = kpis.unit_ranking(filters) if ranking is None else ranking
    units = [r for r in ranking if r["dispatched"]]
    units.sort(key=lambda r: (-r["dispatched"], r["label"]))
    return {
        "trend": [{"label": r["label"], "received": r["received"], "closed": r["closed"],
                   "closure_rate": r["closure_rate"], "satisfaction_rate": r["satisfaction_rate"]} for r in trend],
        "channel": [{"name": r["label"], "value": r["received"]} for r in channel],
        "ticket_type": [{"name": r["label"], "value": r["received"]} for r in ticket_type],
        "cat1": [{"name": r["label"], "value": r["received"]} for r in cat1[:CATEGORY_BARS]],
        "units": [{"name": r["label"], "dispatched": r["dispatched"], "closed": r["closed"],
                   "closure_rate": r["closure_rate"], "score": r["score"]} for r in units[:UNIT_BARS]],
    }
