"""Parsing report filters from a query string, with Chinese messages for bad input."""
import datetime as dt

from django.utils import timezone

from hotline.errors import InvalidInput
from hotline.models import Category, Channel, TicketType, Unit

from .kpis import GRANULARITIES, Filters

MAX_DAYS = 3 * 366


def _date(value: str, field: str, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{label}「{value}」不是有效日期，格式如 2025-03-01", field=field)


def _pk(value: str, model, field: str, label: str):
    if not value:
        return None
    try:
        return model.objects.get(pk=int(value))
    except (ValueError, model.DoesNotExist):
        raise InvalidInput(f"{label}「{value}」不存在", field=field)


def parse_filters(params, *, scope_unit: Unit | None = None) -> tuple[Filters, str]:
    today = timezone.localdate()
    start = _date(params.get("start", ""), "start", "开始日期") or today.replace(day=1)
    end = _date(params.get("end", ""), "end", "结束日期") or today
    if end < start:
        raise InvalidInput("结束日期不能早于开始日期", field="end")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput("统计区间最长三年", field="start")
    channel = params.get("channel", "")
    if channel and channel not in Channel.values:
        raise InvalidInput(f"来源渠道「{channel}」无效", field="channel")
    ticket_type = params.get("type", "")
    if ticket_type and ticket_type not in TicketType.values:
        raise InvalidInput(f"诉求类型「{ticket_type}」无效", field="type")
    granularity = params.get("by", "day")
    if granularity not in GRANULARITIES:
        raise InvalidInput("统计周期只能是 day / week / month", field="by")
    unit = _pk(params.get("unit", ""), Unit, "unit", "承办单位")
    if unit is not None and scope_unit is not None and not unit.path.startswith(scope_unit.path):
        raise InvalidInput("只能查看本单位及下级单位的数据", field="unit")
    category = _pk(params.get("category", ""), Category, "category", "诉求分类")
    filters = Filters(start=start, end=end, unit=unit, channel=channel, ticket_type=ticket_type,
                      category=category, scope_unit=scope_unit)
    return filters, granularity


def query_string(filters: Filters, granularity: str) -> str:
    from urllib.parse import urlencode

    params = {"start": filters.start.isoformat(), "end": filters.end.isoformat(), "by": granularity}
    if filters.unit:
        params["unit"] = filters.unit.pk
    if filters.channel:
        params["channel"] = filters.channel
    if filters.ticket_type:
        params["type"] = filters.ticket_type
    if filters.category:
        params["category"] = filters.category.pk
    return urlencode(params)
