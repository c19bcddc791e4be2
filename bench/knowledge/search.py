#!/usr/bin/env python
"""Knowledge search while typing, at 100,000 points on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres hotline_kbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_kbench python bench/knowledge/search.py [--points 100000]

1. migrates the database, makes the demo county (units, people) and loads the demo points and
   synonyms through the import (knowledge/data/), as seed_demo does;
2. generates the rest up to --points set-based (one COPY): each a variation of a demo point (a
   town or neighbourhood, a year, a channel in the title; some of its questions reworded with
   local words; a local sentence added to the answer), 90 % published, the rest drafts, pending or
   withdrawn; some lapsed, some lapsing, some public. Their search_text is the demo point's lines
   plus the words of what the variation added (what the services would compute, without running
   jieba 100,000 times); PostgreSQL's generated column makes the tsvector;
3. times `knowledge.selectors.point_search` (the whole call the console makes: parse, candidates,
   ranking, highlights) on the first 4, 8 and 12 characters of real citizen questions (the
   evaluation set and the demo points' questions), as an operator types them: p50/p95/p99 per
   prefix length and overall, and the throughput of one thread.
"""
import argparse
import csv
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from demo.county import build_county  # noqa: E402
from hotline.models import Role, User  # noqa: E402
from knowledge import synonyms as synonym_store  # noqa: E402
from knowledge.models import KnowledgePoint  # noqa: E402
from knowledge.selectors import point_search  # noqa: E402
from knowledge.services.imports import demo_knowledge_load  # noqa: E402
from knowledge.text import bigrams, index_line  # noqa: E402

NULL = "\\N"  # COPY's null marker (an empty field is an empty string)
EVAL = ROOT / "tests" / "knowledge" / "data" / "eval_questions.csv"
PLACES = ["城关镇", "东城街道", "西城街道", "南湖街道", "北山镇", "河口镇", "青石镇", "柳林乡", "白沙镇", "新华社区",
          "建设路社区", "幸福里小区", "开发区", "高新园区", "滨河花园", "阳光小区", "老城区", "火车站片区"]
YEARS = ["2025年", "2026年", "2027年", "（2026版）", "（试行）", "（修订）"]
CHANNELS = ["线上办理", "窗口办理", "办理指南", "常见问题", "政策解读", "注意事项", "材料清单", "办理流程"]
ASKING = ["我们{place}的", "{place}这边", "住在{place}", "{place}居民", "在{place}"]
LOCAL = ["{place}便民服务中心可代办，工作日上午9点至下午5点。", "{place}居民也可通过“某县政务服务”小程序预约。",
         "{place}辖区由所在社区网格员协助办理。", "如有疑问可拨打12345或到{place}政务服务站咨询。"]


def pct(values, q):
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


def line(name, ms, seconds=None):
    extra = f" throughput={len(ms) / seconds:.0f}/s (one thread)" if seconds else ""
    print(f"{name}: n={len(ms)} p50={pct(ms, 50):.1f} ms p95={pct(ms, 95):.1f} ms p99={pct(ms, 99):.1f} ms "
          f"max={max(ms):.1f} ms{extra}", flush=True)


def load_demo():
    build_county()
    KnowledgePoint.objects.all().delete()
    supervisor = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    result = demo_knowledge_load(actor=supervisor)
    assert result.ok, result.errors[:3]
    return supervisor


def generate(total: int, supervisor, seed: int) -> int:
    rng = random.Random(seed)
    base = list(KnowledgePoint.objects.order_by("pk"))
    groups = synonym_store.current()
    words_of: dict[str, list[str]] = {}

    def words(text):  # the variations reuse a few hundred pieces: cut each once
        if text not in words_of:
            words_of[text] = index_line(text, groups)
        return words_of[text]

    today = timezone.localdate()
    now = timezone.now()
    out = io.StringIO()
    writer = csv.writer(out)
    count = total - len(base)
    for i in range(count):
        point = base[i % len(base)]
        place = rng.choice(PLACES)
        title = f"{point.title}（{place}{rng.choice(CHANNELS)}）{rng.choice(YEARS)}"[:120]
        questions = [q for q in point.questions.splitlines() if q]
        rng.shuffle(questions)
        asked = [rng.choice(ASKING).format(place=place) + q if rng.random() < 0.5 else q for q in questions]
        local = rng.choice(LOCAL).format(place=place)
        answer = f"{point.answer}{local}"
        lines = point.search_text.split("\n") + [""] * 4
        title_words = lines[0].split() + [w for w in words(title[len(point.title):]) if w not in lines[0]]
        question_words = lines[1].split() + [w for w in words(place) if w not in lines[1]]
        answer_words = lines[2].split() + [w for w in words(local) if w not in lines[2]]
        pairs = lines[3].split() + bigrams(place)
        search_text = "\n".join(" ".join(x) for x in (title_words, question_words, answer_words, pairs))
        roll = rng.random()
        state = "published" if roll < 0.9 else "draft" if roll < 0.95 else "pending" if roll < 0.98 else "withdrawn"
        roll = rng.random()
        valid_to = (today - dt.timedelta(days=rng.randint(1, 400)) if roll < 0.05 else
                    today + dt.timedelta(days=rng.randint(1, 700)) if roll < 0.15 else None)
        writer.writerow([title, "\n".join(asked), answer, point.sms_answer, point.category_id or NULL,
                         point.unit_id or NULL, point.source_title, point.source_number, point.source_url, "", NULL,
                         valid_to or NULL, point.audience, state, 1, search_text, "", supervisor.pk, now, now,
                         now if state == "published" else NULL])
    columns = ("title, questions, answer, sms_answer, category_id, unit_id, source_title, source_number, source_url, "
               "attachment, valid_from, valid_to, audience, state, version, search_text, review_note, created_by_id, "
               "created_at, updated_at, published_at")
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY knowledge_knowledgepoint ({columns}) FROM STDIN "
                                "WITH (FORMAT csv, NULL '\\N')") as copy:
            copy.write(out.getvalue())
        cursor.execute("VACUUM ANALYZE knowledge_knowledgepoint")
    return count


def typed_prefixes(seed: int) -> dict[int, list[str]]:
    with open(EVAL, encoding="utf-8-sig", newline="") as f:
        questions = [row["question"] for row in csv.DictReader(f)]
    for point in KnowledgePoint.objects.filter(pk__in=KnowledgePoint.objects.order_by("pk").values("pk")[:200]):
        questions += [q for q in point.questions.splitlines() if q]
    random.Random(seed).shuffle(questions)
    return {n: [q[:n] for q in questions if len(q) >= n] for n in (4, 8, 12)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--reuse", action="store_true", help="keep the points already there (no reload)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database (the benchmark is about its index)")
    call_command("migrate", verbosity=0)
    if not args.reuse or KnowledgePoint.objects.count() < args.points:
        started = time.perf_counter()
        supervisor = load_demo()
        made = generate(args.points, supervisor, args.seed)
        print(f"loaded {KnowledgePoint.objects.count()} points ({made} generated) in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    in_force = KnowledgePoint.objects.filter(state="published").count()
    print(f"points: {KnowledgePoint.objects.count()}, published {in_force}", flush=True)
    prefixes = typed_prefixes(args.seed)
    for text in prefixes[8][:30]:  # warm the caches (jieba, the plan, shared buffers)
        point_search(text=text)
    everything = []
    started = time.perf_counter()
    for length, texts in prefixes.items():
        timings = []
        for text in texts:
            t0 = time.perf_counter()
            point_search(text=text)
            timings.append((time.perf_counter() - t0) * 1000)
        line(f"prefix {length:>2} chars", timings)
        everything += timings
    line("overall       ", everything, time.perf_counter() - started)


if __name__ == "__main__":
    main()
