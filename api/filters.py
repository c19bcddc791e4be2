"""Ticket list filters: state, light, unit, type, category, channel, date range, text."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from dispatch.deadlines import light_q
from hotline.models import Category, Channel, Light, Ticket, TicketState, TicketType, Unit, Urgency

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


class TicketFilter(AskedFiltersOnly, django_filters.FilterSet):
    # distinct=False: these filter the ticket's own columns, so no row can repeat; django-filter's
    # default SELECT DISTINCT made PostgreSQL sort a unit's every open ticket for a page of 20.
    state = django_filters.MultipleChoiceFilter(choices=TicketState.choices, distinct=False)
    light = django_filters.ChoiceFilter(choices=Light.choices, method="filter_light")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), method="filter_unit",
                                            label="主办单位（含下级）")
    ticket_type = django_filters.MultipleChoiceFilter(choices=TicketType.choices, distinct=False)
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), method="filter_category",
                                                label="分类（含下级）")
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, distinct=False)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="登记日期起")
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="登记日期止")
    q = django_filters.CharFilter(method="filter_text", label="编号、标题或内容")
    awaiting_me = django_filters.BooleanFilter(method="filter_awaiting_me", label="待我批示")

    class Meta:
        model = Ticket
        fields = []

    # True where the queryset holds only tickets units are handling (the inbox).
    handling_known = False

    def filter_light(self, queryset, name, value):
        return queryset.filter(light_q(value, timezone.now(), handling_known=self.handling_known))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_unit(self, queryset, name, unit):
        return queryset.filter(lead_unit__path__startswith=unit.path)

    def filter_category(self, queryset, name, category):
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
        return queryset.filter(Q(number=value) | Q(**{f"title__{lookup}": value}) | Q(**{f"content__{lookup}": value}))

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
