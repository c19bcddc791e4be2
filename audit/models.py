"""One row per security-relevant act. Append-only: the model refuses updates and deletes,
and on PostgreSQL a trigger refuses them from the application's connection too."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.models.append_only import AppendOnly


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    ACCOUNT_LOCKED = "account_locked", _("账号锁定")
    ACCOUNT_UNLOCKED = "account_unlocked", _("账号解锁")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    SECOND_FACTOR = "second_factor", _("双因素认证变更")
    TOKEN_ISSUED = "token_issued", _("签发接口令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销接口令牌")
    SESSION_EXPIRED = "session_expired", _("会话超时")
    IDENTITY_VIEWED = "identity_viewed", _("查看市民身份")
    IDENTITY_DENIED = "identity_denied", _("拒绝查看市民身份")
    EXPORTED = "exported", _("导出")
    DOWNLOADED = "downloaded", _("下载附件")
    ROLE_CHANGED = "role_changed", _("角色变更")
    ACCOUNT_CHANGED = "account_changed", _("账号变更")
    SETTING_CHANGED = "setting_changed", _("配置变更")
    TEMPLATE_CHANGED = "template_changed", _("模板变更")
    POLICY_CHANGED = "policy_changed", _("规则变更")
    KNOWLEDGE_CHANGED = "knowledge_changed", _("知识点变更")
    PERSONAL_DATA = "personal_data", _("个人信息处理")
    PUBLISHED = "published", _("发布考核结果")
    ARCHIVED = "archived", _("审计记录归档")


class AuditEvent(AppendOnly):
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    action = models.CharField(_("事件"), max_length=32, choices=AuditAction.choices)
    # The account as it was when the row was written: it may be renamed or removed later.
    # DO_NOTHING, not SET_NULL: removing an account must not rewrite its rows (the trigger
    # would refuse the UPDATE); actor_label keeps who it was.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    actor_label = models.CharField(_("操作人（记录时）"), max_length=150, blank=True)
    actor_role = models.CharField(_("角色（记录时）"), max_length=20, blank=True)
    # What was acted on: "ticket", "user", "sms_template", "knowledge_point" … and its key.
    target_type = models.CharField(_("对象类型"), max_length=40, blank=True)
    target_id = models.CharField(_("对象"), max_length=64, blank=True)
    target_label = models.CharField(_("对象名称"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=200, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    succeeded = models.BooleanField(_("成功"), default=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-id"], name="audit_target"),
            models.Index(fields=["actor", "-id"], name="audit_actor"),
            # The audit page's filters, each walked newest first by id (keyset pages).
            models.Index(fields=["action", "-id"], name="audit_action"),
            models.Index(fields=["actor_label", "-id"], name="audit_actor_label"),
            models.Index(fields=["ip", "-id"], name="audit_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.get_action_display()}"

    @property
    def actor_role_label(self) -> str:
        """The recorded role in Chinese (a role renamed or dropped later shows as recorded)."""
        from hotline.models import Role

        return str(dict(Role.choices).get(self.actor_role, self.actor_role))


class AuditArchive(AppendOnly):
    """One archive file of audit rows (audit_archive): written, read back and checked before
    the rows it holds are removed. The PostgreSQL trigger lets the maintenance role delete an
    audit row only when an archive row covers its id, so nothing is dropped unarchived."""

    created_at = models.DateTimeField(_("归档时间"), auto_now_add=True)
    first_id = models.BigIntegerField(_("起始编号"))
    last_id = models.BigIntegerField(_("结束编号"))
    count = models.PositiveIntegerField(_("条数"))
    cutoff = models.DateTimeField(_("截止时间"))
    path = models.CharField(_("归档文件"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("审计归档")
        verbose_name_plural = _("审计归档")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.first_id}–{self.last_id}（{self.count} 条）"


class AuditSeal(AppendOnly):
    """A link of the hash chain over the audit rows (audit_seal, audit_verify): the SHA-256 of
    the previous seal's hash and of every row with an id in [first_id, last_id] as the archive
    writes it. Rewriting, removing or slipping in a row — even by a DBA who can bypass the
    trigger — changes a seal's recomputed hash, unless the DBA rewrites every later seal too;
    the seal task logs each hash, so a copy outside the database gives that away as well."""

    sealed_at = models.DateTimeField(_("封存时间"), auto_now_add=True)
    # Unique: two seal runs at once cannot both extend the chain from the same place.
    first_id = models.BigIntegerField(_("起始编号"), unique=True)
    last_id = models.BigIntegerField(_("结束编号"))
    count = models.PositiveIntegerField(_("条数"))
    prev_hash = models.CharField(_("上一环"), max_length=64)
    hash = models.CharField(_("本环"), max_length=64)

    class Meta:
        verbose_name = _("审计封存")
        verbose_name_plural = _("审计封存")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.first_id}–{self.last_id} {self.hash[:12]}"
