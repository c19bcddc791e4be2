"""Text intelligence for the operator form and the API: suggestions and duplicates."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from hotline.errors import InvalidInput, NotAllowed
from hotline.models import Role
from hotline.rest.permissions import StaffOnly
from hotline.rest.schema import REQUIRED_TEXT

from ..intelligence import duplicates

# Query text: the classifier reads the first 1,000 characters, duplicates the first 100 or so;
# 500 characters keep a GET's address under the servers' 8 KB request-line limit even when every
# character is percent-encoded Chinese (9 bytes each). The console sends the first 500.
MAX_TEXT = 500
MAX_DUPLICATE_TEXT = 300  # with the address and phone beside it, the same 8 KB bound
INTAKE_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.LEADER)


@extend_schema(
    summary="分类与承办单位建议",
    responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="model_version, categories[], deeper, unit "
                                                                      "（见 docs/REPORTS.md）")},
    parameters=[OpenApiParameter("text", {"type": "string", "maxLength": MAX_TEXT, "pattern": REQUIRED_TEXT},
                                 required=True, description="诉求标题或内容")],
)
@api_view(["GET"])
@permission_classes([StaffOnly])
def suggest(request):
    text = request.query_params.get("text", "").strip()
    if "\x00" in text:
        raise InvalidInput("text 含有不允许的字符", field="text")
    if not text:
        raise InvalidInput("请提供 text 参数（诉求内容）", field="text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"text 不能超过{MAX_TEXT}个字", field="text")
    # Imported here: the classifier brings numpy, scipy and scikit-learn (about 250 MB), which a
    # process that never suggests (an export, a worker serving other pages) need not carry.
    from ..intelligence import classifier

    return Response(classifier.suggest(text))


@extend_schema(
    summary="疑似重复工单（并单建议）",
    responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="results[]: id, number, title, state, "
                                                                      "score, reasons（见 docs/REPORTS.md）")},
    parameters=[OpenApiParameter("text", {"type": "string", "maxLength": MAX_DUPLICATE_TEXT}),
                OpenApiParameter("phone", {"type": "string", "maxLength": 30}),
                OpenApiParameter("address", {"type": "string", "maxLength": 200}),
                OpenApiParameter("exclude", int, description="正在编辑的工单编号（id），不列出它自己")],
)
@api_view(["GET"])
@permission_classes([StaffOnly])
def duplicates_view(request):
    if not request.user.has_role(*INTAKE_ROLES):
        raise NotAllowed("您的角色无权查询重复工单")
    params = request.query_params
    text, phone, address = params.get("text", ""), params.get("phone", ""), params.get("address", "")
    if len(text) > MAX_DUPLICATE_TEXT or len(address) > 200 or len(phone) > 30:
        raise InvalidInput("参数过长", field="text")
    try:
        exclude = int(params["exclude"]) if "exclude" in params else None
    except ValueError:
        raise InvalidInput("exclude 必须是工单 id", field="exclude")
    if len(text.strip()) < 2 and not phone.strip() and len(address.strip()) < 2:
        return Response({"results": []})  # nothing to compare yet (the operator has typed one character)
    return Response({"results": duplicates.find(text=text, phone=phone, address=address, exclude_id=exclude)})



