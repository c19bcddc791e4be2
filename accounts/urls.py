from django.urls import path

from . import views

urlpatterns = [
    path("login/verify/", views.login_verify, name="login-verify"),
    path("admin/login/", views.AdminLoginView.as_view(), name="admin-login"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/totp/", views.totp_settings, name="totp"),
    path("account/security/", views.security, name="security"),
]
