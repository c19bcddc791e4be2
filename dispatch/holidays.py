"""Reading a year's official holidays from what an admin pastes: the State Council's notice
(国务院办公厅关于某年部分节假日安排的通知) as published, or a plain list of dates.

The notice says each holiday in one sentence pair:
  二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
"…至…放假" is a run of days off, a lone date with 放假 is one day off, and every date in a
sentence with 上班 is a make-up working day. The plain list is one day a line:
  2027-01-01 休 元旦      /      2027-02-07 班
Nothing is guessed: a line or sentence we cannot read is an error naming it, and nothing is saved.
"""
import datetime as dt
import re
from dataclasses import dataclass

from hotline.errors import InvalidInput

HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
_PARENS = re.compile(r"[（(][^）)]*[）)]")
_DATE = r"(?:(?P<{p}y>\d{{4}})年)?(?:(?P<{p}m>\d{{1,2}})月)?(?P<{p}d>\d{{1,2}})日"
_RANGE = re.compile(_DATE.format(p="a") + r"\s*(?:至|—|－|-|到)\s*" + _DATE.format(p="b"))
_ONE = re.compile(_DATE.format(p="a"))
_LIST_LINE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*[,，\s]\s*(\S+)\s*(.*)$")
OFF_WORDS = {"休", "休息", "放假", "假", "节假日", "off"}
WORK_WORDS = {"班", "上班", "补班", "调休上班", "工作", "工作日", "work"}


@dataclass(frozen=True)
class HolidayDay:
    day: dt.date
    is_workday: bool
    note: str


def parse_holidays(text: str, *, year: int) -> list[HolidayDay]:
    """Every day the text names, sorted; raises InvalidInput (field `text`) saying what is wrong."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请粘贴节假日安排通知或日期清单", field="text")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if all(_LIST_LINE.match(line) for line in lines):
        days = [_list_day(line) for line in lines]
    else:
        days = _notice_days(text, year)
    return _checked(days, year)


def _list_day(line: str) -> HolidayDay:
    y, m, d, word, note = _LIST_LINE.match(line).groups()
    word = word.lower()
    if word not in OFF_WORDS | WORK_WORDS:
        raise InvalidInput(f"“{line}”：请写明“休”或“班”", field="text")
    return HolidayDay(_date(int(y), int(m), int(d), line), word in WORK_WORDS, note.strip()[:60])


def _notice_days(text: str, year: int) -> list[HolidayDay]:
    days: list[HolidayDay] = []
    name = ""
    for sentence in re.split(r"[。；;\n]", _PARENS.sub("", text)):
        sentence = sentence.strip()
        found = next((n for n in HOLIDAY_NAMES if n in sentence.split("：")[0]), None) if "：" in sentence else None
        if found:
            name = "、".join(n for n in HOLIDAY_NAMES if n in sentence.split("：")[0])
        if "上班" in sentence:
            month = None
            for match in _ONE.finditer(sentence):
                day, month = _resolved(match, "a", year, month, sentence)
                days.append(HolidayDay(day, True, f"{name}调休上班" if name else "调休上班"))
        elif "放假" in sentence or "休息" in sentence:
            ranges = list(_RANGE.finditer(sentence))
            for match in ranges:
                start, month = _resolved(match, "a", year, None, sentence)
                end, _ = _resolved(match, "b", start.year, month, sentence)
                if end < start:  # 12月31日至1月2日 without years: the run ends in the next year
                    end = _date(end.year + 1, end.month, end.day, sentence)
                if (end - start).days > 14:
                    raise InvalidInput(f"“{sentence}”：假期超过两周，请检查日期", field="text")
                days += [HolidayDay(start + dt.timedelta(days=i), False, name)
                         for i in range((end - start).days + 1)]
            if not ranges:
                for match in _ONE.finditer(sentence):
                    day, _ = _resolved(match, "a", year, None, sentence)
                    days.append(HolidayDay(day, False, name))
    if not days:
        raise InvalidInput("没有读出任何日期：请粘贴通知正文（含“放假”“上班”的句子）或每行一个“日期 休/班”",
                           field="text")
    return days


def _resolved(match, prefix: str, year: int, month: int | None, sentence: str) -> tuple[dt.date, int]:
    y = int(match.group(f"{prefix}y") or year)
    m = match.group(f"{prefix}m")
    if m is None and month is None:
        raise InvalidInput(f"“{sentence}”：日期缺少月份", field="text")
    m = int(m) if m is not None else month
    return _date(y, m, int(match.group(f"{prefix}d")), sentence), m


def _date(y: int, m: int, d: int, where: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise InvalidInput(f"“{where}”：{y}年{m}月{d}日不是有效日期", field="text") from None


def _checked(days: list[HolidayDay], year: int) -> list[HolidayDay]:
    by_day: dict[dt.date, HolidayDay] = {}
    for day in days:
        # 元旦 can start on 31 December of the year before; nothing else strays further.
        if not dt.date(year - 1, 12, 25) <= day.day <= dt.date(year, 12, 31):
            raise InvalidInput(f"{day.day:%Y-%m-%d} 不在{year}年内，请检查年份", field="text")
        seen = by_day.get(day.day)
        if seen is not None and seen.is_workday != day.is_workday:
            raise InvalidInput(f"{day.day:%Y-%m-%d} 同时被写为放假和上班", field="text")
        by_day[day.day] = day
    if not any(not d.is_workday for d in by_day.values()):
        raise InvalidInput("清单中没有放假的日期", field="text")
    return sorted(by_day.values(), key=lambda d: d.day)
