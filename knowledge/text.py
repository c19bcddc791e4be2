"""How the knowledge base reads Chinese: the words of a point (its `search_text`) and of a query.

A point's `search_text` is four lines, one per signal, each a space-separated list of words:

    1. title words      2. question words      3. answer words      4. character bigrams of title + questions

Words are jieba's search-mode cut (住房公积金 → 住房 公积 公积金 住房公积金), lower-cased, without
stopwords and single characters; a synonym group (KnowledgeSynonym) whose word appears in a field
adds the whole group to that field's line, so a query for 公积金 finds a point that only says
住房公积金. Bigrams are the near-miss signal: a mistyped word (公基金) still shares 基金 with the
point. PostgreSQL indexes the four lines as a weighted tsvector (migration 0002); the ranking
itself is `ranking.score`, the same on every database.
"""
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field

import jieba

jieba.setLogLevel(logging.WARNING)
_lock = threading.Lock()
_ready = False

CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"^[\u4e00-\u9fffa-z0-9][\u4e00-\u9fffa-z0-9.\-]*$")
# Words that say nothing about what a citizen asks (how, where, may I…): never a search word.
STOPWORD_TEXT = """
的 了 和 与 及 或 是 在 有 我 你 他 她 它 们 吗 呢 吧 啊 呀 么 哦 嗯 就 都 也 还 要 想 请 问 请问 一下 一个
怎么 怎么样 怎样 如何 什么 哪里 哪儿 哪些 哪个 多少 多久 几天 是否 能否 能不能 可不可以 可以 能 会 应该
需要 需不需要 要不要 为什么 为啥 咋 咋办 怎么办 办法 我们 我家 我的 自己 现在 已经 这个 那个 这样 那样
一些 有没有 没有 不是 还是 或者 以及 关于 对于 进行 相关 问题 情况 您好 你好 谢谢 了解 咨询 知道 告诉
"""
STOPWORDS = frozenset(STOPWORD_TEXT.split())
# A bigram with one of these characters is grammar, not topic (怎么, 了吗, 的话…).
STOP_CHARS = frozenset("的了吗呢吧啊呀么哦嗯是在有我你他她它们就都也还要想请问"
                       "怎样如何什哪多少几否能会该需为啥咋这那些个和与及或对于")
PUNCT = re.compile(r"[\s\u3000-\u303f\uff00-\uffef,.;:!?'\"()\[\]{}<>/\\|@#$%^&*+=~`_-]+")


def ensure_ready() -> None:
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            jieba.initialize()
            _ready = True


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def words(text: str, *, precise: bool = False) -> list[str]:
    """Search words of a text, in order, duplicates kept out. A point's text is cut in search mode
    (住房公积金 also gives 住房, 公积金), so that a query's words, cut precisely (the longest
    words jieba knows), each find it."""
    ensure_ready()
    seen: dict[str, None] = {}
    cut = jieba.lcut if precise else jieba.cut_for_search
    for piece in PUNCT.split(normalize(text)):
        if not piece:
            continue
        for word in cut(piece, HMM=False):
            if len(word) >= 2 and word not in STOPWORDS and WORD.match(word):
                seen.setdefault(word)
    return list(seen)


def bigrams(text: str) -> list[str]:
    """Two-character pieces of every run of Chinese characters, grammar pairs left out."""
    seen: dict[str, None] = {}
    for run in re.findall(r"[\u4e00-\u9fff]+", normalize(text)):
        for i in range(len(run) - 1):
            pair = run[i:i + 2]
            if pair[0] not in STOP_CHARS and pair[1] not in STOP_CHARS:
                seen.setdefault(pair)
    return list(seen)


@dataclass(frozen=True)
class Synonyms:
    """The centre's synonym groups: each word → every word of its groups (itself included)."""

    groups: tuple[tuple[str, ...], ...] = ()
    by_word: dict = field(default_factory=dict)

    @classmethod
    def of(cls, lines) -> "Synonyms":
        groups = []
        by_word: dict[str, set[str]] = {}
        for line in lines:
            group = tuple(dict.fromkeys(w for w in re.split(r"[\s,，、;；=]+", normalize(line)) if w))
            if len(group) < 2:
                continue
            groups.append(group)
            for word in group:
                by_word.setdefault(word, set()).update(group)
        return cls(tuple(groups), {w: frozenset(g) for w, g in by_word.items()})

    def found_in(self, text: str) -> set[str]:
        """Every word of every group one of whose words occurs in `text` (as characters, so that
        a word jieba cuts differently still counts)."""
        text = normalize(text)
        found: set[str] = set()
        for group in self.groups:
            if any(word in text for word in group):
                found.update(group)
        return found


def index_line(text: str, synonyms: Synonyms) -> list[str]:
    line = words(text)
    extra = [w for w in sorted(synonyms.found_in(text)) if w not in line]
    return line + extra


def search_text(*, title: str, questions: str, answer: str, synonyms: Synonyms) -> str:
    """The four lines a point is found by (see the module's docstring)."""
    lines = [
        index_line(title, synonyms),
        index_line(questions, synonyms),
        index_line(answer, synonyms),
        bigrams(f"{title}\n{questions}"),
    ]
    return "\n".join(" ".join(line) for line in lines)


@dataclass(frozen=True)
class Query:
    """What a typed text asks: its words (with the synonyms they bring), the last one typed
    perhaps unfinished (matched as a prefix), and its bigrams."""

    text: str
    words: tuple[str, ...]
    prefix: str
    bigrams: tuple[str, ...]
    expanded: dict  # word → the words that count as it (itself and its synonyms)

    @property
    def empty(self) -> bool:
        return not (self.words or self.prefix or self.bigrams)

    @property
    def wanted(self) -> frozenset:
        """Every word that counts as one of the query's (synonyms included)."""
        return frozenset(w for group in self.expanded.values() for w in group)

    def highlight_words(self) -> set[str]:
        found = {w for group in self.expanded.values() for w in group}
        if self.prefix:
            found.add(self.prefix)
        return found


def parse_query(text: str, synonyms: Synonyms) -> Query:
    text = normalize(text)[:200]
    query_words = words(text, precise=True)
    prefix = ""
    finished = not text or PUNCT.fullmatch(text[-1]) is not None
    if not finished:
        # The last piece typed may be a word begun: 公积金提 → 提(取). jieba's plain cut of the end.
        ensure_ready()
        tail = [w for w in jieba.lcut(PUNCT.split(text)[-1] or "", HMM=False) if w.strip()]
        if tail and tail[-1] not in STOPWORDS and WORD.match(tail[-1]):
            prefix = tail[-1]
    for word in sorted(synonyms.found_in(text)):
        if word in text and word not in query_words:
            query_words.append(word)
    expanded = {w: synonyms.by_word.get(w, frozenset()) | {w} for w in query_words}
    return Query(text=text, words=tuple(query_words), prefix=prefix, bigrams=tuple(bigrams(text)),
                 expanded=expanded)
