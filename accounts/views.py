"""Pages of authentication: the second step of a login, the admin login, changing a password,
enrolling an authenticator, and the security administrators' locks and tokens page. Thin: the
work is in accounts.services, accounts.lockout and accounts.totp."""
import time

from django.contrib import admin, messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from hotline.models import Role, User

from . import lockout, services, sessions, totp
from .forms import AdminLoginForm, CodeForm, PasswordChangeForm
from .models import Lockout

PENDING_SECONDS = 300  # the second step must follow the password within this


def _home(user) -> str:
    from web.views.common import home_url  # the pages' own map of homes (web sits above accounts)

    return home_url(user)


class SecondFactorLoginMixin:
    """A login view whose user must also give a TOTP code: the password is remembered as
    accepted (for PENDING_SECONDS) and the code asked on /login/verify/."""

    notices = {"idle": "您已长时间未操作，登录已超时，请重新登录。",
               "absolute": "登录已超过最长时限，请重新登录。",
               "verify": "验证超时，请重新登录。"}

    def form_valid(self, form):
        user = form.get_user()
        if totp.needs_second_factor(user):
            self.request.session[sessions.PENDING] = {
                "user": user.pk, "backend": user.backend, "at": time.time(), "next": self.get_redirect_url(),
                "home": self.pending_home()}
            return redirect("/login/verify/")
        return super().form_valid(form)

    def pending_home(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notice"] = self.notices.get(self.request.GET.get("expired", ""))
        return context


@require_http_methods(["GET", "POST"])
def login_verify(request):
    pending = request.session.get(sessions.PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(sessions.PENDING, None)
        return redirect("/login/?expired=verify")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    device = totp.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = totp.totp_begin(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = lockout.check(request=request, username=user.username)
        code = form.cleaned_data["code"]
        if refusal is None and (totp.totp_confirm(user=user, code=code, request=request) if enrolling
                                else totp.totp_verify(user=user, code=code, device=device)):
            request.session.pop(sessions.PENDING, None)
            lockout.login_succeeded(username=user.username)
            auth_login(request, user, backend=pending["backend"])
            return redirect(pending["next"] or pending["home"] or _home(user))
        if refusal is None:
            refusal = lockout.login_failed(request=request, username=user.username)
            user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
        if refusal is not None:
            request.session.pop(sessions.PENDING, None)
        form.add_error("code", refusal.message if refusal else "验证码不正确，请重新输入")
    return render(request, "accounts/login_verify.html", {
        "form": form, "enrolling": enrolling, "qr": totp.qr_svg(device) if enrolling else "",
        "secret": device.secret if enrolling else ""}, status=200 if not form.errors else 400)


class AdminLoginView(SecondFactorLoginMixin, LoginView):
    """The Django admin's login with the lockout's messages and the second step."""

    template_name = "admin/login.html"
    authentication_form = AdminLoginForm

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and admin.site.has_permission(request):
            return redirect(reverse("admin:index"))
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return reverse("admin:index")

    def pending_home(self) -> str:
        return reverse("admin:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request), title="登录", subtitle=None,
                       app_path=self.request.get_full_path(), username=self.request.user.get_username())
        context["next"] = context.get("next") or reverse("admin:index")
        return context


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    expired = bool(request.session.get(sessions.PASSWORD_EXPIRED))
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"],
                                     request=request)
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, request.user)
            request.session[sessions.PASSWORD_EXPIRED] = False
            messages.success(request, "密码已修改。")
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = ""
            return redirect(next_url or _home(request.user))
    return render(request, "accounts/password_change.html", {"form": form, "expired": expired},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def totp_settings(request):
    """启用或停用动态验证码 for oneself."""
    user = request.user
    device = totp.confirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if device is None and totp.totp_confirm(user=user, code=code, request=request):
            messages.success(request, "已启用动态验证码，下次登录时需输入。")
            return redirect("/account/totp/")
        if device is not None and request.POST.get("action") == "remove" and not totp.totp_required(user) \
                and totp.totp_verify(user=user, code=code, device=device):
            totp.totp_remove(user=user, actor=user, request=request)
            messages.success(request, "已停用动态验证码。")
            return redirect("/account/totp/")
        form.add_error("code", "验证码不正确，请重新输入")
    pending = None if device is not None else totp.totp_begin(user=user)
    return render(request, "accounts/totp.html", {
        "form": form, "device": device, "required": totp.totp_required(user),
        "qr": totp.qr_svg(pending) if pending else "", "secret": pending.secret if pending else ""},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def security(request):
    """安全管理: locked accounts and addresses (解锁), API tokens (吊销): the security administrator's."""
    actor = request.user
    if not actor.has_role(Role.SECADMIN):
        return render(request, "errors/403.html", {"home": _home(actor)}, status=403)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "unlock":
            lock = get_object_or_404(Lockout, pk=request.POST.get("lock"))
            lockout.lock_release(lock=lock, actor=actor)
            messages.success(request, f"已解锁 {lock.key}。")
        elif action == "revoke":
            target = get_object_or_404(User, pk=request.POST.get("user"))
            services.token_revoke(user=target, actor=actor, request=request)
            messages.success(request, f"已吊销 {target.username} 的接口令牌。")
        elif action == "revoke_all":
            count = services.token_revoke_all(actor=actor, request=request)
            messages.success(request, f"已吊销全部接口令牌（{count} 个）。")
        return redirect("/account/security/")
    tokens = [(token, services.token_expires_at(token, token.user))
              for token in Token.objects.select_related("user").order_by("-created")[:500]]
    return render(request, "accounts/security.html", {
        "locks": lockout.active_locks().order_by("-locked_at")[:500], "tokens": tokens})
