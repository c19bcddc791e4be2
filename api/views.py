"""REST endpoints. Each action parses input, calls one service, and returns the ticket.

Actions honour an optional `If-Match: "<version>"` header (the detail's ETag): when the
ticket changed since the client read it, the action is refused with 409.
"""
import hashlib
import json
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from dispatch import services as dispatch_services
from dispatch.models import Assignment, ExtensionRequest, Reply, Suspension, TicketReturn
from dispatch.selectors import pending_extensions, unit_inbox
from dispatch.visibility import ticket_get_for, tickets_visible_to
from hotline.errors import InvalidInput, NotAllowed, NotFound, RecentlyUrged
from hotline.models import Category, IdentityRead, Role, Ticket, Unit
from hotline.permissions import HOTLINE_STAFF, OFFICE, require_role
from hotline.privacy import ticket_as_seen_by
from hotline.rest import parsing
from hotline.rest.errors import error_body
from hotline.rest.permissions import PartnerFiles, StaffOnly
from hotline.rest.schema import PHONE
from hotline.selectors import citizen_history, ticket_timeline
from hotline.services import tickets as ticket_services
from hotline.services.identity import (
    citizen_identity_reveal,
    identity_denied_record,
    identity_reads_record,
    never_sees_citizens,
)
from hotline.validation import validate_phone
from hotline.workflow import expect_version
from open311.services import partner_ticket_input
from reports.intelligence.suggestions import (
    duplicate_candidates,
    open_suggestions,
    suggestion_dismiss,
)

from . import schema_fields  # noqa: F401  (registers the Text and Phone schema extensions)
from . import serializers as s
from .filters import InboxFilter, TicketFilter
from .pagination import InboxPagination, OldestFirstPagination, TicketListPagination

FRESH_TICKET_RELATIONS = ("assignments", "instructions", "replies", "surveys", "extension_requests", "returns",
                          "suspensions")


_EMPTY_RELATIONS: dict = {}


def mark_fresh(ticket: Ticket) -> None:
    """A ticket just made has nothing hanging off it: mark its related lists as fetched and
    empty (as prefetch_related would), so the response reads them without any query. The empty
    querysets are made once and shared: evaluated and empty, they are only ever iterated."""
    if not _EMPTY_RELATIONS:
        for name in FRESH_TICKET_RELATIONS:
            queryset = getattr(ticket, name).none()
            queryset._result_cache, queryset._prefetch_done = [], True
            _EMPTY_RELATIONS[name] = queryset
    ticket._prefetched_objects_cache = dict(_EMPTY_RELATIONS)


def request_digest(request) -> str:
    """The request body's hash, to tell a retry (same body) from another request under one key."""
    body = json.dumps(request.data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def parse(serializer_class, request, data=None):
    return parsing.parse(serializer_class, request.data if data is None else data)


def if_match_version(request) -> int | None:
    """The ticket version the client acted on, from If-Match (absent or * = any)."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    raw = raw.removeprefix("W/").strip('"')
    if not raw.isdigit() or len(raw) > 9:
        raise InvalidInput("If-Match 须为工单详情返回的 ETag（版本号）", field="If-Match")
    return int(raw)


@contextmanager
def acting_on(request, ticket: Ticket):
    """One transaction for the action, with the ticket locked at the version the client saw."""
    with transaction.atomic():
        expect_version(ticket.pk, if_match_version(request))
        yield


class FilterWhenAsked:
    """Build the filter set only when the request has a filter parameter: constructing
    its form is a good part of an unfiltered list's CPU."""

    # Free text may be empty (it then matches everything); any other filter given empty is a
    # mistake the schema does not allow (a date, an id, a choice), so it is one here too.
    MAY_BE_EMPTY = frozenset({"q"})

    def filter_queryset(self, queryset):
        params = self.request.query_params
        asked = [name for name in self.filterset_class.base_filters if name in params]
        if not asked:
            return queryset
        for name in asked:
            if name not in self.MAY_BE_EMPTY and "" in params.getlist(name):
                raise InvalidInput(f"{name} 不能为空，不需要时请不要传这个参数", field=name)
        return super().filter_queryset(queryset)


class TicketViewSet(FilterWhenAsked, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """Tickets the user may see: the newest first; register, read, and act on one (the actions).
    A partner system (Api-Key, issue 19) registers and reads its own, and acts on none."""

    permission_classes = [StaffOnly | PartnerFiles]
    filterset_class = TicketFilter
    pagination_class = TicketListPagination
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return tickets_visible_to(self.request.user)  # paged by TicketListPagination

    def get_serializer_class(self):
        if self.action == "list":
            return s.TicketListSerializer
        return s.TicketDetailSerializer

    def get_serializer_context(self):
        return super().get_serializer_context() | {"now": timezone.now()}

    def get_object(self):
        ticket = ticket_get_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, ticket)
        return ticket

    def detail_response(self, ticket: Ticket, status_code=status.HTTP_200_OK) -> Response:
        ticket = self.with_details(ticket)
        # issue 16 item 8: the centre reading a confidential ticket's caller whole is recorded
        identity_reads_record(actor=self.request.user, tickets=[ticket], surface=IdentityRead.Surface.API,
                              request=self.request)
        return Response(self.get_serializer(ticket).data, status=status_code, headers={"ETag": f'"{ticket.version}"'})

    def list(self, request, *args, **kwargs):
        """工单列表（新登记的在前）。保密件对热线中心以外的人不显示市民身份；热线中心查看保密件的市民信息会被记录。"""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        identity_reads_record(actor=request.user, tickets=page, surface=IdentityRead.Surface.API_LIST,
                              request=request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @staticmethod
    def with_details(ticket: Ticket) -> Ticket:
        return (
            Ticket.objects.select_related("category", "lead_unit", "citizen", "leader", "merged_into")
            .prefetch_related(
                Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("id")),
                "instructions__leader", "instructions__units",
                Prefetch("replies", queryset=Reply.objects.select_related("unit").prefetch_related("attachments")),
                "surveys", "extension_requests",
                Prefetch("returns", queryset=TicketReturn.objects.select_related("unit").order_by("id")),
                Prefetch("suspensions", queryset=Suspension.objects.select_related("unit").order_by("id")),
            )
            .get(pk=ticket.pk)
        )

    def retrieve(self, request, *args, **kwargs):
        """一张工单的详情（带 ETag；actions 为当前用户可做的操作）。"""
        return self.detail_response(self.get_object())

    # JSON only in the schema: a form cannot say null (category), and operators' tools send JSON.
    @extend_schema(request={"application/json": s.TicketCreateSerializer}, responses={201: s.TicketDetailSerializer},
                   parameters=[OpenApiParameter(
                       "Idempotency-Key", str, OpenApiParameter.HEADER, required=False, pattern=r"^[\x21-\x7e]{1,100}$",
                       description="客户端为每份登记生成的唯一键（如 UUID）。超时或未收到答复后以同一键重发，"
                                   "得到第一次登记的工单（响应头 Idempotent-Replayed: true），不会重复登记")],
                   examples=[OpenApiExample("电话投诉", request_only=True, value={
                       "channel": "phone", "ticket_type": "complaint", "urgency": "normal",
                       "title": "幸福小区门口路灯不亮",
                       "content": "幸福小区东门路灯不亮一周了，晚上出行不安全，请尽快修复。",
                       "citizen_phone": "13812345678", "citizen_name": "张先生", "address": "城关镇幸福小区东门",
                       "area": "城关镇"})])
    def create(self, request, *args, **kwargs):
        """登记工单（话务员、值班长、管理员）。合作系统（Api-Key）以渠道 api 登记，只能查看自己登记的工单。

        带 `Idempotency-Key` 请求头时，同一账号以同一键重发同一请求（超时或未收到答复后重试）
        得到第一次登记的工单（响应头 `Idempotent-Replayed: true`），不会重复登记；
        同一键用于不同的请求为 409 `idempotency_key_reused`。"""
        if request.user.role == Role.PARTNER:
            data = partner_ticket_input(key=request.auth, data=parse(s.TicketCreateSerializer, request),
                                        channel_given="channel" in request.data)
        else:
            require_role(request.user, *HOTLINE_STAFF, what="登记工单")
            data = parse(s.TicketCreateSerializer, request)
        key = request.headers.get("Idempotency-Key")
        if key is None:
            ticket, created = ticket_services.ticket_register(actor=request.user, **data), True
            mark_fresh(ticket)  # the operator's most frequent call: no reading back of empty lists
        else:
            ticket, created = ticket_services.ticket_register_once(
                actor=request.user, key=key, digest=request_digest(request), **data)
        headers = {"ETag": f'"{ticket.version}"'} | ({} if created else {"Idempotent-Replayed": "true"})
        return Response(self.get_serializer(ticket).data, status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(responses=s.CitizenIdentitySerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[],
            permission_classes=[IsAuthenticated])
    def identity(self, request, pk=None):
        """查看完整号码：工单市民的姓名、完整电话和身份证号。每次查看都记入审计；
        系统管理员、安全管理员、审计管理员以及无权查看的人员（领导、保密件的承办单位）得到 403，拒绝也记入审计。"""
        user = request.user
        if never_sees_citizens(user):  # 三员分立: refused before the ticket is looked up
            identity_denied_record(actor=user, ticket_id=str(pk)[:20], request=request)
            raise NotAllowed("您的角色不能查看市民的身份信息")
        shown = citizen_identity_reveal(actor=user, ticket=self.get_object(), request=request)
        if shown is None:
            raise NotAllowed("您无权查看该工单市民的完整身份信息")
        return Response(shown)

    @extend_schema(responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        """工单的全部事件，按时间先后。"""
        ticket = self.get_object()
        context = {"request": request,  # issue 16 item 8: payloads read through the viewer's lens
                   "lenses": {ticket.pk: ticket_as_seen_by(ticket=ticket, user=request.user)}}
        return Response(s.EventSerializer(ticket_timeline(ticket), many=True, context=context).data)

    def _act(self, request, serializer_class, service, data=None):
        ticket = self.get_object()
        data = parse(serializer_class, request, data) if serializer_class else {}
        with acting_on(request, ticket):
            service(ticket=ticket, actor=request.user, **data)
        return self.detail_response(ticket)

    @extend_schema(request=s.AnswerSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """直接答复并办结（咨询类，热线自行答复）。"""
        return self._act(request, s.AnswerSerializer, ticket_services.ticket_answer_directly)

    @extend_schema(request=s.SubmitSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="submit-for-approval")
    def submit_for_approval(self, request, pk=None):
        """呈报领导批示。"""
        return self._act(request, s.SubmitSerializer, dispatch_services.ticket_submit_for_approval)

    @extend_schema(request=s.InstructSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        """领导批示（只限呈报给本人的工单）。"""
        return self._act(request, s.InstructSerializer, dispatch_services.ticket_instruct)

    @extend_schema(request=s.DispatchSerializer, responses=s.TicketDetailSerializer,
                   examples=[OpenApiExample("派给住建局，城关镇协办", request_only=True,
                                            value={"lead_unit": 2, "co_units": [16], "note": "请于时限内办结并回复",
                                                   "category": 12})])
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_ticket(self, request, pk=None):  # not "dispatch": that is APIView's entry point
        """派单：主办单位与协办单位；退回或重办的工单也由此重新派单。

        工单须有诉求分类才能派单：未分类的工单须同时给出 category，否则 409（code 为 category_required，
        field 为 category）。"""
        return self._act(request, s.DispatchSerializer, dispatch_services.ticket_dispatch)

    @extend_schema(request=None, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """承办单位签收。"""
        return self._act(request, None, dispatch_services.ticket_sign)

    @extend_schema(request={"multipart/form-data": s.ReplySerializerIn, "application/json": s.ReplyTextSerializer},
                   responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """承办单位回复（附件用 multipart/form-data 的 files）。主办单位回复而有协办单位尚未答复时，
        须传 confirm_absent_co_units=true，否则 409 co_units_unanswered。本单位转下级办理而下级部分尚未审核完毕时，
        须传 confirm_open_sub_parts=true（结束下级办理），否则 409 sub_parts_open。下级承办单位的回复交上级单位审核，
        不直接报热线办。须办结审核的诉求类型（默认投诉、举报），
        主办单位回复后工单为待审核（reviewing），热线办审核通过后才回访；退回重办的，工单回到办理中，可再次回复。"""
        data = None
        if hasattr(request.data, "getlist"):  # multipart: several files under one name
            data = {"text": request.data.get("text", ""), "files": request.FILES.getlist("files"),
                    **s.form_flags(request.data, "confirm_absent_co_units", "confirm_open_sub_parts")}
        return self._act(request, s.ReplySerializerIn, dispatch_services.ticket_reply, data)

    # --- issue 16 item 5: two-level dispatch (二级派单) ---

    @extend_schema(request=s.HandDownSerializer, responses=s.TicketDetailSerializer,
                   examples=[OpenApiExample("转城关镇办理", request_only=True,
                                            value={"unit": 16, "due_at": "2026-12-10T17:30:00+08:00",
                                                   "note": "请现场核实后回复"})])
    @action(detail=True, methods=["post"], url_path="hand-down")
    def hand_down(self, request, pk=None):
        """转下级办理（二级派单）：持有工单的单位（已签收的主办或协办）转给本单位的下级单位办理。下级办理时限不能晚于
        本单位的时限（主办为工单时限，协办为本协办时限），也不能早于现在，否则 409（code 为 sub_due_out_of_range）；
        下级单位不是本单位的下级为 403，已停用为 400。
        工单状态不变；下级单位回复后由本单位审核。"""
        return self._act(request, s.HandDownSerializer, dispatch_services.ticket_hand_down)

    @extend_schema(request=s.HandDownReviewSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="hand-down-review")
    def hand_down_review(self, request, pk=None):
        """审核下级回复：accept=true 审核通过（本单位随后自行回复，可以下级回复为底稿）；accept=false 退回下级重办（须写
        reason，下级部分回到已签收）。"""
        return self._act(request, s.HandDownReviewSerializer, dispatch_services.ticket_hand_down_review)

    @extend_schema(request=s.HandDownWithdrawSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="hand-down-withdraw")
    def hand_down_withdraw(self, request, pk=None):
        """收回下级办理：收回尚未审核完毕的下级部分（未签收、办理中或已回复待审核），该部分结束为已撤销。"""
        return self._act(request, s.HandDownWithdrawSerializer, dispatch_services.ticket_hand_down_withdraw)

    # --- end issue 16 item 5 ---
    # --- 办结审核 (issue 16 item 3) ---
    @extend_schema(request=s.ReviewApproveSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="review-approve")
    def review_approve(self, request, pk=None):
        """办结审核通过（值班长、管理员；工单须为待审核）：主办单位的答复生效，随即进入回访，
        市民收到办理结果短信。可附审核意见 note。"""
        return self._act(request, s.ReviewApproveSerializer, dispatch_services.ticket_review_approve)

    @extend_schema(request=s.ReviewSendBackSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="review-send-back")
    def review_send_back(self, request, pk=None):
        """退回重办（值班长、管理员；工单须为待审核；须说明理由 reason）：工单回到主办单位重新办理并回复，
        办理时限不变。"""
        return self._act(request, s.ReviewSendBackSerializer, dispatch_services.ticket_review_send_back)
    # --- end 办结审核 ---

    @extend_schema(request=s.LeaderReturnSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="leader-return")
    def leader_return(self, request, pk=None):
        """领导退回（只限呈报给本人、待批示的工单，须说明理由）：工单回到热线办待处理。"""
        return self._act(request, s.LeaderReturnSerializer, dispatch_services.ticket_leader_return)

    @extend_schema(request=s.ReturnRequestSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_ticket(self, request, pk=None):
        """申请退单（主办单位，派单后 RETURN_WINDOW_WORKING_DAYS 个工作日内，须选择原因并说明理由）。

        工单不立即退回：热线办审核期间工单仍由本单位承办、时限照常计算，returns 中的申请为 pending。
        超过期限 409 return_window_passed；已有申请在审核中 409 return_pending；本轮申请已被驳回 409
        return_refused；协办单位 403。"""
        return self._act(request, s.ReturnRequestSerializer, dispatch_services.ticket_return)

    @extend_schema(request=s.ReturnAcceptSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return/accept")
    def return_accept(self, request, pk=None):
        """同意退单（值班长、管理员）：工单退回热线办（状态 returned）；给出 lead_unit 则同时重新派给该单位。
        没有待审核的申请（已由他人审核或单位已回复）409 return_not_pending。"""
        return self._act(request, s.ReturnAcceptSerializer, dispatch_services.ticket_return_accept)

    @extend_schema(request=s.ReturnRefuseSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return/refuse")
    def return_refuse(self, request, pk=None):
        """驳回退单（值班长、管理员，须说明理由）：工单仍由原单位按原时限办理，单位在工单页看到驳回理由。
        没有待审核的申请 409 return_not_pending。"""
        return self._act(request, s.ReturnRefuseSerializer, dispatch_services.ticket_return_refuse)

    @extend_schema(request=s.ReassignSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """改派（值班长、管理员，须说明理由）：承办单位待签收或办理中的工单改由另一单位办理，按时限规则重新计时；
        原单位只能查看，待审核的退单、延期申请随之撤销。"""
        return self._act(request, s.ReassignSerializer, dispatch_services.ticket_reassign)

    @extend_schema(request=s.ExtensionRequestSerializer, responses={201: s.ExtensionSerializer})
    @action(detail=True, methods=["post"])
    def extensions(self, request, pk=None):
        """申请延期。"""
        ticket = self.get_object()
        data = parse(s.ExtensionRequestSerializer, request)
        with acting_on(request, ticket):
            extension = dispatch_services.extension_request(ticket=ticket, actor=request.user, **data)
        return Response(s.ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    # --- 挂起 (issue 16, item 4) ---
    @extend_schema(request=s.SuspensionRequestSerializer, responses={201: s.SuspensionSerializer},
                   examples=[OpenApiExample("等待市民补充材料", request_only=True, value={
                       "reason_kind": "citizen_materials", "reason": "需市民提供房屋产权证明复印件后方可核查",
                       "expected_days": 5})])
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        """申请挂起（主办单位，或热线办为等待市民的工单申请）：须说明原因和预计挂起的工作日数；
        值班长同意后工单停止计时、灯色冻结。已有待审核或生效中的挂起时 409（code 为 suspension_open）。"""
        ticket = self.get_object()
        data = parse(s.SuspensionRequestSerializer, request)
        with acting_on(request, ticket):
            suspension = dispatch_services.ticket_suspension_request(ticket=ticket, actor=request.user, **data)
        return Response(s.SuspensionSerializer(suspension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SuspensionDecideSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="suspension-decide")
    def suspension_decide(self, request, pk=None):
        """审核挂起申请（值班长、管理员）：同意则工单挂起、停止计时；驳回则照常办理。
        申请已由他人审核时 409（code 为 suspension_decided）。"""
        return self._act(request, s.SuspensionDecideSerializer, dispatch_services.ticket_suspension_decide)

    @extend_schema(request=s.NoteSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """恢复办理（值班长、管理员）：工单回到挂起前的状态，办理时限按挂起期间的工作日时间顺延。"""
        return self._act(request, s.NoteSerializer, dispatch_services.ticket_resume)
    # --- end 挂起 ---

    @extend_schema(request=s.CallbackSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def callback(self, request, pk=None):
        """记录回访结果（满意、基本满意、不满意）。"""
        return self._act(request, s.CallbackSerializer, dispatch_services.survey_record)

    @extend_schema(request=s.RequiredNoteSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """回访无果办结（须说明）。"""
        return self._act(request, s.RequiredNoteSerializer, dispatch_services.ticket_close_without_callback)

    @extend_schema(request=s.MergeSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """并单：并入另一张工单（编号或 id）。"""
        ticket = self.get_object()
        data = parse(s.MergeSerializer, request)
        into = data["into"].strip()
        target = tickets_visible_to(request.user).filter(number=into).first()
        if target is None and into.isdigit() and len(into) < 11:
            target = tickets_visible_to(request.user).filter(pk=int(into)).first()
        if target is None:
            raise NotFound(f"目标工单「{into}」不存在", field="into")
        with acting_on(request, ticket):
            dispatch_services.ticket_merge(ticket=ticket, into=target, actor=request.user, reason=data["reason"])
        return self.detail_response(ticket)

    @extend_schema(responses=s.DuplicateCandidateSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])  # a short list, no filters
    def duplicates(self, request, pk=None):
        """疑似重复：与本单相似的未办结工单（登记后自动比对的结果，加上当前比对所得），相似度高者在前。热线工作人员可查。"""
        ticket = self.get_object()  # first: a ticket the caller may not see is 404 whatever the role
        require_role(request.user, *HOTLINE_STAFF, what="查看疑似重复工单")
        return Response(s.DuplicateCandidateSerializer(duplicate_candidates(ticket), many=True).data)

    @extend_schema(request=s.DismissDuplicateSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="duplicates/dismiss")
    def dismiss_duplicate(self, request, pk=None):
        """认定与某工单不是重复（值班长、管理员）：这一对不再列入值班台和工单页的疑似重复。"""
        ticket = self.get_object()  # first: a ticket the caller may not see is 404 whatever the role
        require_role(request.user, *OFFICE, what="处理疑似重复工单")
        data = parse(s.DismissDuplicateSerializer, request)
        pair = open_suggestions().filter(
            Q(ticket=ticket, candidate_id=data["candidate"]) | Q(ticket_id=data["candidate"], candidate=ticket)).first()
        if pair is None:
            raise NotFound("这两张工单之间没有待处理的疑似重复记录", field="candidate")
        suggestion_dismiss(suggestion=pair, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.InvalidReasonSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def invalid(self, request, pk=None):
        """标记为无效工单（须说明原因）。"""
        return self._act(request, s.InvalidReasonSerializer, dispatch_services.ticket_mark_invalid)

    @extend_schema(request=s.UrgeSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def urge(self, request, pk=None):
        """催办（值班长、管理员）。同一工单短时间内再次催办须带 repeat: true，否则答复 409 recently_urged。"""
        try:
            return self._act(request, s.UrgeSerializer, dispatch_services.ticket_urge)
        except RecentlyUrged as exc:
            raise RecentlyUrged(f"{exc.message}确要再次催办，请求中加 \"repeat\": true") from None

    @extend_schema(request=s.NoteSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        """督办（值班长、管理员；生成督办通知书）。"""
        return self._act(request, s.NoteSerializer, dispatch_services.ticket_supervise)

    # --- issue 16 item 8: complainants protected ---
    @extend_schema(request=s.NoteSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="mark-confidential")
    def mark_confidential(self, request, pk=None):
        """设为保密件（话务员、值班长、管理员；任何状态；不可撤销）：此后承办单位和领导看不到来电人的姓名、
        电话和详细地址，标题、内容等文字去除来电人身份。已是保密件（含举报件）答复 409，code 为
        already_confidential。"""
        return self._act(request, s.NoteSerializer, dispatch_services.ticket_mark_confidential)


class InboxViewSet(FilterWhenAsked, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A unit's current tickets, the nearest (or most overdue) deadline first."""

    permission_classes = [StaffOnly]
    serializer_class = s.TicketListSerializer
    pagination_class = InboxPagination
    filterset_class = InboxFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        if self.request.user.role != Role.UNIT_STAFF:
            raise NotAllowed("只有承办单位有待办箱")
        # ?state= is applied here, by the selector (InboxFilter only validates it).
        states = self.request.query_params.getlist("state") or None
        return unit_inbox(self.request.user, states=states)

    def get_serializer_context(self):
        return super().get_serializer_context() | {"now": timezone.now()}

    def list(self, request, *args, **kwargs):
        """待办箱。每页显示的市民身份（保密件除外）记一条审计记录。"""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        # issue 20: the unit sees its callers whole; one audit row for the page
        identity_reads_record(actor=request.user, tickets=page, surface=IdentityRead.Surface.API_LIST,
                              request=request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ExtensionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Extension requests on tickets the user may see; the list shows the pending ones
    (`?state=all` for every one), the longest waiting first."""

    permission_classes = [StaffOnly]
    serializer_class = s.ExtensionSerializer
    pagination_class = OldestFirstPagination

    def get_queryset(self):
        # ticket__citizen: each request's notes are read through the viewer's lens (issue 16 item 8)
        if self.action == "list" and self.request.query_params.get("state", "pending") == "pending":
            return pending_extensions(self.request.user).select_related("ticket__citizen")
        visible = tickets_visible_to(self.request.user)
        return ExtensionRequest.objects.filter(ticket__in=visible).select_related("ticket__citizen")

    @extend_schema(request=s.ExtensionDecideSerializer, responses=s.ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """审批延期申请：同意则顺延期限。"""
        require_role(request.user, Role.SUPERVISOR, Role.ADMIN, what="审核延期申请")
        extension = self.get_object()
        data = parse(s.ExtensionDecideSerializer, request)
        with transaction.atomic():
            decided = dispatch_services.extension_decide(extension=extension, actor=request.user, **data)
        return Response(s.ExtensionSerializer(decided).data)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The handling units (the tree: `parent`)."""

    permission_classes = [StaffOnly]
    serializer_class = s.UnitSerializer
    queryset = Unit.objects.filter(is_active=True).order_by("path")
    pagination_class = None


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The three-level category tree."""

    permission_classes = [StaffOnly]
    serializer_class = s.CategorySerializer
    pagination_class = None

    def get_queryset(self):
        qs = Category.objects.filter(is_active=True)
        q = self.request.query_params.get("q", "").strip()
        if q:
            qs = qs.filter(full_name__icontains=q)[:50]
        return qs


@extend_schema(responses=s.MeSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    return Response(s.MeSerializer(request.user).data)


@extend_schema(parameters=[OpenApiParameter("phone", str, required=True, pattern=PHONE)],
               responses=s.TicketListSerializer(many=True))
@api_view(["GET"])
@permission_classes([StaffOnly])
def citizen_lookup(request):
    """The caller's history for the operator's pop-up (来电弹屏)."""
    require_role(request.user, *HOTLINE_STAFF, what="查询来电历史")
    phone = validate_phone(request.query_params.get("phone", ""))
    history = citizen_history(phone)
    identity_reads_record(actor=request.user, tickets=history, surface=IdentityRead.Surface.CALLER,
                          request=request)
    context = {"request": request, "now": timezone.now()}
    return Response(s.TicketListSerializer(history, many=True, context=context).data)


_HEALTH = inline_serializer("Health", {
    "status": drf_serializers.ChoiceField(choices=["ok", "degraded", "down"]),
    "checks": drf_serializers.DictField(help_text="每项依赖的 status、critical、latency_ms"),
})


@extend_schema(responses={200: _HEALTH, 503: _HEALTH})
@api_view(["GET"])
@permission_classes([AllowAny])
@authentication_classes([])
@throttle_classes([])
def health(request):
    """For load balancers and container health checks (ops.health): 200 while the service can
    serve ("ok", or "degraded" when a non-critical part such as the SMPP session is down),
    503 when the database or Redis is down. Each check's status and latency in `checks`."""
    from ops.health import report

    code, body = report()
    return Response(body, status=code, headers={"Cache-Control": "no-store"})


@extend_schema(request=s.TokenRequestSerializer,
               responses={200: inline_serializer("Token", {
                   "token": drf_serializers.CharField(),
                   "expires_at": drf_serializers.DateTimeField(help_text="令牌到期时间：到期后须重新获取"),
               })})
@api_view(["POST"])
@permission_classes([AllowAny])
def token(request):
    """Trade a username and password (and, for an account with a second factor, the TOTP code
    in `otp`) for an API token that expires (`expires_at`). Wrong credentials are 401; an
    account or address locked after failed attempts, or too soon after one, 429 with
    Retry-After (codes account_locked, login_backoff: docs/SECURITY-auth.md); an expired
    password 403 password_expired; a missing or blank field is 400."""
    from accounts.services import LoginRefused, token_expires_at, token_login

    data = parse(s.TokenRequestSerializer, request)
    try:
        key = token_login(request=request._request, username=data["username"], password=data["password"],
                          otp=data.get("otp", ""))
    except LoginRefused as refused:
        headers = {"WWW-Authenticate": "Token"} if refused.status == 401 else {}
        if refused.retry_after:
            headers["Retry-After"] = str(refused.retry_after)
        return Response(error_body(refused.code, refused.message, details=refused.details),
                        status=refused.status, headers=headers)
    return Response({"token": key.key, "expires_at": token_expires_at(key)})
