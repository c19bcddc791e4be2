"""python manage.py seed_demo — a believable county to try the product with.

Idempotent: units and people are created when missing (an administrator's later edits
stay); the demo tickets are written once, into an empty ticket table.
"""
import time
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db.models import Count

from agents.services import agent_profile_save
from bulletins.services import bulletin_recipients_add
from cases.selectors import case_draft
from cases.services import case_publish
from demo.county import DEMO_AGENTS, DEMO_PASSWORD, build_county
from demo.tickets import write_tickets
from hotline.errors import HotlineError
from hotline.models import Role, Ticket, TicketState, TicketType, User
from knowledge.services.imports import demo_knowledge_load

KEYWORD_DAYS = 70  # the demo's history is 60 days; hot topics compare a week with the weeks before
DEMO_CASES = 12


class Command(BaseCommand):
    help = "创建演示数据：某县的承办单位、各角色账号和几百张处于各种状态的工单"

    def add_arguments(self, parser):
        parser.add_argument("--no-tickets", action="store_true", help="只建单位和账号")
        parser.add_argument("--seed", type=int, default=12345, help="随机种子（同一种子得到同样的数据）")

    def handle(self, *args, no_tickets=False, seed=12345, **options):
        started = time.monotonic()
        county = build_county()
        villages = demo_agents(county)
        self.stdout.write(f"单位：{len(county.units)} 个（{county.root.name}及其下属部门、乡镇街道、公共企事业）")
        if no_tickets:
            pass
        elif Ticket.objects.exists():
            self.stdout.write(f"工单：已有 {Ticket.objects.count()} 张，不再生成")
        else:
            write_tickets(county, seed=seed, progress=self.stdout.write)
            states = Ticket.objects.values("state").annotate(n=Count("id")).order_by("state")
            self.stdout.write("  " + "，".join(f"{row['state']} {row['n']}" for row in states))
            self.stdout.write(f"典型案例：公开 {publish_cases()} 个（门户「办理公开」）")
            # The new history's rollups and hot topics, so that the board, /reports/ and the display
            # show its figures from the first minute, before any timer has run (a re-run finds them
            # stored, and the timers keep them fresh). A named command: the demo imports no reports code.
            call_command("reports_refresh", "--full", "--keyword-days", str(KEYWORD_DAYS), stdout=StringIO())
            call_command("assessment_refresh", "--full", stdout=StringIO())  # issue 18: 月度考核
        self.stdout.write(f"考核方案：{ensure_assessment_scheme()}")
        # issue 18 item 5: the leader and the duty supervisor get the bulletins' SMS (on /dev/phone/)
        bulletin_recipients_add(users=[county.users["leader"], county.users["supervisor"]])
        self.stdout.write(f"知识库：{load_knowledge()}")
        # The demo suggests categories from the first keystroke (nothing is trained when a model is active).
        call_command("classifier_ensure", stdout=self.stdout)
        self.stdout.write(f"用时 {time.monotonic() - started:.1f} 秒\n")
        self.print_logins(county, villages)

    def print_logins(self, county, villages: dict[str, str]):
        w = self.stdout.write
        w(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        for user in county.users.values():
            unit = f" · {user.unit.name}" if user.unit_id and user.role == Role.UNIT_STAFF else ""
            unit = f" · {villages[user.username]}" if user.username in villages else unit
            w(f"  {user.username:<11} {user.get_role_display()}{unit} · {user}")
        w(f"显示屏令牌（请求头 Authorization: Token …）：{county.display_token}")


def ensure_assessment_scheme() -> str:
    """Issue 18: the default 考核方案 (assessment.defaults), in force over the demo's whole history."""
    from assessment.months import current_month, months_back
    from assessment.services import scheme_default_ensure

    scheme = scheme_default_ensure(valid_from=months_back(current_month(), 12))
    return f"已创建“{scheme}”" if scheme else "已有，不再创建"


def demo_agents(county) -> dict[str, str]:
    """The demo's village agents tied to their villages (an administrator's later edit stays):
    username → "town village", for the logins list."""
    from agents.models import AgentProfile

    shown = {}
    for username, (village, town_code) in DEMO_AGENTS.items():
        user, town = county.users[username], county.units[town_code].name
        profile = AgentProfile.objects.filter(user=user).first()
        if profile is None:
            profile = agent_profile_save(actor=None, user=user, village=village, town=town)
        shown[username] = f"{profile.town}{profile.village}"
    return shown


def load_knowledge() -> str:
    """The county's knowledge points and synonyms (knowledge/data/), imported and published by the
    first supervisor (a re-run updates them in place)."""
    reviewer = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
    if reviewer is None:
        return "没有值班长账号，未导入"
    result = demo_knowledge_load(actor=reviewer)
    if not result.ok:
        first = result.errors[0]
        return f"演示数据有 {len(result.errors)} 处错误（第{first.row}行 {first.column}：{first.message}），未导入"
    return f"新增 {result.created} 条，更新 {result.updated} 条知识点"


def publish_cases(limit: int = DEMO_CASES) -> int:
    """The portal's 办理公开 is empty until a supervisor reviews cases: the demo publishes the latest
    closed tickets a unit handled, with the draft texts a reviewer would start from."""
    reviewer = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
    if reviewer is None:
        return 0
    published = 0
    closed = (Ticket.objects.filter(state=TicketState.CLOSED, closed_by_hotline=False)
              .exclude(ticket_type=TicketType.REPORT).select_related("citizen").order_by("-closed_at"))
    for ticket in closed[:limit * 2]:
        try:
            case_publish(ticket=ticket, actor=reviewer, **case_draft(ticket))
        except HotlineError:
            continue  # a draft the rules refuse (nothing left once scrubbed): a reviewer would rewrite it
        published += 1
        if published == limit:
            break
    return published
