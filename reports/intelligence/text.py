"""jieba set up once per process for hotline text: the custom dictionary (local terms,
place names, unit names) and stopwords shared by the classifier and hot topics."""
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba

DATA = Path(__file__).resolve().parent.parent / "data"
_lock = threading.Lock()
_ready = False
# A topic word starts with a Chinese character, or is letters only: "A7" and "L9" (the
# published messages' anonymised place codes) are never a topic.
WORD_RE = re.compile(r"^(?:[\u4e00-\u9fa5][\u4e00-\u9fa5A-Za-z0-9]*|[A-Za-z]+)$")

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = (DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def local_names() -> list[str]:
    """Unit names and the areas tickets were filed under, so jieba keeps them whole."""
    try:
        from hotline.models import Unit

        return list(Unit.objects.values_list("name", flat=True)[:2000])
    except Exception:  # no database yet (e.g. during migrate): the static dictionary suffices
        return []


def ensure_ready() -> None:
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        jieba.initialize()
        jieba.load_userdict(str(DATA / "userdict.txt"))
        for name in local_names():
            jieba.add_word(name, freq=20, tag="nt")
        _ready = True


def cut(text: str) -> list[str]:
    ensure_ready()
    return jieba.lcut(text, HMM=False)


def words(text: str) -> list[str]:
    """Meaningful tokens: two or more characters, not a stopword, not a number."""
    stop = stopwords()
    return [w for w in cut(text) if len(w) >= 2 and w not in stop and WORD_RE.match(w)]
