"""Who takes part: staff users with a role, handling units, citizens."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import DigestField, EncryptedCharField

# Mainland mobile (1xxxxxxxxxx) or a landline with area code (0xx-xxxxxxx[x]).
PHONE_REGEX = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"
phone_validator = RegexValidator(PHONE_REGEX, _("请输入有效的手机号或带区号的固定电话"))


class Role(models.TextChoices):
    OPERATOR = "operator", _("话务员")
    SUPERVISOR = "supervisor", _("值班长")
    LEADER = "leader", _("领导")
    UNIT_STAFF = "unit_staff", _("承办单位")
    DISPLAY = "display", _("显示屏")
    ADMIN = "admin", _("中心管理员")
    # 三员分立 (等保 2.0): accounts and settings; roles; the audit log. None of them reads
    # citizens' personal data or handles tickets.
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
    # An account the system administrator created and the security administrator has not yet
    # given a role (and the bootstrap superuser, which holds none): it may sign in, and sees nothing.
    UNASSIGNED = "unassigned", _("未分配角色")
    # issue 19: outside filers. A partner system files through Open311 or the REST API with its
    # own key and sees only what it filed; a village agent (代办员) files for villagers and
    # follows only the tickets they filed.
    PARTNER = "partner", _("合作系统")
    AGENT = "agent", _("代办员")


class HotlineUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`createsuperuser` makes the bootstrap account: no business role (see User.has_role)."""
        extra_fields.setdefault("role", Role.UNASSIGNED)
        return super().create_superuser(username, email, password, **extra_fields)


class Unit(models.Model):
    """A handling unit (承办单位). Units form a tree: district → department → town."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区县")
        DEPARTMENT = "department", _("部门")
        TOWN = "town", _("乡镇街道")
        ENTERPRISE = "enterprise", _("公共企事业")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path "/1/7/" so that a unit and all its sub-units is one
    # indexed prefix match instead of a recursive walk.
    path = models.CharField(_("层级路径"), max_length=255, db_index=True, editable=False, default="/")
    head_name = models.CharField(_("负责人"), max_length=50, blank=True)
    head_phone = models.CharField(_("负责人手机"), max_length=20, blank=True, validators=[phone_validator])
    keywords = models.TextField(_("职责关键词"), blank=True, help_text=_("以空格分隔，用于智能派单"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            Unit.objects.filter(pk=self.pk).update(path=path)
            self.path = path
            if old != "/":
                # Re-root descendants when a unit moves in the tree.
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.save()


class User(AbstractUser):
    """A staff member or a device. Citizens are not users; they are Citizen rows."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.OPERATOR)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="staff",
    )
    phone = models.CharField(_("手机"), max_length=20, blank=True, validators=[phone_validator])
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    extension = models.CharField(_("坐席分机"), max_length=20, blank=True, db_index=True)

    objects = HotlineUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.role == Role.UNIT_STAFF and not self.unit_id:
            raise ValidationError({"unit": _("承办单位的工作人员须选择所属单位")})
        if self.is_superuser and self.role != Role.UNASSIGNED:
            raise ValidationError({"role": _("超级用户仅用于初始化三员账号，不能兼任角色")})

    @property
    def is_unit_staff(self) -> bool:
        return self.role == Role.UNIT_STAFF

    def has_role(self, *roles: str) -> bool:
        """By role only. The superuser flag grants nothing here: it is for bootstrap (the admin
        site's account pages, hotline.admin_access), never for tickets or citizens (三员分立)."""
        return self.is_active and self.role in roles


def id_number_validator(value: str) -> None:
    from django.core.exceptions import ValidationError

    from ..pii import id_number_valid

    if value and not id_number_valid(value):
        raise ValidationError(_("身份证号码无效（18位，末位校验码不符）"), code="invalid_id_number")


class Citizen(models.Model):
    """A caller, stored once per phone number and linked to all their tickets.

    The phone and the ID number are encrypted in the database (issue 20 item 4, hotline.pii);
    `phone_digest`, their keyed hash, is what finds a caller by number and keeps it unique, so
    `Citizen.objects.filter(phone=p)` and `citizen__phone=p` work as before (hotline.models.fields)."""

    phone = EncryptedCharField(_("电话"), plain_max_length=20, label="citizen.phone", digest_field="phone_digest",
                               validators=[phone_validator])
    phone_digest = DigestField(_("电话检索摘要"), source="phone", label="citizen.phone", unique=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number = EncryptedCharField(_("身份证号"), plain_max_length=18, label="citizen.id_number", blank=True,
                                   default="", validators=[id_number_validator])
    sms_opt_out = models.BooleanField(_("退订短信"), default=False)
    created_at = models.DateTimeField(_("首次来电"), auto_now_add=True)

    class Meta:
        verbose_name = _("市民")
        verbose_name_plural = _("市民")

    def __str__(self) -> str:
        # Masked: a str() ends up in logs, admin choices and audit labels.
        from ..privacy import mask_phone

        return f"{self.name or '市民'} {mask_phone(self.phone)}"
