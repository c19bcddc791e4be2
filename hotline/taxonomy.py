"""Loading the three-level category tree from CSV (一级分类,二级分类,三级分类)."""
import csv
from pathlib import Path

DEFAULT_TAXONOMY = Path(__file__).resolve().parent / "data" / "taxonomy.csv"


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
