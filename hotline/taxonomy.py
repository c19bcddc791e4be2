"""The three-level category tree (一级分类,二级分类,三级分类) and the words that find its entries."""
import csv
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_TAXONOMY = DATA / "taxonomy.csv"
# 分类,同义词,典型诉求: everyday words and example complaints per category (editable in the admin
# afterwards; loading fills only categories that have none yet).
DEFAULT_SYNONYMS = DATA / "category_synonyms.csv"

# Synonyms are typed with spaces, commas or 、; examples one per line or separated by ；.
SYNONYM_SEPARATORS = re.compile(r"[\s,，、;；]+")
EXAMPLE_SEPARATORS = re.compile(r"[\n;；]+")


def split_synonyms(text: str) -> list[str]:
    return [w for w in SYNONYM_SEPARATORS.split(text or "") if w]


def split_examples(text: str) -> list[str]:
    return [e.strip() for e in EXAMPLE_SEPARATORS.split(text or "") if e.strip()]


def category_search_text(*, full_name: str, synonyms: str, examples: str) -> str:
    """What the console's category search looks in: the path, the synonyms, the examples, in
    lower case (the search lower-cases the query too, so "etc" finds "ETC" on every database)."""
    return "\n".join([full_name, " ".join(split_synonyms(synonyms)), "；".join(split_examples(examples))]).lower()


def load_taxonomy(category_model, path: Path = DEFAULT_TAXONOMY) -> int:
    """Create missing categories; returns how many were created. Idempotent."""
    existing = dict(category_model.objects.values_list("full_name", "pk"))
    created = 0
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            if not row or row[0] == "一级分类":
                continue
            parent_id = None
            for level, name in enumerate((c.strip() for c in row[:3]), start=1):
                if not name:
                    break
                full = "/".join(c.strip() for c in row[:level])
                if full not in existing:
                    obj = category_model.objects.create(name=name, parent_id=parent_id, level=level, full_name=full)
                    existing[full] = obj.pk
                    created += 1
                parent_id = existing[full]
    return created


def load_synonyms(category_model, path: Path = DEFAULT_SYNONYMS) -> int:
    """Give categories without synonyms and examples the shipped ones, and (re)build every
    category's search text. Works on a migration's historical model (no custom save()).
    Returns how many categories got words."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        shipped = {row["分类"].strip(): row for row in csv.DictReader(f)}
    filled = 0
    rows = list(category_model.objects.all())
    for category in rows:
        words = shipped.get(category.full_name)
        if words and not category.synonyms and not category.examples:
            category.synonyms = " ".join(split_synonyms(words["同义词"]))
            category.examples = "\n".join(split_examples(words["典型诉求"]))
            filled += 1
        category.search_text = category_search_text(full_name=category.full_name, synonyms=category.synonyms,
                                                    examples=category.examples)
    category_model.objects.bulk_update(rows, ["synonyms", "examples", "search_text"], batch_size=500)
    return filled
