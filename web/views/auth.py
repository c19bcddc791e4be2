"""Signing in and out; `/` sends each role to its own home."""
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import StaffAuthenticationForm as StaffLoginForm
from accounts.views import SecondFactorLoginMixin

from .common import home_url


class StaffLoginView(SecondFactorLoginMixin, LoginView):
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
