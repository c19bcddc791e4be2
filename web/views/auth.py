"""Signing in and out; `/` sends each role to its own home."""
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .common import home_url


class StaffLoginForm(AuthenticationForm):
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


class StaffLoginView(LoginView):
    template_name = "auth/login.html"
    form_class = StaffLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_url(self.request.user)


def home(request):
    if not request.user.is_authenticated:
        return redirect("/login/")
    return redirect(home_url(request.user))


@require_http_methods(["GET", "POST"])
def logout_view(request):
    if request.method == "POST":
        logout(request)
        return redirect("/login/")
    return render(request, "auth/logout.html")
