"""Partner keys (issue 19 item 2) and Open311 service definitions (item 1).

A key is shown once and stored only as its SHA-256: the keys are 256-bit random strings, so a
plain digest cannot be reversed and looking one up stays a single indexed equality."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKey(models.Model):
    name = models.CharField(_("合作方名称"), max_length=100, unique=True)
    # The PARTNER account the tickets are created_by: what the key may later see (dispatch.visibility).
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("合作方账号"),
                                on_delete=models.PROTECT, related_name="partner_key")
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False,
                                  help_text=_("密钥的前几位，用于辨认，不能用来调用"))
    is_enabled = models.BooleanField(_("启用"), default=True)
    services = models.ManyToManyField("hotline.Category", verbose_name=_("允许的服务"), blank=True,
                                      related_name="+", help_text=_("不选则可提交全部服务（诉求分类）"))
    per_minute = models.PositiveIntegerField(_("每分钟请求上限"), default=60)
    per_hour = models.PositiveIntegerField(_("每小时请求上限"), default=1000)
    requests_total = models.PositiveBigIntegerField(_("累计请求数"), default=0, editable=False)
    filed_total = models.PositiveBigIntegerField(_("累计提交工单数"), default=0, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("合作方密钥")
        verbose_name_plural = _("合作方密钥")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"


class PartnerKeyUsage(models.Model):
    """Requests and filed tickets of one key on one day (Asia/Shanghai)."""

    key = models.ForeignKey(PartnerKey, verbose_name=_("密钥"), on_delete=models.CASCADE, related_name="usage")
    day = models.DateField(_("日期"))
    requests = models.PositiveIntegerField(_("请求数"), default=0)
    filed = models.PositiveIntegerField(_("提交工单数"), default=0)

    class Meta:
        verbose_name = _("密钥每日用量")
        verbose_name_plural = _("密钥每日用量")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="open311_usage_key_day")]

    def __str__(self) -> str:
        return f"{self.key_id} {self.day}"


class Datatype(models.TextChoices):
    STRING = "string", _("单行文本")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("多行文本")
    SINGLEVALUELIST = "singlevaluelist", _("单选")
    MULTIVALUELIST = "multivaluelist", _("多选")


class ServiceAttribute(models.Model):
    """An extra question of a service (a category): GeoReport v2 service definition attributes."""

    category = models.ForeignKey("hotline.Category", verbose_name=_("诉求分类"), on_delete=models.CASCADE,
                                 related_name="open311_attributes")
    code = models.SlugField(_("代码"), max_length=50, help_text=_("提交时的参数名为 attribute[代码]"))
    description = models.CharField(_("问题"), max_length=200)
    datatype = models.CharField(_("类型"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    datatype_description = models.CharField(_("填写说明"), max_length=200, blank=True)
    required = models.BooleanField(_("必填"), default=False)
    # false: a note shown to the user, not a question (the spec's "variable")
    variable = models.BooleanField(_("需要填写"), default=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)

    class Meta:
        verbose_name = _("服务附加项")
        verbose_name_plural = _("服务附加项")
        ordering = ["category", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code")]

    def __str__(self) -> str:
        return f"{self.category.name}：{self.description}"


class ServiceAttributeValue(models.Model):
    attribute = models.ForeignKey(ServiceAttribute, verbose_name=_("附加项"), on_delete=models.CASCADE,
                                  related_name="values")
    key = models.CharField(_("值"), max_length=50)
    name = models.CharField(_("名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)

    class Meta:
        verbose_name = _("可选值")
        verbose_name_plural = _("可选值")
        ordering = ["attribute", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["attribute", "key"], name="open311_value_key")]

    def __str__(self) -> str:
        return self.name


class ServiceRequest(models.Model):
    """What an Open311 POST carried beyond the ticket: the key, the answers to the definition,
    the media link and the address id. The ticket itself is an ordinary one."""

    ticket = models.OneToOneField("hotline.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE,
                                  related_name="open311_request")
    key = models.ForeignKey(PartnerKey, verbose_name=_("密钥"), on_delete=models.PROTECT, related_name="+")
    service_code = models.CharField(_("服务代码"), max_length=20)
    attributes = models.JSONField(_("附加项"), default=dict, blank=True)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    address_id = models.CharField(_("地址编号"), max_length=100, blank=True)
    # Personal data: kept for the centre to answer by e-mail, never in a GET answer.
    email = models.EmailField(_("联系邮箱"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311请求")
        verbose_name_plural = _("Open311请求")

    def __str__(self) -> str:
        return f"Open311 {self.service_code} → {self.ticket_id}"
