"""Outbox and inbox, the parts the SMSC sees, API accounts, status callbacks and templates.

Every SMS in either direction is one Message row with a Twilio-style sid. An
outbound message sent over SMPP is split into MessagePart rows, one per
submit_sm, each tracked from "queued" to the SMSC's receipt, so that a crash or
a dropped connection at any moment leaves a record of exactly what the SMSC may
have seen. Long inbound texts arrive as InboundPart rows until the last part
completes them.
"""
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_message_sid() -> str:
    return "SM" + secrets.token_hex(16)


def new_account_sid() -> str:
    return "AC" + secrets.token_hex(16)


def new_auth_token() -> str:
    return secrets.token_hex(16)


class ApiAccount(models.Model):
    """A client of the Twilio-compatible API: AccountSid + AuthToken (HTTP Basic).

    The token is kept readable because, as with Twilio, it is also the HMAC key
    that signs status callbacks and inbound webhooks."""

    sid = models.CharField("Account SID", max_length=34, unique=True, default=new_account_sid)
    auth_token = models.CharField("Auth Token", max_length=64, default=new_auth_token)
    friendly_name = models.CharField(_("名称"), max_length=64)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("短信接口账号")
        verbose_name_plural = _("短信接口账号")

    def __str__(self) -> str:
        return f"{self.friendly_name} ({self.sid})"


class Direction(models.TextChoices):
    INBOUND = "inbound", _("上行")
    OUTBOUND_API = "outbound-api", _("下行（接口/通知）")
    OUTBOUND_REPLY = "outbound-reply", _("下行（回复）")


class Status(models.TextChoices):
    QUEUED = "queued", _("排队中")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已提交")
    DELIVERED = "delivered", _("已送达")
    UNDELIVERED = "undelivered", _("未送达")
    FAILED = "failed", _("发送失败")
    RECEIVED = "received", _("已接收")


FINAL_STATUSES = frozenset({Status.DELIVERED, Status.UNDELIVERED, Status.FAILED, Status.RECEIVED})


class IntakeState(models.TextChoices):
    NONE = "", _("不适用")
    PENDING = "pending", _("待处理")
    DONE = "done", _("已处理")
    FAILED = "failed", _("处理失败")


class Message(models.Model):
    sid = models.CharField("SID", max_length=34, unique=True, default=new_message_sid)
    account = models.ForeignKey(
        ApiAccount, verbose_name=_("接口账号"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="messages",
    )
    direction = models.CharField(_("方向"), max_length=16, choices=Direction.choices)
    from_number = models.CharField(_("发送方"), max_length=21)
    to_number = models.CharField(_("接收方"), max_length=21)
    body = models.TextField(_("内容"), blank=True)
    num_segments = models.PositiveSmallIntegerField(_("条数"), default=1)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    error_code = models.PositiveIntegerField(_("错误码"), null=True, blank=True)
    error_message = models.CharField(_("错误信息"), max_length=255, blank=True)
    date_created = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    date_updated = models.DateTimeField(_("更新时间"), auto_now=True)
    date_sent = models.DateTimeField(_("发送时间"), null=True, blank=True)
    status_callback = models.URLField(_("状态回调地址"), max_length=500, blank=True)
    transport = models.CharField(_("通道"), max_length=16, blank=True)
    # Template key of a notice, "api", "reply" or "inbound": what the message was for.
    kind = models.CharField(_("类别"), max_length=40, blank=True, db_index=True)
    optional = models.BooleanField(_("可退订"), default=False)
    ticket = models.ForeignKey(
        "hotline.Ticket", verbose_name=_("工单"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="sms_messages",
    )
    # Idempotency: one notice per (template, event, recipient); one row per inbound MessageSid.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    # Concatenation reference (UDH) shared by all parts of a long outbound message.
    concat_ref = models.PositiveSmallIntegerField(null=True, blank=True)
    # Inbound: hash of what the SMSC delivered, to drop a re-delivered copy.
    content_hash = models.CharField(max_length=40, blank=True, db_index=True)
    intake_state = models.CharField(_("受理"), max_length=8, choices=IntakeState.choices, blank=True,
                                    default=IntakeState.NONE)
    intake_note = models.CharField(_("受理结果"), max_length=255, blank=True)
    # Inbound transport details (data coding, raw bytes when they did not decode, part count).
    meta = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["account", "id"], name="sms_account_id"),
            models.Index(fields=["to_number", "id"], name="sms_to_id"),
            models.Index(fields=["from_number", "id"], name="sms_from_id"),
            models.Index(fields=["intake_state", "id"], name="sms_intake"),
        ]

    def __str__(self) -> str:
        return self.sid

    @property
    def smsc_message_ids(self) -> list[str]:
        return [p.smsc_message_id for p in self.parts.all() if p.smsc_message_id]


class PartState(models.TextChoices):
    QUEUED = "queued", _("待提交")
    SUBMITTING = "submitting", _("已发出待响应")
    IN_DOUBT = "in_doubt", _("结果未知")
    ACCEPTED = "accepted", _("短信中心已接收")
    DELIVERED = "delivered", _("已送达")
    UNDELIVERED = "undelivered", _("未送达")
    FAILED = "failed", _("失败")


class MessagePart(models.Model):
    """One submit_sm. The state says what the SMSC may know of it:
    queued (nothing), submitting/in_doubt (maybe), accepted and later (it has it)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="parts")
    seq = models.PositiveSmallIntegerField(_("序号"))
    total = models.PositiveSmallIntegerField(_("总数"))
    payload = models.BinaryField(_("编码内容"))  # UDH + UCS2 bytes, identical on every attempt
    state = models.CharField(_("状态"), max_length=12, choices=PartState.choices, default=PartState.QUEUED)
    # user_message_reference: echoed in receipts, so an in-doubt submit can be recognised.
    umr = models.PositiveIntegerField(default=0)
    smsc_message_id = models.CharField(max_length=65, null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    session = models.CharField(max_length=40, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    doubt_since = models.DateTimeField(null=True, blank=True)
    error_code = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信分段")
        verbose_name_plural = _("短信分段")
        ordering = ["message_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["message", "seq"], name="sms_part_unique")]
        indexes = [
            models.Index(fields=["state", "id"], name="sms_part_state"),
            models.Index(fields=["umr", "state"], name="sms_part_umr"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.seq}/{self.total}"


class InboundPart(models.Model):
    """A part of a long MO message, kept until its siblings arrive."""

    source = models.CharField(max_length=21)
    destination = models.CharField(max_length=21)
    ref = models.PositiveIntegerField()
    total = models.PositiveSmallIntegerField()
    seq = models.PositiveSmallIntegerField()
    data_coding = models.PositiveSmallIntegerField(default=0)
    payload = models.BinaryField()
    content_hash = models.CharField(max_length=40)
    received_at = models.DateTimeField(auto_now_add=True)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("上行分段")
        verbose_name_plural = _("上行分段")
        indexes = [
            models.Index(fields=["source", "ref", "total"], name="sms_inpart_group"),
            models.Index(fields=["message", "received_at"], name="sms_inpart_open"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.ref} {self.seq}/{self.total}"


class StatusCallback(models.Model):
    """A status change to POST to a message's StatusCallback, retried until it lands."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="callbacks")
    url = models.URLField(max_length=500)
    params = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    given_up = models.BooleanField(default=False)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("状态回调")
        verbose_name_plural = _("状态回调")

    def __str__(self) -> str:
        return f"{self.message_id} {self.params.get('MessageStatus')}"


class Recipient(models.TextChoices):
    CITIZEN = "citizen", _("市民")
    LEADER = "leader", _("领导")
    UNIT_HEAD = "unit_head", _("承办单位负责人")
    AGENT = "agent", _("代办员")  # issue 19: a copy of the citizen's notices (agents/)


class SmsTemplate(models.Model):
    """The text of every message the hotline sends. Placeholders in {braces}."""

    key = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    recipient = models.CharField(_("接收人"), max_length=12, choices=Recipient.choices)
    text = models.TextField(_("内容"))
    optional = models.BooleanField(
        _("可退订"), default=True, help_text=_("市民退订后不再发送此类短信"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    placeholders = models.CharField(_("可用占位符"), max_length=255, blank=True, editable=False)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name
