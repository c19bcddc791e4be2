"""Ticket list filters: state, light, unit, type, category, channel, date range, text."""
import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from dispatch.deadlines import light_q
from hotline.models import Category, Channel, Light, Ticket, TicketState, TicketType, Unit, Urgency
from hotline.privacy import confidential_q, is_centre
from hotline.validation import MAX_ID

_FORM_CLASSES: dict = {}
_FORM_CLASSES_MAX = 512  # distinct combinations of filters asked for, remembered per process


class AskedFiltersOnly:
    """A form of just the filters the request names. django-filter builds a form class of every
    filter for each request and validates all fourteen fields, absent ones included: a third of
    a filtered list's CPU. An absent filter filters nothing, so leaving it out changes no result,
    and the form class for each combination asked for is built once (each form still copies
    its fields, as Django forms do). Likewise only the filters asked for are copied for the
    request: django-filter deep-copies every one, querysets and choices included."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if not self._whole_form_wanted(request):
            # Read by FilterSet.__init__ in place of the class's every filter.
            self.base_filters = {name: f for name, f in self.base_filters.items() if name in (data or ())}
        super().__init__(data, queryset, request=request, prefix=prefix)

    @staticmethod
    def _whole_form_wanted(request) -> bool:
        """The browsable API shows the whole form."""
        renderer = getattr(request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == "api"

    def get_form_class(self):
        if self._whole_form_wanted(self.request):
            return super().get_form_class()
        asked = tuple(self.filters)  # __init__ kept only the filters the request names
        key = (type(self), asked)
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            fields = {name: self.filters[name].field for name in asked}
            form_class = type(f"{type(self).__name__}Form", (self._meta.form,), fields)
            if len(_FORM_CLASSES) < _FORM_CLASSES_MAX:
                _FORM_CLASSES[key] = form_class
        return form_class


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error, not "no filter" (schema: boolean)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in (True, "true", "True", "1"):
            return True
        if value in (False, "false", "False", "0"):
            return False
        raise forms.ValidationError("应为 true 或 false", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)  # the select widget reads anything unknown as "no filter"
        super().__init__(*args, **kwargs)


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, turned to UTC here: PostgreSQL refuses offsets past ±15:59 that
    Python accepts (-16:14 was a 500, found by schemathesis), and a moment that leaves the
    calendar in UTC (year 1 at +16:00) is bad input, not a crash."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(dt.UTC) if timezone.is_aware(moment) else moment
        except OverflowError:
            raise forms.ValidationError("时间超出可表示的范围", code="invalid") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class IdFilter(django_filters.NumberFilter):
    """A whole-number id (NumberFilter reads decimals)."""

    field_class = forms.IntegerField


class TicketFilter(AskedFiltersOnly, django_filters.FilterSet):
    # distinct=False: these filter the ticket's own columns, so no row can repeat; django-filter's
    # default SELECT DISTINCT made PostgreSQL sort a unit's every open ticket for a page of 20.
    state = django_filters.MultipleChoiceFilter(choices=TicketState.choices, distinct=False)
    light = django_filters.ChoiceFilter(choices=Light.choices, method="filter_light")
    # Ids, not choices: an id that names no unit (or category) is a filter that matches nothing
    # (an empty page), as any other filter value that matches nothing; only a non-number is bad input.
    unit = IdFilter(method="filter_unit", label="承办单位（含下级）")
    ticket_type = django_filters.MultipleChoiceFilter(choices=TicketType.choices, distinct=False)
    category = IdFilter(method="filter_category", label="诉求分类（含下级）")
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, distinct=False)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="登记日期起")
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="登记日期止")
    q = django_filters.CharFilter(method="filter_text", label="编号、标题或内容")
    awaiting_me = StrictBooleanFilter(method="filter_awaiting_me", label="待我批示")

    class Meta:
        model = Ticket
        fields = []

    # True where the queryset holds only tickets units are handling (the inbox).
    handling_known = False

    def filter_light(self, queryset, name, value):
        return queryset.filter(light_q(value, timezone.now(), handling_known=self.handling_known))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_unit(self, queryset, name, unit_id):
        path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() \
            if 0 < unit_id <= MAX_ID else None
        return queryset.filter(lead_unit__path__startswith=path) if path else queryset.none()

    @extend_schema_field(OpenApiTypes.INT)
    def filter_category(self, queryset, name, category_id):
        category = Category.objects.filter(pk=category_id).only("full_name").first() \
            if 0 < category_id <= MAX_ID else None
        if category is None:
            return queryset.none()
        return queryset.filter(
            Q(category=category) | Q(category__full_name__startswith=f"{category.full_name}/")
        )

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        if value.isdigit() and len(value) == 11 and not value.startswith("1"):
            return queryset.filter(number=value)
        # Chinese has no letter case: matching it case-insensitively only made PostgreSQL
        # upper-case every candidate's whole text first (twice the time of a plain LIKE).
        lookup = "icontains" if value.lower() != value.upper() else "contains"
        words = Q(**{f"title__{lookup}": value}) | Q(**{f"content__{lookup}": value})
        if not is_centre(getattr(self.request, "user", None)):
            # issue 16 item 8: outside the centre a confidential ticket is found by its number only
            # (its title and text are shown scrubbed; matching them would confirm who reported).
            words &= ~confidential_q()
        return queryset.filter(Q(number=value) | words)

    def filter_awaiting_me(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        return queryset.filter(leader=user, state=TicketState.PENDING_APPROVAL)


class InboxFilter(TicketFilter):
    handling_known = True
    # Validated here, applied by dispatch.selectors.unit_inbox(states=...).
    state = django_filters.MultipleChoiceFilter(choices=TicketState.choices, method="states_applied_by_selector")

    def states_applied_by_selector(self, queryset, name, value):
        return queryset
