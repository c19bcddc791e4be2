"""The knowledge base (知识库): points that say the centre's one answer (口径) to a question.

A point belongs to a responsible unit (or to the centre when it has none); the unit drafts and
updates it, the centre reviews and publishes. Search reads only published points inside their
validity window; `audience` says whether citizens may see it (portal FAQ, SMS keyword).
Every change is a version row; every use on a ticket is a KnowledgeUse row.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KnowledgePoint(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("公开")
        INTERNAL = "internal", _("内部")

    title = models.CharField(_("标题"), max_length=120)
    # 常见问法: the ways citizens ask it, one per line.
    questions = models.TextField(_("常见问法"), blank=True, default="")
    answer = models.TextField(_("答复口径"))
    # What an SMS reply carries (at most two SMS parts with the link); empty: cut from the answer.
    sms_answer = models.CharField(_("短信答复"), max_length=120, blank=True, default="")
    category = models.ForeignKey("hotline.Category", verbose_name=_("分类"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="knowledge_points")
    # Null: the centre's own point.
    unit = models.ForeignKey("hotline.Unit", verbose_name=_("责任单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="knowledge_points")
    source_title = models.CharField(_("政策依据"), max_length=200, blank=True, default="")
    source_number = models.CharField(_("文号"), max_length=100, blank=True, default="")
    source_url = models.URLField(_("链接"), max_length=500, blank=True, default="")
    attachment = models.FileField(_("附件"), upload_to="knowledge/%Y/%m/", blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    audience = models.CharField(_("公开范围"), max_length=10, choices=Audience.choices,
                                default=Audience.INTERNAL)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # The segmented words of title, questions and answer (jieba, synonyms expanded), kept by the
    # services on every save: what the search matches and PostgreSQL indexes.
    search_text = models.TextField(_("检索词"), blank=True, default="", editable=False)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True, default="")
    # A change to a published point by its unit waits here for review (the same fields as a
    # version's snapshot) while the published text keeps serving search; publishing applies it.
    revision = models.JSONField(_("待审核的修改"), null=True, blank=True, editable=False)
    revision_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("修改提交人"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, verbose_name=_("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     null=True, blank=True, verbose_name=_("发布人"))
    # Set when the 30-day expiry notice went out, so that the daily task tells once.
    expiry_notified_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("知识点")
        verbose_name_plural = _("知识点")
        indexes = [
            models.Index(fields=["state", "audience"], name="kp_state_audience"),
            models.Index(fields=["unit", "state"], name="kp_unit_state"),
            models.Index(fields=["valid_to"], name="kp_valid_to"),
        ]

    def __str__(self) -> str:
        return self.title


class KnowledgePointVersion(models.Model):
    """What a point said at one version, and who changed it: the history the admin and the page show."""

    point = models.ForeignKey(KnowledgePoint, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    state = models.CharField(_("状态"), max_length=10, choices=KnowledgePoint.State.choices)
    # Every editable field at that version (title, questions, answer, category, unit, source…).
    snapshot = models.JSONField(_("内容"))
    action = models.CharField(_("操作"), max_length=20)  # created, updated, submitted, published, …
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("操作人"))
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("知识点版本")
        verbose_name_plural = _("知识点版本")
        ordering = ["point", "-changed_at", "-id"]
        indexes = [models.Index(fields=["point", "-changed_at"], name="kpv_point_changed")]

    def __str__(self) -> str:
        return f"{self.point_id} v{self.version}"


class KnowledgeSynonym(models.Model):
    """One group of words that mean the same to a citizen (公积金 = 住房公积金), edited by the centre."""

    words = models.CharField(_("同义词"), max_length=300,
                             help_text=_("用空格或逗号分隔，如：公积金 住房公积金"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")

    def __str__(self) -> str:
        return self.words


class KnowledgeUse(models.Model):
    """A point used: inserted as a direct answer, shown to a unit, marked unhelpful, sent by SMS."""

    class Kind(models.TextChoices):
        ANSWERED = "answered", _("直接答复引用")
        UNIT_REPLY = "unit_reply", _("单位答复引用")
        NOT_HELPFUL = "not_helpful", _("无帮助")
        SMS = "sms", _("短信查询")
        PORTAL = "portal", _("网站查看")

    point = models.ForeignKey(KnowledgePoint, on_delete=models.CASCADE, related_name="uses")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="knowledge_uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    query = models.CharField(_("检索内容"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("知识点使用")
        verbose_name_plural = _("知识点使用")
        indexes = [
            models.Index(fields=["point", "kind"], name="kuse_point_kind"),
            models.Index(fields=["kind", "created_at"], name="kuse_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.kind}"
