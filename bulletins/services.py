"""Writes of the bulletins app: generating a bulletin (idempotent per template and period: a
regeneration replaces the files), generating whatever the schedule owes, telling recipients by SMS."""
import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from hotline.errors import InvalidInput
from hotline.permissions import OFFICE, require_role
from sms_gateway import codec
from sms_gateway.services import SmsError, message_new, sms_send_many

from .content import bulletin_content
from .models import Bulletin, BulletinTemplate, Kind
from .periods import Period, last_complete, period_containing
from .render import render_pdf, render_xlsx

logger = logging.getLogger(__name__)
SMS_KIND = "bulletin"


def _files(template: BulletinTemplate, period: Period, now: dt.datetime) -> tuple[bytes, bytes, dict]:
    content = bulletin_content(sections=template.sections or [], period=period, now=now)
    generated = timezone.localtime(now)
    pdf = render_pdf(title=template.title, period_label=period.label, intro=template.intro,
                     outro=template.outro, content=content,
                     generated_text=f"{generated:%Y年%m月%d日 %H:%M}生成")
    xlsx = render_xlsx(title=template.title, period_label=period.label, content=content)
    figures = {k: content["volume"][k] for k in ("received", "dispatched", "closed")} if "volume" in content else {}
    return pdf, xlsx, figures


def bulletin_generate(*, template: BulletinTemplate, period_start: dt.date, actor=None,
                      notify: bool = True) -> Bulletin:
    """The bulletin of `template` for the period containing `period_start`, made now. Made again
    for the same template and period, it replaces the earlier files (one row per period)."""
    if actor is not None:
        require_role(actor, *OFFICE, what="生成通报")
    period = period_containing(template.kind, period_start)
    today = timezone.localdate()
    if period.start > today:
        raise InvalidInput("统计期尚未开始，不能生成通报", field="period_start")
    now = timezone.now()
    pdf, xlsx, figures = _files(template, period, now)
    stem = f"{template.kind}-{period.start:%Y%m%d}-t{template.pk}"
    title = f"{template.title}（{period.label}）"
    with transaction.atomic():
        bulletin = (Bulletin.objects.select_for_update()
                    .filter(template=template, period_start=period.start).first())
        old_files = []
        if bulletin is None:
            bulletin = Bulletin(template=template, period_start=period.start)
        else:
            old_files = [f.name for f in (bulletin.pdf, bulletin.xlsx) if f]
            bulletin.revision += 1
        bulletin.kind, bulletin.period_end, bulletin.period_label = template.kind, period.end, period.label
        bulletin.title, bulletin.figures, bulletin.generated_at = title, figures, now
        bulletin.generated_by = actor
        bulletin.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        bulletin.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        bulletin.save()
        storage = bulletin.pdf.storage
        kept = {bulletin.pdf.name, bulletin.xlsx.name}
        transaction.on_commit(lambda: [storage.delete(n) for n in old_files if n not in kept], robust=True)
        if notify:
            bulletin_id = bulletin.pk
            transaction.on_commit(lambda: bulletin_notify(bulletin_id=bulletin_id), robust=True)
    return bulletin


def bulletin_link(bulletin: Bulletin) -> str:
    return f"{settings.PUBLIC_BASE_URL}/bulletins/{bulletin.pk}/pdf/"


def recipient_numbers(template: BulletinTemplate) -> list[str]:
    numbers = {u.phone for u in template.recipients.filter(is_active=True) if u.phone}
    numbers.update(template.phone_list())
    return sorted(n for n in numbers if codec.is_mobile(n))


def bulletin_notify(*, bulletin_id: int) -> int:
    """Tell the template's recipients by SMS, once per generation (dedupe key with the revision);
    the number of messages queued."""
    bulletin = Bulletin.objects.select_related("template").filter(pk=bulletin_id).first()
    if bulletin is None:
        return 0
    body = f"{bulletin.title}已生成，请登录查阅：{bulletin_link(bulletin)}"
    messages = []
    for number in recipient_numbers(bulletin.template):
        try:
            messages.append(message_new(to=number, body=body, kind=SMS_KIND,
                                        dedupe_key=f"bulletin:{bulletin.pk}:{bulletin.revision}:{number}"))
        except SmsError:
            logger.warning("bulletin %s: recipient number refused", bulletin.pk)
    if messages:
        sms_send_many(messages=messages)
    return len(messages)


def generate_after_hour() -> int:
    """Local hour after which the day's scheduled bulletins are made (the rollups have caught up)."""
    return int(getattr(settings, "BULLETIN_GENERATE_AFTER_HOUR", 1))


def bulletins_generate_due(*, now: dt.datetime | None = None) -> list[Bulletin]:
    """The scheduled run: for every active template, the last complete period's bulletin when it
    does not exist yet (never a regeneration: a bulletin the centre remade stays as it is)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < generate_after_hour():
        return []
    made = []
    for template in BulletinTemplate.objects.filter(is_active=True).order_by("id"):
        period = last_complete(template.kind, local.date())
        if Bulletin.objects.filter(template=template, period_start=period.start).exists():
            continue
        try:
            made.append(bulletin_generate(template=template, period_start=period.start))
        except IntegrityError:  # another runner made it meanwhile
            continue
    return made


KIND_TITLES = {Kind.DAILY: "12345热线工作日报", Kind.WEEKLY: "12345热线工作周报", Kind.MONTHLY: "12345热线工作月报"}


def bulletin_recipients_add(*, users) -> int:
    """Every template's recipients gain these users (the demo's leader and duty supervisor; in
    production the centre picks recipients in the admin). The number of templates changed."""
    templates = list(BulletinTemplate.objects.all())
    for template in templates:
        template.recipients.add(*users)
    return len(templates)
