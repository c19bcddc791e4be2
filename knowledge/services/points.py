"""Upkeep of knowledge points and their review.

Who: the centre (supervisor, admin) writes any point and is the only one that publishes, sends
back and withdraws; a unit's staff draft and update their own unit's points (a point whose
`unit` is theirs) and submit them; nobody else writes. A point another unit owns is not found
(404), so that unit A never learns what unit B is drafting.

States: draft → submit → pending → publish → published → withdraw → withdrawn (which may be
edited again: it becomes a draft). The centre sends a pending point back to draft with a note.

A change to a published point by its unit does not touch the published text: it is kept in
`revision` (pending review) and search keeps serving the published text until the centre
publishes the change (then it replaces the text and the index) or sends it back (then it is
dropped, kept in the version history with the note). The centre's own edits to a published
point apply at once: the centre is the reviewer.

Every write bumps `version` and writes a KnowledgePointVersion (snapshot, action, who) and an
audit row (KNOWLEDGE_CHANGED: the action, the state and the changed fields before and after) in
the same transaction, and keeps `search_text` current.
"""
import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.changes import diff, short
from audit.models import AuditAction
from audit.services import audit_record
from hotline.errors import Conflict, InvalidInput, NotAllowed, NotFound
from hotline.models import Category, Role, Unit
from hotline.validation import validate_choice, validate_text

from .. import synonyms as synonym_store
from ..models import KnowledgePoint, KnowledgePointVersion
from ..text import search_text

State = KnowledgePoint.State
CENTRE = (Role.SUPERVISOR, Role.ADMIN)
TITLE_MAX = 120
QUESTIONS_MAX = 4000
ANSWER_MAX = 8000
SMS_MAX = 120
NOTE_MAX = 200
TEXT_FIELDS = ("title", "questions", "answer", "sms_answer", "source_title", "source_number", "source_url")
# A source link: http(s) and no white space (the API's schema says the same pattern).
LINK_PATTERN = r"^https?://[^\s\x00]+$"
LINK = re.compile(LINK_PATTERN)
FIELDS = (*TEXT_FIELDS, "category", "unit", "valid_from", "valid_to", "audience")


@dataclass
class PointFields:
    """A point's editable content, checked: what create and update write and a snapshot holds."""

    title: str
    answer: str
    questions: str = ""
    sms_answer: str = ""
    category: Category | None = None
    unit: Unit | None = None
    source_title: str = ""
    source_number: str = ""
    source_url: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    audience: str = KnowledgePoint.Audience.INTERNAL


def is_centre(actor) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.has_role(*CENTRE))


def is_unit_staff(actor) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.has_role(Role.UNIT_STAFF)
                and actor.unit_id)


def require_writer(actor, point: KnowledgePoint | None = None) -> None:
    """The centre writes any point; a unit's staff their own unit's; others nothing. Another
    unit's point is reported as not found, never as forbidden."""
    if is_centre(actor):
        return
    if not is_unit_staff(actor):
        raise NotAllowed("您的角色无权维护知识库")
    if point is not None and point.unit_id != actor.unit_id:
        raise NotFound("知识点不存在")


def require_centre(actor, what: str) -> None:
    if not is_centre(actor):
        raise NotAllowed(f"只有热线中心（值班长、管理员）可以{what}知识点")


def clean_questions(text: str) -> str:
    """One question a line, blank lines and repeats dropped (“；” also separates)."""
    lines = [q.strip() for q in (text or "").replace("；", "\n").replace(";", "\n").splitlines()]
    return "\n".join(dict.fromkeys(q for q in lines if q))


def checked(fields: PointFields) -> PointFields:
    fields.title = validate_text(fields.title, field="title", label="标题", max_length=TITLE_MAX)
    fields.answer = validate_text(fields.answer, field="answer", label="答复口径", max_length=ANSWER_MAX)
    fields.questions = clean_questions(
        validate_text(fields.questions, field="questions", label="常见问法", max_length=QUESTIONS_MAX, required=False))
    fields.sms_answer = validate_text(fields.sms_answer, field="sms_answer", label="短信答复", max_length=SMS_MAX,
                                      required=False)
    fields.source_title = validate_text(fields.source_title, field="source_title", label="政策依据",
                                        max_length=200, required=False)
    fields.source_number = validate_text(fields.source_number, field="source_number", label="文号",
                                         max_length=100, required=False)
    fields.source_url = validate_text(fields.source_url, field="source_url", label="链接", max_length=500,
                                      required=False)
    if fields.source_url and not LINK.match(fields.source_url):
        raise InvalidInput("链接须是 http(s) 地址", field="source_url")
    validate_choice(fields.audience, KnowledgePoint.Audience, field="audience", label="公开范围")
    if fields.valid_from and fields.valid_to and fields.valid_to < fields.valid_from:
        raise InvalidInput("失效日期不能早于生效日期", field="valid_to")
    return fields


def fields_of(point: KnowledgePoint) -> PointFields:
    return PointFields(**{name: getattr(point, name) for name in FIELDS})


def snapshot(fields: PointFields) -> dict:
    """JSON of the content: ids with names, so that history reads well after a rename."""
    data = {name: getattr(fields, name) for name in TEXT_FIELDS}
    data["audience"] = fields.audience
    data["valid_from"] = fields.valid_from.isoformat() if fields.valid_from else None
    data["valid_to"] = fields.valid_to.isoformat() if fields.valid_to else None
    data["category"] = fields.category.pk if fields.category else None
    data["category_name"] = fields.category.full_name if fields.category else ""
    data["unit"] = fields.unit.pk if fields.unit else None
    data["unit_name"] = fields.unit.name if fields.unit else ""
    return data


def from_snapshot(data: dict) -> PointFields:
    category = Category.objects.filter(pk=data.get("category")).first() if data.get("category") else None
    unit = Unit.objects.filter(pk=data.get("unit")).first() if data.get("unit") else None
    day = lambda value: dt.date.fromisoformat(value) if value else None  # noqa: E731
    return PointFields(**{name: data.get(name) or "" for name in TEXT_FIELDS}, category=category, unit=unit,
                       valid_from=day(data.get("valid_from")), valid_to=day(data.get("valid_to")),
                       audience=data.get("audience") or KnowledgePoint.Audience.INTERNAL)


def apply(point: KnowledgePoint, fields: PointFields) -> None:
    for name in FIELDS:
        setattr(point, name, getattr(fields, name))
    point.search_text = search_text(title=fields.title, questions=fields.questions, answer=fields.answer,
                                    synonyms=synonym_store.current())


def record(point: KnowledgePoint, *, actor, action: str, note: str = "", content: dict | None = None) -> None:
    """Bump the version, save the point and write its version row (one transaction: the caller's)."""
    last = point.versions.order_by("-version").first() if point.pk else None
    point.version += 1 if point.pk else 0
    point.updated_by = actor
    point.save()
    content = content if content is not None else snapshot(fields_of(point))
    KnowledgePointVersion.objects.create(
        point=point, version=point.version, state=point.state, action=action, note=note[:NOTE_MAX],
        snapshot=content, changed_by=actor)
    old, new = diff({"state": last.state, **last.snapshot} if last else {}, {"state": point.state, **content})
    audit_record(action=AuditAction.KNOWLEDGE_CHANGED, actor=actor, target=point, target_label=point.title,
                 detail={"op": action, "version": point.version, "note": note[:NOTE_MAX],
                         "before": {k: short(v) for k, v in old.items()},
                         "after": {k: short(v) for k, v in new.items()}})


def own_unit(actor, unit: Unit | None) -> Unit | None:
    """A unit's staff write for their own unit only; the centre for any unit or none."""
    if is_centre(actor):
        return unit
    if unit is not None and unit.pk != actor.unit_id:
        raise NotAllowed("只能维护本单位的知识点", field="unit")
    return actor.unit


def locked(point: KnowledgePoint) -> KnowledgePoint:
    try:
        return KnowledgePoint.objects.select_for_update().get(pk=point.pk)
    except KnowledgePoint.DoesNotExist:
        raise NotFound("知识点不存在") from None


@transaction.atomic
def point_create(*, actor, fields: PointFields, submit: bool = False) -> KnowledgePoint:
    """A new point, a draft (or pending review at once with submit=True)."""
    require_writer(actor)
    fields = checked(fields)
    fields.unit = own_unit(actor, fields.unit)
    point = KnowledgePoint(created_by=actor, state=State.DRAFT, version=1)
    apply(point, fields)
    record(point, actor=actor, action="created")
    if submit:
        return point_submit(point=point, actor=actor)
    return point


@transaction.atomic
def point_update(*, point: KnowledgePoint, actor, fields: PointFields, note: str = "") -> KnowledgePoint:
    """Change a point's content. A draft or pending point changes in place (pending stays
    pending); a withdrawn one becomes a draft; a published one changes at once when the centre
    edits it, and waits for review in `revision` when its unit does (see the module's docstring)."""
    point = locked(point)
    require_writer(actor, point)
    fields = checked(fields)
    fields.unit = own_unit(actor, fields.unit)
    note = validate_text(note, field="note", label="修改说明", max_length=NOTE_MAX, required=False)
    if point.state == State.PUBLISHED and not is_centre(actor):
        point.revision = snapshot(fields)
        point.revision_by = actor
        point.review_note = ""
        record(point, actor=actor, action="revised", note=note, content=point.revision)
        return point
    apply(point, fields)
    if point.state == State.WITHDRAWN:
        point.state = State.DRAFT
    if point.state == State.PUBLISHED:
        # The centre's edit replaces any change a unit had waiting: it read it first.
        point.revision, point.revision_by = None, None
    record(point, actor=actor, action="updated", note=note)
    return point


@transaction.atomic
def point_submit(*, point: KnowledgePoint, actor) -> KnowledgePoint:
    """提交审核: a draft goes to the centre's review queue."""
    point = locked(point)
    require_writer(actor, point)
    if point.state != State.DRAFT:
        raise Conflict("只有草稿可以提交审核", code="state_conflict")
    point.state = State.PENDING
    point.review_note = ""
    record(point, actor=actor, action="submitted")
    return point


@transaction.atomic
def point_publish(*, point: KnowledgePoint, actor) -> KnowledgePoint:
    """发布: a pending point becomes searchable; on a published one, the change waiting in review
    replaces the published text."""
    require_centre(actor, "发布")
    point = locked(point)
    if point.state == State.PUBLISHED and point.revision is not None:
        apply(point, from_snapshot(point.revision))
        point.revision, point.revision_by = None, None
    elif point.state != State.PENDING:
        raise Conflict("该知识点没有待审核的内容", code="state_conflict")
    point.state = State.PUBLISHED
    point.published_at = timezone.now()
    point.published_by = actor
    point.review_note = ""
    point.expiry_notified_at = None  # a new text (perhaps a new validity) earns its own notice
    record(point, actor=actor, action="published")
    return point


@transaction.atomic
def point_send_back(*, point: KnowledgePoint, actor, note: str) -> KnowledgePoint:
    """退回修改 with the reviewer's note: a pending point goes back to draft; a change waiting on a
    published point is dropped (the history keeps it) and the published text stays."""
    require_centre(actor, "退回")
    note = validate_text(note, field="note", label="退回意见", max_length=NOTE_MAX)
    point = locked(point)
    if point.state == State.PUBLISHED and point.revision is not None:
        proposed = point.revision
        point.revision, point.revision_by = None, None
        point.review_note = note
        record(point, actor=actor, action="sent_back", note=note, content=proposed)
        return point
    if point.state != State.PENDING:
        raise Conflict("该知识点没有待审核的内容", code="state_conflict")
    point.state = State.DRAFT
    point.review_note = note
    record(point, actor=actor, action="sent_back", note=note)
    return point


@transaction.atomic
def point_withdraw(*, point: KnowledgePoint, actor, note: str = "") -> KnowledgePoint:
    """撤回: a published point leaves search and the public pages at once."""
    require_centre(actor, "撤回")
    note = validate_text(note, field="note", label="撤回理由", max_length=NOTE_MAX, required=False)
    point = locked(point)
    if point.state != State.PUBLISHED:
        raise Conflict("只有已发布的知识点可以撤回", code="state_conflict")
    point.state = State.WITHDRAWN
    point.revision, point.revision_by = None, None
    record(point, actor=actor, action="withdrawn", note=note)
    return point


def point_for(actor, pk) -> KnowledgePoint:
    """The point `pk` if the actor may see it (see selectors.points_visible_to), else 404."""
    from ..selectors import points_visible_to

    if not str(pk).isdigit() or len(str(pk)) > 18:  # beyond bigint: the database would refuse it
        raise NotFound("知识点不存在")
    try:
        return points_visible_to(actor).get(pk=pk)
    except (KnowledgePoint.DoesNotExist, ValueError, TypeError):
        raise NotFound("知识点不存在") from None
