"""What every page's base template needs: the signed-in user's navigation."""
from assessment.access import may_see_assessment
from dispatch.calendar import office_calendar_warning
from hotline.models import Role
from hotline.permissions import ALL_STAFF, OFFICE
from reports.access import may_see_reports

REPORTS_ITEM = ("reports", "/reports/", "统计报表")
ASSESSMENT_ITEM = ("assessment", "/assessment/", "月度考核")

NAV = {
    Role.OPERATOR: [("console", "/console/", "登记工单"), ("callbacks", "/console/callbacks/", "回访"),
                    ("missed", "/console/missed-calls/", "未接来电"), ("tickets", "/tickets/", "工单查询"),
                    # Operators watch the board's lists too (its buttons are the supervisor's).
                    ("board", "/board/", "值班台")],
    Role.SUPERVISOR: [("board", "/board/", "值班台"), ("console", "/console/", "登记工单"),
                      ("callbacks", "/console/callbacks/", "回访"), ("tickets", "/tickets/", "工单查询"),
                      ("knowledge", "/knowledge/", "知识库")],
    Role.LEADER: [("leader", "/m/", "待批示"), ("leader_done", "/m/instructed/", "我批示的")],
    Role.UNIT_STAFF: [("unit", "/unit/", "待办工单"), ("unit_done", "/unit/done/", "已办工单"),
                      ("unit_search", "/unit/search/", "工单查询"), ("knowledge", "/knowledge/", "知识库")],
}
# 中心管理员: the supervisor's work, and the centre's business records in the admin site.
NAV[Role.ADMIN] = [*NAV[Role.SUPERVISOR], ("admin", "/admin/", "管理后台")]
# 三员分立 (docs/SECURITY-duties.md). Other parts append their pages to these lists (e.g. the
# security administrator's locked accounts); the order is the menu's.
NAV[Role.SYSADMIN] = [("admin", "/admin/", "系统配置"), ("accounts", "/admin/hotline/user/", "账号管理")]
NAV[Role.SECADMIN] = [("security", "/account/security/", "锁定与令牌"), ("roles", "/admin/hotline/user/", "角色分配")]
NAV[Role.AUDITOR] = [("audit", "/audit/", "审计日志")]
SUPERUSER_NAV = [("accounts", "/admin/hotline/user/", "初始化账号")]


def nav_for(user) -> list[tuple[str, str, str]]:
    if not user.is_authenticated:
        return []
    items = SUPERUSER_NAV if user.is_superuser else NAV.get(user.role, [])
    if items and may_see_reports(user):
        # Before 管理后台, which stays last.
        at = len(items) - (items[-1][0] == "admin")
        items = [*items[:at], REPORTS_ITEM, *items[at:]]
    if items and may_see_assessment(user):  # issue 18: 月度考核, after 统计报表
        at = len(items) - (items[-1][0] == "admin")
        items = [*items[:at], ASSESSMENT_ITEM, *items[at:]]
    return items


def page_context(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # The staff socket (live.consumers) lets in the ticket-handling roles only: the three
    # administrators' pages do not open one (it would be refused, an error in their console).
    context = {"nav_items": nav_for(user), "live_socket": user.has_role(*ALL_STAFF)}
    if user.has_role(*OFFICE, Role.SYSADMIN):
        # The year's holidays are missing: deadlines count weekends only until the system
        # administrator imports them (the office is told why its deadlines may move).
        context["calendar_warning"] = office_calendar_warning()
    return context
