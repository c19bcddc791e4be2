"""The demo county's knowledge points, the synonyms list and the search evaluation set are data
that the importer, the search and the demo read: they must stay well-formed and honest."""
import csv
import datetime as dt
import re
from pathlib import Path

from demo.county import COUNTY, SUB_UNITS, UNITS
from knowledge.columns import HEADERS

ROOT = Path(__file__).resolve().parents[2]
POINTS = ROOT / "knowledge" / "data" / "demo_points.csv"
SYNONYMS = ROOT / "knowledge" / "data" / "synonyms.txt"
TAXONOMY = ROOT / "hotline" / "data" / "taxonomy.csv"
EVAL = Path(__file__).resolve().parent / "data" / "eval_questions.csv"
# The day the demo data was written for: the expiry notice and the exclusion show around it.
WRITTEN_ON = dt.date(2026, 12, 4)
# What a caller's words lose when compared with a title: spaces and punctuation.
NOISE = re.compile(r"[\s，,。.？?！!、；;：:“”\"'（）()《》]+")


def normalised(text: str) -> str:
    return NOISE.sub("", text)


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def points() -> list[dict]:
    return read_csv(POINTS)[1]


def categories() -> set[str]:
    names = set()
    with open(TAXONOMY, encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            if row and row[0] != "一级分类":
                names.update("/".join(row[:level]) for level in (1, 2, 3))
    return names


def date_or_none(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def test_points_have_the_import_headers_and_enough_distinct_titles():
    headers, rows = read_csv(POINTS)
    assert headers == HEADERS
    assert len(rows) >= 120
    titles = [row["标题"] for row in rows]
    assert len(set(titles)) == len(titles), [t for t in titles if titles.count(t) > 1]
    assert all(0 < len(title) <= 120 for title in titles)


def test_every_point_names_a_real_category_and_a_demo_unit():
    known_categories = categories()
    units = {COUNTY[1]} | {unit[1] for unit in UNITS} | {unit[1] for unit in SUB_UNITS}
    for row in points():
        assert row["分类"] in known_categories, (row["标题"], row["分类"])
        assert row["分类"].count("/") >= 1, row["标题"]  # second or third level
        assert row["责任单位"] == "" or row["责任单位"] in units, (row["标题"], row["责任单位"])


def test_every_point_reads_like_an_answer():
    for row in points():
        questions = [q for q in row["常见问法"].split("\n") if q.strip()]
        assert 3 <= len(questions) <= 6, row["标题"]
        assert 80 <= len(row["答复口径"]) <= 400, (row["标题"], len(row["答复口径"]))
        assert 0 < len(row["短信答复"]) <= 60, (row["标题"], len(row["短信答复"]))
        assert row["公开范围"] in {"公开", "内部"}, row["标题"]
        assert not row["链接"] or row["链接"].startswith(("http://", "https://"))
        assert not row["文号"] or row["政策依据"], row["标题"]  # a number names its document


def test_dates_parse_and_some_points_expire_around_the_demo_day():
    soon, expired = 0, 0
    for row in points():
        start, end = date_or_none(row["生效日期"]), date_or_none(row["失效日期"])
        assert not (start and end) or start <= end, row["标题"]
        if end and end < WRITTEN_ON:
            expired += 1
        elif end and end <= WRITTEN_ON + dt.timedelta(days=30):
            soon += 1
    assert soon >= 3 and expired >= 2


def test_about_a_fifth_of_the_points_are_internal():
    audiences = [row["公开范围"] for row in points()]
    assert 0.12 <= audiences.count("内部") / len(audiences) <= 0.3


def test_synonym_groups_are_one_per_line_with_a_comment_first():
    lines = SYNONYMS.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    groups = [line.split(" ") for line in lines if line.strip() and not line.startswith("#")]
    assert len(groups) >= 40
    for words in groups:
        assert len(words) >= 2 and all(words), words  # single spaces, no empty word
        assert len(set(words)) == len(words), words


def test_eval_questions_point_at_real_points_and_copy_none_of_their_words():
    headers, rows = read_csv(EVAL)
    assert headers == ["question", "title"]
    by_title = {row["标题"]: row for row in points()}
    assert len(rows) >= 150
    assert len({row["title"] for row in rows}) >= 100
    questions = [normalised(row["question"]) for row in rows]
    assert len(set(questions)) == len(questions), "a question is asked twice"
    for row in rows:
        point = by_title.get(row["title"])
        assert point is not None, row
        # A point that expires would leave the search and make the measure drift with the calendar.
        assert not point["失效日期"], row
        asked = normalised(row["question"])
        assert asked != normalised(point["标题"]), row
        assert asked not in {normalised(q) for q in point["常见问法"].split("\n")}, row
