"""The knowledge base's statistics page (/knowledge/stats/): centre staff, read-only.

The operator console, the unit's reply and the portal FAQ are pages of web/ (the pages floor),
which call this app's services and selectors; this module holds only the app's own page.
"""
from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hotline.permissions import CITY_WIDE

from . import stats

DEFAULT_DAYS = 30
MAX_DAYS = 366


class RangeForm(forms.Form):
    date_from = forms.DateField(label="开始日期", required=False, error_messages={"invalid": "请输入正确的日期"})
    date_to = forms.DateField(label="结束日期", required=False, error_messages={"invalid": "请输入正确的日期"})

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to - timedelta(days=DEFAULT_DAYS - 1)
        if date_from > date_to:
            raise forms.ValidationError("开始日期不能晚于结束日期")
        if (date_to - date_from).days >= MAX_DAYS:
            raise forms.ValidationError(f"统计区间最长{MAX_DAYS}天")
        data["date_from"], data["date_to"] = date_from, date_to
        return data


def centre_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.has_role(*CITY_WIDE):
            return render(request, "errors/403.html", {"message": "知识库统计仅供热线中心查看", "home": "/"},
                          status=403)
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@centre_only
def knowledge_stats(request):
    form = RangeForm(request.GET)
    context = {"form": form}
    status = 200
    if form.is_valid():
        span = {"date_from": form.cleaned_data["date_from"], "date_to": form.cleaned_data["date_to"]}
        context.update(span | {
            "totals": stats.answer_totals(**span),
            "by_operator": stats.answer_rates(**span, by="operator"),
            "by_category": stats.answer_rates(**span, by="category"),
            "points": stats.point_use_counts(**span),
        })
    else:
        status = 400
    return render(request, "knowledge/use/stats.html", context, status=status)
