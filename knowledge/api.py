"""The knowledge base's REST API under /api/knowledge/: thin, every write one service.

Who sees what is `selectors.points_visible_to` (another unit's draft is 404, as if absent); who
may write is checked by the services (403 for a role that may not, 409 for a state that does not
allow it)."""
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.response import Response

from hotline.errors import InvalidInput, NotFound
from hotline.models import Category
from hotline.rest.permissions import StaffOnly
from hotline.rest.schema import REQUIRED_TEXT

from . import selectors
from . import serializers as s
from .models import KnowledgePoint
from .services import points as services

MAX_QUERY = 200
STATES = [value for value, _ in KnowledgePoint.State.choices]


def fields_from(data: dict) -> services.PointFields:
    return services.PointFields(**{name: data[name] for name in services.FIELDS})


@extend_schema(tags=["knowledge"])
class PointViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """知识点：列表、详情、新建、修改、提交审核、发布、退回、撤回、版本历史。"""

    permission_classes = [StaffOnly]
    serializer_class = s.PointSerializer
    queryset = KnowledgePoint.objects.none()  # the schema's model; requests read get_queryset

    def get_serializer_class(self):
        return s.PointListSerializer if self.action == "list" else s.PointSerializer

    def get_queryset(self):
        qs = selectors.points_visible_to(self.request.user)
        params = self.request.query_params
        state = params.get("state", "")
        if state:
            if state not in STATES:
                raise InvalidInput(f"state 可选：{'、'.join(STATES)}", field="state")
            qs = qs.filter(state=state)
        words = params.get("title", "").strip()
        if len(params.get("title", "")) > MAX_QUERY:
            raise InvalidInput(f"title 不能超过{MAX_QUERY}个字", field="title")
        if words:
            qs = qs.filter(title__icontains=words)
        return qs

    @extend_schema(parameters=[
        OpenApiParameter("state", str, enum=STATES, description="按状态筛选"),
        OpenApiParameter("title", {"type": "string", "maxLength": MAX_QUERY}, description="标题包含"),
    ])
    def list(self, request, *args, **kwargs):
        """知识点列表（单位账号：已生效的知识点与本单位的全部知识点）。"""
        return super().list(request, *args, **kwargs)

    def answer(self, point, code=status.HTTP_200_OK):
        return Response(s.PointSerializer(point).data, status=code)

    def point(self):
        return services.point_for(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        """知识点详情（含待审核的修改）。"""
        return self.answer(self.point())

    @extend_schema(request=s.PointWriteSerializer, responses={201: s.PointSerializer})
    def create(self, request):
        """新建知识点（草稿；submit=true 直接提交审核）。"""
        body = s.PointWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        point = services.point_create(actor=request.user, fields=fields_from(body.validated_data),
                                      submit=body.validated_data["submit"])
        return self.answer(point, status.HTTP_201_CREATED)

    @extend_schema(request=s.PointWriteSerializer, responses=s.PointSerializer)
    def update(self, request, pk=None):
        """修改知识点（整体替换内容）。单位修改已发布的知识点：发布内容不变，修改进入审核。"""
        point = self.point()
        body = s.PointWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        point = services.point_update(point=point, actor=request.user, fields=fields_from(body.validated_data),
                                      note=body.validated_data["note"])
        return self.answer(point)

    def _act(self, service, serializer_class=None):
        point = self.point()
        data = {}
        if serializer_class is not None:
            body = serializer_class(data=self.request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        with transaction.atomic():
            point = service(point=point, actor=self.request.user, **data)
        return self.answer(point)

    @extend_schema(request=None, responses=s.PointSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """提交审核（草稿 → 待审核）。"""
        return self._act(services.point_submit)

    @extend_schema(request=None, responses=s.PointSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """发布（热线中心）：待审核的知识点，或已发布知识点待审核的修改。"""
        return self._act(services.point_publish)

    @extend_schema(request=s.SendBackSerializer, responses=s.PointSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """退回修改（热线中心），附退回意见。"""
        return self._act(services.point_send_back, s.SendBackSerializer)

    @extend_schema(request=s.PointNoteSerializer, responses=s.PointSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """撤回（热线中心）：立即退出检索和公开页面。"""
        return self._act(services.point_withdraw, s.PointNoteSerializer)

    @extend_schema(responses=s.VersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        """版本历史：每次修改的内容快照、操作人和说明，最新在前。"""
        versions = selectors.point_versions(self.point())
        return Response(s.VersionSerializer(versions, many=True).data)


@extend_schema(
    tags=["knowledge"], summary="知识库检索", responses=s.HitSerializer(many=True),
    parameters=[
        OpenApiParameter("q", {"type": "string", "maxLength": MAX_QUERY, "pattern": REQUIRED_TEXT}, required=True,
                         description="市民的话或关键词"),
        OpenApiParameter("audience", str, enum=["public"], description="public：只检索公开知识点"),
        OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 20}, description="条数，默认 5"),
        OpenApiParameter("category", int, description="分类（含其下级）"),
    ])
@api_view(["GET"])
@permission_classes([StaffOnly])
def search(request):
    params = request.query_params
    text = params.get("q", "").strip()
    if not text or "\x00" in text or len(text) > MAX_QUERY:
        raise InvalidInput(f"请提供 q（1 到 {MAX_QUERY} 个字）", field="q")
    audience = params.get("audience") or None
    if audience not in (None, "public"):
        raise InvalidInput("audience 只能是 public", field="audience")
    raw_limit = params.get("limit", "5")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 20:
        raise InvalidInput("limit 应为 1 到 20 的整数", field="limit")
    category = None
    if params.get("category"):
        try:
            wanted = int(params["category"])
        except ValueError:
            raise InvalidInput("category 应为分类编号", field="category") from None
        category = Category.objects.filter(pk=wanted).first() if 0 < wanted < 2**31 else None
        if category is None:
            raise NotFound("分类不存在", field="category")
    hits = selectors.point_search(text=text, audience=audience, limit=int(raw_limit), category=category)
    return Response(s.HitSerializer(hits, many=True).data)
