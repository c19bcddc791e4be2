"""The ranking rule, one for every database: a point's score for a query, from its `search_text`.

    score = words + 0.5 × bigrams + 0.2 × title cover

- words: each query word counts by where the point has it (title 3, questions 2, answer 1, or
  through a synonym, which the point's lines already carry), weighted by its length (longer
  words say more: 公积金 over 办理), divided by what a perfect title match would give: 0…1.
  The unfinished last word matches as a prefix (公积金提 finds 提取) at the same weights.
- bigrams: the share of the query's bigrams found in the title and questions: the near-miss
  signal (公基金提取 still shares 基金 and 提取), 0…1.
- title cover: the share of the title's words the query holds, so that of two points that
  match alike the one whose title is about just that comes first, 0…1.
"""
from dataclasses import dataclass

from .text import Query

FIELD_WEIGHTS = (3.0, 2.0, 1.0)  # title, questions, answer
BIGRAM_WEIGHT = 0.5
TITLE_COVER_WEIGHT = 0.2


def word_weight(word: str) -> float:
    return 1.0 + 0.5 * min(len(word), 4)


@dataclass
class Lines:
    """The four lines of a search_text, each padded with spaces so that ` word ` in a line is a
    whole-word test (a C-level substring search: the ranking reads hundreds of these per query)."""

    title: str
    questions: str
    answer: str
    bigrams: str
    title_words: tuple

    @classmethod
    def of(cls, search_text: str) -> "Lines":
        parts = (search_text or "").split("\n")
        parts += [""] * (4 - len(parts))
        return cls(f" {parts[0]} ", f" {parts[1]} ", f" {parts[2]} ", f" {parts[3]} ", tuple(parts[0].split()))


def _field_score(lines: Lines, alternatives) -> float:
    for weight, line in zip(FIELD_WEIGHTS, (lines.title, lines.questions, lines.answer), strict=True):
        if any(f" {word} " in line for word in alternatives):
            return weight
    return 0.0


def _prefix_score(lines: Lines, prefix: str) -> float:
    for weight, line in zip(FIELD_WEIGHTS, (lines.title, lines.questions, lines.answer), strict=True):
        if f" {prefix}" in line:
            return weight
    return 0.0


def score(query: Query, search_text: str) -> float:
    lines = Lines.of(search_text)
    total = got = 0.0
    for word, alternatives in query.expanded.items():
        weight = word_weight(word)
        total += weight * FIELD_WEIGHTS[0]
        got += weight * _field_score(lines, alternatives)
    if query.prefix and query.prefix not in query.expanded:
        weight = word_weight(query.prefix) * 0.8
        total += weight * FIELD_WEIGHTS[0]
        got += weight * _prefix_score(lines, query.prefix)
    result = got / total if total else 0.0
    if query.bigrams:
        shared = sum(1 for pair in query.bigrams if f" {pair} " in lines.bigrams)
        result += BIGRAM_WEIGHT * shared / len(query.bigrams)
    if lines.title_words:
        wanted = query.wanted
        covered = sum(1 for w in lines.title_words if w in wanted)
        result += TITLE_COVER_WEIGHT * covered / len(lines.title_words)
    return round(result, 6)
