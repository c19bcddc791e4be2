"""Tickets (工单) and their append-only event log."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .append_only import AppendOnly


class TicketState(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    PENDING_APPROVAL = "pending_approval", _("待领导批示")
    APPROVED = "approved", _("已批示")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("办理中")
    RETURNED = "returned", _("已退单")
    # 办结审核 (issue 16 item 3): the lead unit replied on a reviewed type; the centre approves
    # (→ replied) or sends it back (→ in_progress). Open; no unit holds it, no light runs.
    REVIEWING = "reviewing", _("待审核")
    REPLIED = "replied", _("已回复")
    REOPENED = "reopened", _("重办")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已并单")
    INVALID = "invalid", _("无效工单")
    # 挂起 (issue 16, item 4): the clock stopped with the centre's approval; open, not handling.
    SUSPENDED = "suspended", _("已挂起")


FINAL_STATES = frozenset({TicketState.CLOSED, TicketState.MERGED, TicketState.INVALID})
OPEN_STATES = frozenset(set(TicketState) - FINAL_STATES)
# States in which a handling unit holds the ticket and its deadline runs. A suspended ticket
# (已挂起) is held by its unit too, but its deadline stands still: it is in neither list of lights.
HANDLING_STATES = frozenset({TicketState.DISPATCHED, TicketState.IN_PROGRESS})
# What citizens and the public board read for a state where it differs from the staff's label:
# a reply awaiting the centre's review is not an answer yet (办结审核, issue 16 item 3).
PUBLIC_STATE_LABELS = {TicketState.REVIEWING: _("办理中")}


def public_state_label(state: str) -> str:
    """The state's name as the citizen (portal, SMS, the LED display) sees it."""
    return str(PUBLIC_STATE_LABELS.get(state) or TicketState(state).label)


class TicketType(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WEB = "web", _("网站")
    API = "api", _("接口")
    WALK_IN = "walk_in", _("来访")
    OPEN311 = "open311", _("Open311")  # issue 19: partner systems over GeoReport v2
    AGENT = "agent", _("代办")  # issue 19: a village agent filed it for a citizen


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class Ticket(models.Model):
    number = models.CharField(_("工单编号"), max_length=16, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    ticket_type = models.CharField(_("诉求类型"), max_length=16, choices=TicketType.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    category = models.ForeignKey(
        "hotline.Category", verbose_name=_("诉求分类"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="tickets",
    )
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("诉求内容"))
    address = models.CharField(_("事发地点"), max_length=200, blank=True)
    area = models.CharField(_("所属区域"), max_length=50, blank=True, db_index=True)
    # issue 19 item 5: where it happened, when known (WGS 84; Open311's lat/long, the portal's
    # "use my location", or the centre of the area chosen).
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    citizen = models.ForeignKey(
        "hotline.Citizen", verbose_name=_("市民"), null=True, blank=True,
        on_delete=models.PROTECT, db_index=False, related_name="tickets",
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=TicketState.choices, default=TicketState.REGISTERED
    )
    state_changed_at = models.DateTimeField(_("状态变更时间"), auto_now_add=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("主管领导"), null=True, blank=True,
        on_delete=models.PROTECT, db_index=False, related_name="tickets_to_instruct",
    )
    # The current lead unit, kept on the ticket so a unit's inbox is one index scan.
    lead_unit = models.ForeignKey(
        "hotline.Unit", verbose_name=_("主办单位"), null=True, blank=True,
        on_delete=models.PROTECT, db_index=False, related_name="lead_tickets",
    )
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    # When the light turns yellow; computed with due_at from the policy so the
    # light is a pure function of (warn_at, due_at, now).
    warn_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    callback_due_at = models.DateTimeField(_("回访时限"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    # issue 18 item 2 (appeals.services.appeal_uphold): the centre upheld the unit's appeal of an
    # overdue; the reports' rollup counts the ticket as on time (not overdue).
    overdue_excused = models.BooleanField(_("超期申诉成立"), default=False, db_default=False)
    closed_by_hotline = models.BooleanField(_("直接答复"), default=False)
    direct_answer = models.TextField(_("答复内容"), blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入工单"), null=True, blank=True,
        on_delete=models.PROTECT, db_index=False, related_name="merged_tickets",
    )
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    # --- issue 16 item 8, complainants protected (hotline.privacy) ---
    # 保密件: set by the operator at registration or later by the centre (confidential_marked).
    # 举报 tickets are confidential whatever this says (hotline.privacy.is_confidential).
    is_confidential = models.BooleanField(_("保密件"), default=False, db_default=False)
    # Bumped by every write to the row. Clients send it back as If-Match so that of two
    # people acting on what they both saw, the second gets a 409 instead of a surprise.
    version = models.PositiveIntegerField(_("版本"), default=1, db_default=1)  # raw bulk loads too
    call_id = models.CharField(_("通话编号"), max_length=64, blank=True, db_index=True)
    # issue 20 item 4: when `pii_retention` took the citizen's identity out of this closed ticket.
    anonymised_at = models.DateTimeField(_("个人信息清除时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
        on_delete=models.SET_NULL, db_index=False, related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Index budget: every ticket write (and the light sweep's UPDATE of thousands of rows)
    # inserts into each index, so none duplicates another. citizen, leader and lead_unit are
    # served by the composite indexes they lead; created_by and merged_into are only followed
    # forwards, never searched (bench/README.md, "Live push and timers").
    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        indexes = [
            models.Index(fields=["lead_unit", "state", "due_at"], name="ticket_unit_inbox"),
            models.Index(fields=["lead_unit", "created_at"], name="ticket_unit_created"),  # a unit's list
            # A unit's inbox in deadline order straight from the index: LIMIT stops after a page.
            # The inbox filters' columns ride along, so its page of ids (api.pagination: keys
            # first) is an index-only scan whatever the light, type or state asked for.
            models.Index(fields=["lead_unit", "due_at", "id"], name="ticket_unit_handling_due",
                         include=["warn_at", "ticket_type", "state"],
                         condition=models.Q(state__in=["dispatched", "in_progress"])),
            # Lists by light, newest first: the deadlines are in the index, so a backward scan
            # of the open tickets checks the light without visiting the table.
            models.Index(fields=["created_at", "due_at", "warn_at"], name="ticket_handling_created",
                         condition=models.Q(state__in=["dispatched", "in_progress"])),
            models.Index(fields=["state", "due_at"], name="ticket_state_due"),
            models.Index(fields=["state", "warn_at"], name="ticket_state_warn"),
            models.Index(fields=["leader", "state"], name="ticket_leader_state"),
            models.Index(fields=["citizen", "created_at"], name="ticket_citizen_created"),
            models.Index(fields=["state", "created_at"], name="ticket_state_created"),
            # issue 19: a partner's or a village agent's own tickets (dispatch.visibility FILER_ROLES)
            models.Index(fields=["created_by", "created_at"], name="ticket_creator_created"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class TicketEvent(AppendOnly):
    """One row per thing that happened to a ticket. Written, never changed."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="events")
    # Indexed by (kind, created_at) below: its prefix serves lookups by kind alone.
    kind = models.CharField(_("事件"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # Who acted when there is no user: "system", "citizen", "sms".
    actor_label = models.CharField(_("操作方"), max_length=60, blank=True)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["ticket", "id"], name="event_ticket_id"),
            # issue 18 item 3 (电子监察): a period's events of a few kinds, without reading the others.
            models.Index(fields=["kind", "created_at"], name="event_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class DailyCounter(models.Model):
    """Per-day sequence behind human-readable ticket numbers (YYMMDD + 5 digits)."""

    day = models.DateField(_("日期"), primary_key=True)
    value = models.PositiveIntegerField(_("当日编号"), default=0)

    def __str__(self) -> str:
        return f"{self.day} {self.value}"


class EventOutbox(models.Model):
    """Events whose notifications are not yet delivered (hotline.outbox): one row per batch,
    written in the events' own transaction, removed once delivered. A worker killed in
    between loses nothing (the batch is delivered again). The table keeps the name it had
    when the outbox lived in dispatch."""

    event_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "dispatch_eventoutbox"

    def __str__(self) -> str:
        return f"outbox {len(self.event_ids)} events"


class RegistrationKey(models.Model):
    """A client's Idempotency-Key for a registration (POST /api/tickets/): the same key from the
    same account gives back the ticket it made, so a client that retries after a timeout or a
    lost answer registers the citizen once. `digest` is the request body's hash: the same key
    with another body is refused rather than answered with an unrelated ticket."""

    actor = models.ForeignKey("hotline.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="registration_key_unique")]

    def __str__(self) -> str:
        return f"{self.key} → {self.ticket_id}"
