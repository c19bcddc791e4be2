"""Password rules beyond Django's (settings.AUTH_PASSWORD_VALIDATORS), in Chinese."""
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = (
    ("小写字母", str.islower),
    ("大写字母", str.isupper),
    ("数字", str.isdigit),
    ("符号", lambda ch: not ch.isalnum()),
)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, saying it in Chinese (its zh-hans catalogue leaves this one in English)."""

    def get_error_message(self):
        return f"密码长度太短，至少需要 {self.min_length} 个字符"

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least three of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for _, test in CLASSES if any(test(ch) for ch in password))
        if found < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类", code="password_classes")

    def get_help_text(self):
        return f"至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。"


class NotUsernameValidator:
    """The username (any case) must not appear in the password."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名", code="password_contains_username")

    def get_help_text(self):
        return "不能包含用户名。"


class PasswordHistoryValidator:
    """Not one of the last PASSWORD_HISTORY passwords. Its password_changed hook (Django calls it
    when a user with a new password is saved, set_password or create_user) records the new hash:
    that record also dates the password for its expiry."""

    def validate(self, password, user=None):
        if user is None or not user.pk:
            return
        from .models import PasswordRecord

        recent = list(PasswordRecord.objects.filter(user=user).order_by("-set_at", "-pk")
                      .values_list("password", flat=True)[:settings.PASSWORD_HISTORY])
        if user.password and user.password not in recent:  # set without a record (create_user)
            recent = [user.password, *recent][:settings.PASSWORD_HISTORY]
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(f"不能与最近 {settings.PASSWORD_HISTORY} 次使用过的密码相同", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or not user.pk:
            return
        from .models import PasswordRecord

        PasswordRecord.objects.create(user=user, password=user.password)
        keep = PasswordRecord.objects.filter(user=user).order_by("-set_at", "-pk") \
            .values_list("pk", flat=True)[:max(settings.PASSWORD_HISTORY, 1)]
        PasswordRecord.objects.filter(user=user).exclude(pk__in=list(keep)).delete()

    def get_help_text(self):
        return f"不能与最近 {settings.PASSWORD_HISTORY} 次使用过的密码相同。"
