"""The centre's synonym groups (公积金 = 住房公积金), and re-indexing the points they touch.

An edit re-indexes only the points whose text holds a word of the group before or after the
edit: one query finds them (a substring match over their stored text), their `search_text` is
recomputed in Python (jieba) and written back with one bulk UPDATE per 500 points."""
import re

from django.db import transaction
from django.db.models import Q

from audit.models import AuditAction
from audit.services import audit_record
from hotline.validation import validate_text

from .. import synonyms as synonym_store
from ..models import KnowledgePoint, KnowledgeSynonym
from ..text import normalize, search_text
from .points import require_centre

BATCH = 500


def group_words(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in re.split(r"[\s,，、;；=]+", normalize(text)) if w))


def checked_words(text: str) -> str:
    text = validate_text(text, field="words", label="同义词", max_length=300)
    found = group_words(text)
    if len(found) < 2:
        from hotline.errors import InvalidInput

        raise InvalidInput("一组同义词至少要有两个词，用空格分隔", field="words")
    return " ".join(found)


def reindex(words: set[str] | None = None) -> int:
    """Recompute the search text of the points holding any of `words` (None: every point)."""
    qs = KnowledgePoint.objects.all()
    if words is not None:
        if not words:
            return 0
        match = Q()
        for word in words:
            match |= Q(title__icontains=word) | Q(questions__icontains=word) | Q(answer__icontains=word)
        qs = qs.filter(match)
    groups = synonym_store.current()
    done = 0
    rows = qs.only("pk", "title", "questions", "answer", "search_text").order_by("pk")
    batch = []
    for point in rows.iterator(chunk_size=BATCH):
        point.search_text = search_text(title=point.title, questions=point.questions, answer=point.answer,
                                        synonyms=groups)
        batch.append(point)
        if len(batch) >= BATCH:
            done += KnowledgePoint.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        done += KnowledgePoint.objects.bulk_update(batch, ["search_text"])
    return done


def _audit(actor, synonym: KnowledgeSynonym, *, op: str, before: str, after: str) -> None:
    audit_record(action=AuditAction.KNOWLEDGE_CHANGED, actor=actor, target=synonym, target_label=synonym.words[:200],
                 detail={"op": op, "before": {"words": before} if before else {},
                         "after": {"words": after} if after else {}})


@transaction.atomic
def synonym_save(*, actor, words: str, synonym: KnowledgeSynonym | None = None) -> KnowledgeSynonym:
    """Add a group, or change one; the points holding its old or new words are re-indexed."""
    require_centre(actor, "维护同义词")
    words = checked_words(words)
    before = set(group_words(synonym.words)) if synonym is not None else set()
    old_words = synonym.words if synonym is not None else ""
    synonym = synonym or KnowledgeSynonym()
    synonym.words = words
    synonym.save()
    _audit(actor, synonym, op="changed" if old_words else "created", before=old_words, after=words)
    synonym_store.forget()
    reindex(before | set(group_words(words)))
    return synonym


@transaction.atomic
def synonym_delete(*, actor, synonym: KnowledgeSynonym) -> None:
    require_centre(actor, "维护同义词")
    words = set(group_words(synonym.words))
    _audit(actor, synonym, op="deleted", before=synonym.words, after="")
    synonym.delete()
    synonym_store.forget()
    reindex(words)


@transaction.atomic
def synonyms_replace(*, actor, lines: list[str]) -> int:
    """The whole list at once (the demo's synonyms.txt, the editor's text box): every point re-indexed."""
    require_centre(actor, "维护同义词")
    groups = [" ".join(group_words(line)) for line in lines if len(group_words(line)) >= 2]
    before = KnowledgeSynonym.objects.count()
    KnowledgeSynonym.objects.all().delete()
    KnowledgeSynonym.objects.bulk_create([KnowledgeSynonym(words=g[:300]) for g in groups])
    audit_record(action=AuditAction.KNOWLEDGE_CHANGED, actor=actor, target_type="knowledgesynonym",
                 target_label="同义词表", detail={"op": "replaced", "before": {"groups": before},
                                                  "after": {"groups": len(groups)}})
    synonym_store.forget()
    reindex(None)
    return len(groups)
