"""督办通知书: issuing the written supervision notice and rendering it (HTML print view, PDF).

The sweep issues notices in bulk inside its own transaction (dispatch.timers); a
supervisor's 督办 issues one through the `supervise` event subscriber below. The PDF
uses reportlab's built-in CJK CID font (STSong-Light): nothing is fetched, and PDF
readers supply the glyphs.
"""
import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from hotline.models import Role, TicketEvent
from hotline.privacy import ticket_as_seen_as

from .models import SupervisionNotice
from .timers import days_overdue, notice_demand

logger = logging.getLogger(__name__)
CJK_FONT = "STSong-Light"


def supervision_notice_issue(*, event: TicketEvent) -> SupervisionNotice:
    """The notice for a `supervise` event (idempotent: one per event)."""
    existing = SupervisionNotice.objects.filter(event=event).first()
    if existing:
        return existing
    ticket = event.ticket
    # A unit's document: its title and demand as the unit may read them (issue 16 item 8, hotline.privacy).
    lens = ticket_as_seen_as(ticket=ticket, role=Role.UNIT_STAFF)
    try:
        with transaction.atomic():
            return SupervisionNotice.objects.create(
                ticket=ticket, event=event, unit=ticket.lead_unit,
                unit_name=ticket.lead_unit.name if ticket.lead_unit_id else "",
                ticket_number=ticket.number, ticket_title=lens.title[:200], due_at=ticket.due_at,
                days_overdue=days_overdue(ticket.due_at, event.created_at),
                demand=notice_demand(lens.text((event.payload or {}).get("note", ""))),
                issued_by=event.actor_label or "系统",
            )
    except IntegrityError:  # a concurrent delivery of the same event won
        return SupervisionNotice.objects.get(event=event)


def on_supervise_event(event: TicketEvent) -> None:
    """hotline.notify subscriber: every `supervise` event has its notice, rendered to PDF."""
    if event.kind != "supervise":
        return
    notice = supervision_notice_issue(event=event)
    if not notice.file:
        from .tasks import render_supervision_notice

        render_supervision_notice.delay(notice.pk)


def local(value):
    return timezone.localtime(value) if value else None


def notice_context(notice: SupervisionNotice) -> dict:
    due = local(notice.due_at)
    issued = local(notice.created_at)
    status = f"已超过办理时限{notice.days_overdue}天" if notice.days_overdue else "即将到期，尚未办结"
    return {
        "notice": notice,
        "office": settings.HOTLINE_OFFICE_NAME,
        "serial": notice.serial,
        "unit_name": notice.unit_name or "承办单位",
        "due_text": f"{due:%Y年%m月%d日 %H:%M}" if due else "未设定",
        "issued_text": f"{issued:%Y年%m月%d日}",
        "status": status,
        "body": (
            f"你单位承办的第{notice.ticket_number}号工单「{notice.ticket_title}」，"
            f"办理时限为{f'{due:%Y年%m月%d日 %H:%M}' if due else '未设定'}，{status}。"
            f"根据热线工单办理督办制度，现予督办。"
        ),
        "demand_lines": [line for line in notice.demand.splitlines() if line.strip()],
    }


def render_notice_pdf(notice: SupervisionNotice) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    ctx = notice_context(notice)

    def style(name, **kw):
        return ParagraphStyle(name, fontName=CJK_FONT, wordWrap="CJK", **kw)

    title = style("title", fontSize=26, leading=36, alignment=TA_CENTER, textColor="#b00000")
    center = style("center", fontSize=12, leading=18, alignment=TA_CENTER)
    body = style("body", fontSize=13, leading=24, firstLineIndent=26)
    plain = style("plain", fontSize=13, leading=24)
    right = style("right", fontSize=13, leading=24, alignment=TA_RIGHT)
    cell = style("cell", fontSize=11, leading=16)

    def p(text, st):
        return Paragraph(escape(text), st)

    rows = [
        ["工单编号", notice.ticket_number, "承办单位", ctx["unit_name"]],
        ["办理时限", ctx["due_text"], "超期天数", f"{notice.days_overdue}天"],
        ["诉求标题", notice.ticket_title, "", ""],
    ]
    table = Table([[p(c, cell) for c in row] for row in rows], colWidths=[22 * mm, 58 * mm, 22 * mm, 58 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, "#444444"), ("SPAN", (1, 2), (3, 2)),
        ("BACKGROUND", (0, 0), (0, -1), "#f2f2f2"), ("BACKGROUND", (2, 0), (2, 1), "#f2f2f2"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story = [
        p(ctx["office"], center), Spacer(1, 4 * mm), p("督办通知书", title), p(ctx["serial"], center),
        Spacer(1, 8 * mm), p(f"{ctx['unit_name']}：", plain), p(ctx["body"], body), Spacer(1, 4 * mm),
        table, Spacer(1, 6 * mm), p("督办要求：", plain),
        *[p(line, body) for line in ctx["demand_lines"]],
        Spacer(1, 14 * mm), p(ctx["office"], right), p(ctx["issued_text"], right),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                            topMargin=25 * mm, bottomMargin=25 * mm,
                            title=f"督办通知书 {notice.ticket_number}", author=ctx["office"])
    doc.build(story)
    return buffer.getvalue()


def notice_render_file(*, notice_id: int) -> bool:
    """Render and store the PDF once (idempotent). Returns False when there was nothing to do."""
    notice = SupervisionNotice.objects.filter(pk=notice_id).first()
    if notice is None or notice.file:
        return False
    name = f"notice-{notice.pk}.pdf"
    stored = notice.file.storage.save(notice.file.field.generate_filename(notice, name),
                                      ContentFile(render_notice_pdf(notice)))
    claimed = SupervisionNotice.objects.filter(pk=notice.pk, file="").update(file=stored)
    if not claimed:  # rendered concurrently: keep theirs
        notice.file.storage.delete(stored)
    return bool(claimed)


def notice_pdf_bytes(notice: SupervisionNotice) -> bytes:
    """The stored PDF, rendering and storing it first if the worker has not yet."""
    if not notice.file:
        notice_render_file(notice_id=notice.pk)
        notice.refresh_from_db(fields=["file"])
    try:
        with notice.file.open("rb") as f:
            return f.read()
    except (FileNotFoundError, ValueError):
        logger.warning("notice %s file missing; rendering again", notice.pk)
        return render_notice_pdf(notice)
