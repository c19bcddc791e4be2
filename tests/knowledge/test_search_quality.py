"""Search quality, measured: the demo county's points and synonyms loaded through the import,
then every question of the evaluation set (tests/knowledge/data/eval_questions.csv: a citizen's
words and the title of the point that answers them) searched as the console does. The figures are
printed (run with -s) and written in docs/KNOWLEDGE.md."""
import csv
from pathlib import Path

import pytest

from demo.county import build_county
from hotline.models import Role, User
from knowledge.selectors import point_search
from knowledge.services.imports import demo_knowledge_load

EVAL = Path(__file__).resolve().parent / "data" / "eval_questions.csv"
TOP1_TARGET = 0.70
TOP5_TARGET = 0.90

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]


def evaluation() -> list[dict]:
    with open(EVAL, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_top5_and_top1_hit_rates_reach_the_targets(capsys):
    build_county()
    result = demo_knowledge_load(actor=User.objects.filter(role=Role.SUPERVISOR).first())
    assert result.ok, result.errors[:3]
    rows = evaluation()
    top1 = top5 = 0
    misses = []
    for row in rows:
        titles = [hit.point.title for hit in point_search(text=row["question"], limit=5)]
        top1 += bool(titles) and titles[0] == row["title"]
        top5 += row["title"] in titles
        if row["title"] not in titles:
            misses.append(f"{row['question']} → {titles[:2]} (want {row['title']})")
    n = len(rows)
    with capsys.disabled():
        print(f"\nknowledge search quality: {n} questions, {result.created} points: "
              f"top-1 {top1 / n:.1%}, top-5 {top5 / n:.1%}")
        for miss in misses[:15]:
            print("  miss:", miss)
    assert n >= 100
    assert top5 / n >= TOP5_TARGET and top1 / n >= TOP1_TARGET
