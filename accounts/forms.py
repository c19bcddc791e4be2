"""Login, second-factor and password forms, in Chinese."""
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .lockout import refusal_of


class LockoutMessageMixin:
    """A login refused by a lock or the back-off says so (and until when), not "wrong password"."""

    def get_invalid_login_error(self):
        refusal = refusal_of(self.request)
        if refusal is not None:
            return ValidationError(refusal.message, code=refusal.code)
        return super().get_invalid_login_error()


class StaffAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "请输入用户名"
        self.fields["password"].error_messages["required"] = "请输入密码"


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass


class CodeForm(forms.Form):
    code = forms.CharField(label="动态验证码", max_length=8, error_messages={"required": "请输入验证码"},
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
                           help_text="身份验证器应用中显示的 6 位数字")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="当前密码", strip=False, widget=forms.PasswordInput,
                                   error_messages={"required": "请输入当前密码"})
    new_password1 = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput,
                                    error_messages={"required": "请输入新密码"},
                                    help_text="至少 10 位，包含大写字母、小写字母、数字、符号中的至少 3 类；"
                                              "不能包含用户名，不能与最近 5 次的密码相同。")
    new_password2 = forms.CharField(label="再次输入新密码", strip=False, widget=forms.PasswordInput,
                                    error_messages={"required": "请再次输入新密码"})

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise ValidationError("当前密码不正确")
        return old

    def clean(self):
        data = super().clean()
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", "两次输入的新密码不一致")
        elif new1:
            try:
                password_validation.validate_password(new1, self.user)
            except ValidationError as exc:
                self.add_error("new_password1", exc)
        return data
