"""What the OpenAPI schema says about errors: every operation declares the error answers it can
give, each with the one error body (hotline.rest.errors.error_body) as a shared component.

drf-spectacular documents only the success answer of a view; the rest come from the exception
handler, which every view shares. So they are added here once, by what an operation is:
every one can get bad input (400: a query parameter or a body it cannot read); one that needs a
login can be unauthenticated (401) or not allowed for the role (403); a path with an id or an
unknown cursor can name nothing the caller may see (404, the same answer as "not yours"); an
action on a ticket can find it moved on (409, including a stale If-Match); a throttled one 429.
"""
PUBLIC = {"/api/auth/token/", "/api/health/"}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "field", "details"],
            "properties": {
                "code": {"type": "string", "example": "state_conflict",
                         "description": "机器可读的错误代码，如 invalid、permission_denied、state_conflict"},
                "message": {"type": "string", "example": "工单当前状态为「已办结」，不能派单",
                            "description": "给人看的中文说明"},
                "field": {"type": "string", "nullable": True, "description": "出错的字段（若有）"},
                "details": {"type": "object", "additionalProperties": True, "description": "各字段的全部错误"},
            },
        },
    },
}
EXAMPLES = {
    "400": ("invalid", "content: 诉求内容不能为空", "content"),
    "401": ("not_authenticated", "请先登录", None),
    "403": ("permission_denied", "您的角色无权派单", None),
    "404": ("not_found", "工单不存在", None),
    "409": ("state_conflict", "工单当前状态为「已派单」，不能派单", None),
    "429": ("throttled", "请求过于频繁，请稍后再试", None),
    "415": ("unsupported_file", "文件「现场.zip」的内容不是允许的类型（允许：.jpg、.png、.pdf …）", "files"),
}
DESCRIPTIONS = {
    "400": "输入有误（字段、查询参数或请求体无法读取）",
    "401": "未登录或令牌无效",
    "403": "当前角色无权执行此操作",
    "404": "对象不存在，或无权查看（两者答复相同）",
    "409": "工单状态已变化（他人已先操作，或 If-Match 版本过期）",
    "429": "请求过于频繁",
    "415": "附件的内容不是允许的类型（按文件内容判断，不看文件名；网页、脚本、程序一律拒收）",
}


# Operations whose 409 has a reason of its own besides a ticket that moved on.
CONFLICTS = {
    "/api/tickets/": (
        "idempotency_key_reused",
        "该 Idempotency-Key 已用于另一份登记请求，请为新的登记换一个键",
        "同一 Idempotency-Key 已用于内容不同的另一份登记请求（idempotency_key_reused）"),
    "/api/tickets/{id}/reply/": (
        "co_units_unanswered",
        "以下协办单位尚未答复：县交通运输局（尚未签收）。请等待协办意见，或确认记录其未答复后再回复",
        "工单状态已变化（state_conflict）；或主办单位回复时仍有协办单位未答复（co_units_unanswered）："
        "确认不再等待，请求体加 confirm_absent_co_units: true"),
    "/api/tickets/{id}/dispatch/": (
        "category_required",
        "工单尚未选择诉求分类，请先选择分类再派单",
        "工单状态已变化（state_conflict）；或工单尚未分类、请求中也没有 category（category_required）：同一请求带上 "
        "category 即可派单；或该类工单须先呈报领导批示（approval_required）"),
    "/api/tickets/{id}/urge/": (
        "recently_urged",
        "该工单 5 分钟前已催办（06-01 10:20，张值班），仍要催办？确要再次催办，请求中加 \"repeat\": true",
        "工单不在办理中（state_conflict）；或该工单在 URGE_REPEAT_MINUTES（默认 30）分钟内已催办过"
        "（recently_urged）：确要再次催办，请求体加 repeat: true"),
}


TOKEN = "/api/auth/token/"
# Request bodies are documented as JSON, the API's contract (a form cannot say null or a list of
# ids); the pages' forms and the browsable API still post forms. Files go as multipart.
MULTIPART_BODIES = {"/api/tickets/{id}/reply/"}


def codes_for(path: str, method: str) -> list[str]:
    codes = ["400"]
    if path not in PUBLIC or path == TOKEN:
        codes.append("401")  # the token endpoint: wrong username or password
    if path not in PUBLIC or path == TOKEN:
        codes.append("403")  # the token endpoint: password_expired, otp_enrolment_required
    codes.append("404")
    if method == "post" and path not in PUBLIC and ("{id}" in path or path == "/api/tickets/"):
        codes.append("409")
    if path in MULTIPART_BODIES:
        codes.append("415")  # an attachment whose bytes are no allowed kind (hardening.uploads)
    if path in PUBLIC:
        codes.append("429")  # the token endpoint: also account_locked, login_backoff (accounts)
    return codes


def add_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the shared Error component and each operation's error answers."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content and path not in MULTIPART_BODIES:
                operation["requestBody"]["content"] = {"application/json": content["application/json"]}
            responses = operation.setdefault("responses", {})
            for code in codes_for(path, method):
                error_code, message, field = EXAMPLES[code]
                description = DESCRIPTIONS[code]
                if code == "409" and path in CONFLICTS:
                    error_code, message, description = CONFLICTS[path]
                example = {"error": {"code": error_code, "message": message, "field": field, "details": {}}}
                responses.setdefault(code, {"description": description, "content": {
                    "application/json": {"schema": reference, "example": example}}})
    return result


# What the API enforces on text, written as patterns so that the schema is as strict as the API
# (serializers' CharFields trim and refuse blank text and NUL characters; phones are validated).
REQUIRED_TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"  # something besides white space, no NUL
# An optional field's pattern need not match the empty string: drf-spectacular states a blank-allowed
# field with a pattern as oneOf [the pattern, maxLength 0], and "" must match exactly one of them.
OPTIONAL_TEXT = r"^[^\x00]+$"


def reply_text_pattern(minimum: int) -> str:
    r"""A unit's reply (dispatch.services.review.validate_reply_text): no NUL and at least `minimum`
    letters or digits ([^\W_] is str.isalnum). Each group is some non-alphanumerics then one
    alphanumeric, disjoint classes, so a long text that fails does not backtrack."""
    return rf"^(?:(?:[^\w\x00]|_)*[^\W_]){{{minimum}}}[^\x00]*$"


PHONE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"  # hotline.models.people.PHONE_REGEX
OPTIONAL_PHONE = PHONE  # the blank number is the oneOf's other branch (see OPTIONAL_TEXT)
