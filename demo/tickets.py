"""A few hundred tickets with a past, written through the services as people would.

Every ticket follows one scenario (a path through docs/PRODUCT.md §3). Each step runs with the
clock set to when it happened (`hotline.clock.frozen_at`), so deadlines, lights, event
times and rates come out as they would have; notifications are muted (that past must not
send SMS today). A fixed random seed makes the county the same on every laptop.
"""
import csv
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from dispatch import services as d
from dispatch.calendar import WorkCalendar
from dispatch.deadlines import deadlines_from, light_at, limits_for
from hotline.clock import frozen_at
from hotline.models import Category, Channel, Ticket, TicketType, Urgency
from hotline.notify import muted
from hotline.services import tickets as t
from places.geo import county as county_map
from places.services import ticket_locate

from .county import County
from .topics import TOPICS, topic_for

SAMPLES = Path(__file__).resolve().parent.parent / "hotline" / "data" / "sample_messages.csv"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建国", "志强", "红梅", "玉兰", "海燕", "春生", "国庆"]
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

# scenario → how many of each (a county's open work beside its closed history)
SCENARIOS = {
    "registered": 10, "pending_approval": 8, "approved": 5,
    "dispatched_green": 14, "dispatched_yellow": 8, "dispatched_red": 8,
    "in_progress_green": 24, "in_progress_yellow": 12, "in_progress_red": 12,
    "extension_pending": 5, "extension_approved": 5,
    "returned": 6, "return_pending": 4, "return_refused": 3, "reassigned": 3, "replied": 14, "reopened": 5,
    "closed_satisfied": 80, "closed_late": 10, "closed_after_reopen": 8, "closed_no_callback": 6,
    "closed_direct": 30, "merged": 6, "invalid": 6,
    # 挂起 (issue 16, item 4): last, so that the scenarios above draw the same numbers as before.
    "suspension_pending": 3, "suspended": 4,
    # issue 16 item 5 (二级派单): handed down and in the sub-unit's hands, its reply awaiting the
    # parent's review, and accepted with the parent's reply upward
    "handed_down": 3, "handed_down_to_review": 2, "handed_down_done": 2,
    # 办结审核 (issue 16 item 3): complaints replied and waiting on the board, and some sent back.
    "reviewing": 5, "sent_back": 3,
}
# (parent unit, sub-unit) of the demo's hand-downs: a bureau to its section, a town to its community.
HAND_DOWNS = [("zjj", "zjj-wy"), ("cgz", "cgz-xfsq")]
SUB_REPLIES = ["已到现场核实，督促物业当日完成维修，业主确认问题已解决。",
               "社区已上门走访，协调相关方达成一致，后续由网格员跟踪回访。"]
TYPE_WEIGHTS = {TicketType.COMPLAINT: 35, TicketType.HELP: 25, TicketType.CONSULTATION: 15,
                TicketType.SUGGESTION: 10, TicketType.REPORT: 5, TicketType.PRAISE: 5, TicketType.OTHER: 5}
REPLIES = ["经核查，情况属实，已督促相关责任方整改完毕，并向市民反馈。",
           "已现场查看并协调处理，问题已解决，市民表示认可。",
           "已联系来电人说明相关政策，并安排专人跟进后续事宜。",
           "经调查，已对相关商户依法处理，责令限期整改。"]


SEND_BACKS = ["答复未说明整改完成时间和后续监管措施，请补充后重新答复。",
              "答复口径不符合要求：未说明处理依据，请引用相关规定并写明处理结果。",
              "未反映与来电人沟通的情况，请联系来电人核实后重新答复。"]


def load_samples() -> list[dict]:
    with open(SAMPLES, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:  # the published sample carries spreadsheet line-break codes
        for key in ("title", "detail"):
            row[key] = " ".join(row[key].replace("_x000D_", " ").split())
    return rows


class Writer:
    """Writes one county's tickets; `self.now` is the real present."""

    def __init__(self, county: County, rng: random.Random, now: dt.datetime):
        self.county, self.rng, self.now = county, rng, now
        self.reported = 0
        self.u = county.users
        self.roots = {c.name: c for c in Category.objects.filter(level=1).select_related("default_unit")}
        self.topic_categories = {c.full_name: c for c in Category.objects.filter(
            full_name__in=[topic.path for topic in TOPICS]).select_related("default_unit")}
        # One calendar for the whole demo window instead of one per deadline tried.
        self.calendar = WorkCalendar((now - 70 * DAY).date(), days=120)
        self.samples: list[dict] = []  # all of them (write_tickets): the hand-down scenarios pick from them

    # --- pieces -----------------------------------------------------------------
    def citizen(self) -> tuple[str, str]:
        rng = self.rng
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        return phone, rng.choice(SURNAMES) + rng.choice(GIVEN)

    def register(self, sample: dict, at: dt.datetime, **overrides) -> Ticket:
        rng = self.rng
        category = self.category_for(sample)
        channel = rng.choices([Channel.PHONE, Channel.SMS, Channel.WEB, Channel.WALK_IN], [60, 15, 20, 5])[0]
        phone, name = self.citizen()
        fields = {
            "channel": channel, "ticket_type": rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0],
            "urgency": Urgency.URGENT if rng.random() < 0.05 else Urgency.NORMAL,
            "title": sample["title"][:200], "content": sample["detail"][:5000] or sample["title"],
            "citizen_phone": phone, "citizen_name": name, "category": category,
            "area": rng.choice(["城关镇", "东城街道", "西城街道", "槐店镇", "老城镇"]),
        } | overrides
        staffed = fields["channel"] in (Channel.PHONE, Channel.WALK_IN)
        actor = self.u[rng.choice(["operator", "operator2"])] if staffed else None
        label = "" if staffed else {"sms": "短信", "web": "网站"}.get(fields["channel"], "接口")
        with frozen_at(at):
            ticket = t.ticket_register(actor=actor, actor_label=label, **fields)
            if fields["channel"] == Channel.WEB:  # issue 19: portal citizens pressed 使用我的位置
                ticket = self.locate(ticket)
            return ticket

    @staticmethod
    def locate(ticket: Ticket) -> Ticket:
        """A position near the ticket's town centre, from its own number (the seed's random sequence
        stays as it was, so the rest of the demo does not change)."""
        town = county_map().towns.get(ticket.area)
        if town is None:
            return ticket
        jitter = random.Random(ticket.number)
        return ticket_locate(ticket=ticket, area=town.name,
                             latitude=town.latitude + Decimal(jitter.randint(-80, 80)) / 10000,
                             longitude=town.longitude + Decimal(jitter.randint(-80, 80)) / 10000)

    def category_for(self, sample: dict):
        """The category a ticket of these words gets (a topic's leaf, else the first level)."""
        topic = topic_for(sample["category"], sample["title"], sample["detail"])
        return self.topic_categories[topic.path] if topic else self.roots.get(sample["category"])

    def unit_for(self, ticket: Ticket):
        """The default unit of the ticket's category or of its nearest ancestor that has one."""
        category = ticket.category
        while category is not None and category.default_unit_id is None:
            category = category.parent
        return category.default_unit if category else self.county.units["zjj"]

    def staff_of(self, unit):
        return next((u for u in self.u.values() if u.unit_id == unit.pk), None)

    def approve_if_needed(self, ticket: Ticket, at: dt.datetime) -> dt.datetime:
        from dispatch.services import approval_policy_for

        if approval_policy_for(ticket) is None:
            return at
        with frozen_at(at):
            ticket = d.ticket_submit_for_approval(ticket=ticket, actor=self.u["supervisor"])
        at += self.rng.uniform(0.1, 0.6) * HOUR
        with frozen_at(at):
            d.ticket_instruct(ticket=ticket, actor=ticket.leader, text="请承办单位高度重视，按时办结并回复群众。")
        return at + 0.2 * HOUR

    def dispatch(self, ticket: Ticket, at: dt.datetime, unit=None):
        """Dispatch to a unit that has a demo login (so every open ticket can be acted on)."""
        at = self.approve_if_needed(ticket, at)
        unit = unit or self.unit_for(ticket)
        if self.staff_of(unit) is None:
            unit = self.county.units["zjj"]
        co = [self.county.units["cgz"]] if self.rng.random() < 0.15 and unit.code != "cgz" else []
        with frozen_at(at):
            d.ticket_dispatch(ticket=ticket, actor=self.u["supervisor"], lead_unit=unit, co_units=co)
        return unit, at

    def past(self, moment: dt.datetime) -> dt.datetime:
        """Steps planned after now happen just before it instead: the demo has no future."""
        return min(moment, self.now - self.rng.uniform(1, 30) * dt.timedelta(minutes=1))

    def sign(self, ticket, unit, at):
        with frozen_at(self.past(at)):
            d.ticket_sign(ticket=ticket, actor=self.staff_of(unit))

    def reply(self, ticket, unit, at, *, review: bool = True) -> dt.datetime:
        """The lead unit replies; on a type the centre reviews (办结审核), the supervisor approves a
        little later (`review`: else the reply is left waiting on the board). Returns the reply's moment."""
        replied_at = self.past(at)
        with frozen_at(replied_at):
            # The demo's co-units stay silent: the lead replies without them, and says so.
            d.ticket_reply(ticket=ticket, actor=self.staff_of(unit), text=self.rng.choice(REPLIES),
                           confirm_absent_co_units=True)
        if review and Ticket.objects.filter(pk=ticket.pk, state="reviewing").exists():
            # Before anything that follows the reply (a callback comes at least a tenth of the way to now).
            delay = min(self.rng.uniform(0.3, 3) * HOUR, (self.now - replied_at) * 0.05)
            with frozen_at(replied_at + delay):
                d.ticket_review_approve(ticket=ticket, actor=self.u["supervisor"])
        return replied_at

    def callback(self, ticket, at, result):
        by_sms = self.rng.random() < 0.6
        with frozen_at(self.past(at)):
            d.survey_record(ticket=ticket, result=result, actor=None if by_sms else self.u["operator"],
                            actor_label="市民（短信回复）" if by_sms else "", method="sms" if by_sms else "phone")

    def start_for_light(self, limits, light: str) -> dt.datetime | None:
        """A dispatch moment such that a ticket with these limits shows `light` now (None if
        none can: on a Sunday morning no 3-day limit is in its last day)."""
        fitting = []
        for k in range(2, 24 * 60, 5):
            start = self.now - k * HOUR
            deadlines = deadlines_from(start, limits, self.calendar)
            if light_at(deadlines.due_at, deadlines.warn_at, self.now) == light:
                fitting.append(start)
                if len(fitting) >= 12:
                    break
        return self.rng.choice(fitting) if fitting else None

    def wrong_unit(self, ticket):
        """A unit with a demo login that does not handle the ticket's category."""
        return self.county.units["jtj"] if self.unit_for(ticket).code != "jtj" else self.county.units["cgj"]

    def ask_return(self, ticket, unit, at, *, code="not_ours", reason="该事项不属于本单位职责范围，请改派。"):
        at = self.past(at)
        with frozen_at(at):
            d.ticket_return(ticket=ticket, actor=self.staff_of(unit), reason_code=code, reason=reason)
        return at

    # --- scenarios ----------------------------------------------------------------
    def handed_down(self, sample, scenario: str) -> Ticket:
        """Issue 16 item 5: the lead hands the ticket down to its sub-unit, which signs and replies;
        the lead accepts the reply and replies upward (as far as the scenario goes)."""
        from dispatch.models import Assignment

        rng, now = self.rng, self.now
        # A matter the parent handles anyway (the demo's tickets go to their category's unit).
        parents = {self.county.units[p].pk: self.county.units[s] for p, s in HAND_DOWNS}
        start = rng.randrange(len(self.samples) or 1)
        for offset in range(len(self.samples)):
            candidate = self.samples[(start + offset) % len(self.samples)]
            category = self.category_for(candidate)
            while category is not None and category.default_unit_id is None:
                category = category.parent
            if category is not None and category.default_unit_id in parents:
                sample = candidate
                break
        at = now - rng.uniform(1, 3) * DAY
        ticket = self.register(sample, at, urgency=Urgency.NORMAL)
        parent = self.unit_for(ticket)
        unit, at = self.dispatch(ticket, at + HOUR, unit=parent)
        sub = parents.get(unit.pk)
        if sub is None:  # no such matter among the samples: the ticket stays with its unit
            return ticket
        self.sign(ticket, unit, at + HOUR)
        with frozen_at(self.past(at + 2 * HOUR)):
            part = d.ticket_hand_down(ticket=ticket, actor=self.staff_of(unit), unit=sub,
                                      note="请现场核实，按时限回复本单位")
        if scenario == "handed_down":
            return ticket
        self.sign(ticket, sub, at + 3 * HOUR)
        with frozen_at(self.past(at + 8 * HOUR)):
            d.ticket_reply(ticket=ticket, actor=self.staff_of(sub), text=rng.choice(SUB_REPLIES))
        if scenario == "handed_down_to_review":
            return ticket
        with frozen_at(self.past(at + 10 * HOUR)):
            d.ticket_hand_down_review(ticket=ticket, actor=self.staff_of(unit), part=part.pk, accept=True)
        assert Assignment.objects.get(pk=part.pk).accepted_at is not None
        self.reply(ticket, unit, at + 12 * HOUR)
        return ticket

    def handle(self, sample, light: str, *, sign: bool) -> Ticket:
        """A ticket a unit holds now, dispatched long enough ago to show `light`."""
        ticket_type = self.rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0]
        for candidate in (ticket_type, TicketType.COMPLAINT, TicketType.SUGGESTION):
            start = self.start_for_light(limits_for(ticket_type=candidate, urgency=Urgency.NORMAL), light)
            if start is not None:
                break
        else:  # no limit shows that light today (not seen yet): keep the ticket, whatever its light
            start = self.now - 2 * DAY
        ticket = self.register(sample, start - self.rng.uniform(0.3, 3) * HOUR, urgency=Urgency.NORMAL,
                               ticket_type=candidate)
        unit, at = self.dispatch(ticket, start)
        if sign:
            self.sign(ticket, unit, at + self.rng.uniform(0.2, 3) * HOUR)
        return ticket

    def closed(self, sample, *, result="satisfied", late=False, reopen=False) -> Ticket:
        """Handled and closed by the citizen's answer; `late` replies after the deadline,
        `reopen` goes round twice. Each step's moment lies between the last one and now."""
        rng = self.rng
        at = self.now - rng.uniform(25, 60) * DAY if late or reopen else self.now - rng.uniform(1, 60) * DAY
        ticket = self.register(sample, at)
        unit, at = self.dispatch(ticket, at + rng.uniform(0.2, 2) * HOUR)
        rounds = 2 if reopen else 1
        for index in range(rounds):
            ticket.refresh_from_db()
            if late:
                reply_at = ticket.due_at + rng.uniform(1, 40) * HOUR
            else:
                reply_at = at + (min(ticket.due_at, self.now - 12 * HOUR) - at) * rng.uniform(0.3, 0.9)
            self.sign(ticket, unit, at + (reply_at - at) * rng.uniform(0.05, 0.3))
            self.reply(ticket, unit, reply_at)
            last = index == rounds - 1
            at = reply_at + (self.now - reply_at) * rng.uniform(0.1, 0.2 if not last else 0.9)
            self.callback(ticket, at, result if last else "dissatisfied")
            if not last:
                unit, at = self.dispatch(ticket, at + HOUR, unit=unit)
        return ticket

    def run(self, scenario: str, sample: dict) -> Ticket:
        rng, now = self.rng, self.now
        if scenario == "registered":  # today's intake, whatever the hour the demo is made
            today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            start = max(today, now - 20 * HOUR)
            return self.register(sample, start + (now - start) * rng.uniform(0.05, 0.95), urgency=Urgency.NORMAL)
        if scenario in ("pending_approval", "approved"):
            # Reports (举报) go to the second leader, urgent matters to the first (ApprovalPolicy):
            # both leaders have tickets waiting for them.
            self.reported += 1
            kind = ({"ticket_type": TicketType.REPORT} if self.reported % 2 else
                    {"ticket_type": TicketType.COMPLAINT, "urgency": Urgency.URGENT})
            ticket = self.register(sample, now - rng.uniform(1, 30) * HOUR, **kind)
            at = ticket.created_at + 0.3 * HOUR
            with frozen_at(at):
                ticket = d.ticket_submit_for_approval(ticket=ticket, actor=self.u["supervisor"])
            if scenario == "approved":
                with frozen_at(at + 0.5 * HOUR):
                    d.ticket_instruct(ticket=ticket, actor=ticket.leader, text="同意，请热线办尽快派单。")
            return ticket
        if scenario.startswith(("dispatched_", "in_progress_")):
            state, light = scenario.rsplit("_", 1)
            return self.handle(sample, light, sign=state == "in_progress")
        if scenario.startswith("extension_"):
            ticket = self.handle(sample, "yellow", sign=True)
            ticket.refresh_from_db()
            unit = ticket.lead_unit
            with frozen_at(now - rng.uniform(0.5, 3) * HOUR):
                ext = d.extension_request(ticket=ticket, actor=self.staff_of(unit), extra_days=rng.choice([3, 5]),
                                          reason="涉及多个部门协调，需要现场勘验后才能答复。")
            if scenario == "extension_approved":
                with frozen_at(now - rng.uniform(0.1, 0.4) * HOUR):
                    d.extension_decide(extension=ext, actor=self.u["supervisor"], approve=True, note="同意延期")
            return ticket
        if scenario == "returned":  # the unit asked to return it, the centre agreed: waiting for re-dispatch
            ticket = self.register(sample, now - rng.uniform(5, 48) * HOUR, urgency=Urgency.NORMAL)
            wrong = self.wrong_unit(ticket)
            unit, at = self.dispatch(ticket, ticket.created_at + HOUR, unit=wrong)
            at = self.ask_return(ticket, unit, at + rng.uniform(1, 4) * HOUR)
            with frozen_at(self.past(at + rng.uniform(0.3, 2) * HOUR)):
                d.ticket_return_accept(ticket=ticket, actor=self.u["supervisor"], note="同意退单，另行派单。")
            return ticket
        if scenario == "return_pending":  # 退单待审 on the board, the deadline running meanwhile
            ticket = self.register(sample, now - rng.uniform(3, 20) * HOUR, urgency=Urgency.NORMAL)
            unit, at = self.dispatch(ticket, ticket.created_at + 0.5 * HOUR, unit=self.wrong_unit(ticket))
            if rng.random() < 0.5:
                self.sign(ticket, unit, at + 0.5 * HOUR)
            self.ask_return(ticket, unit, at + rng.uniform(1, 2) * HOUR)
            return ticket
        if scenario == "return_refused":  # the right unit asked; refused, it handles the ticket on time
            ticket = self.handle(sample, "green", sign=True)
            ticket.refresh_from_db()
            at = self.ask_return(ticket, ticket.lead_unit, ticket.dispatched_at + rng.uniform(2, 5) * HOUR,
                                 code="unclear", reason="诉求地点描述不清，无法核实，请热线办补充后改派。")
            with frozen_at(self.past(at + rng.uniform(0.5, 3) * HOUR)):
                d.ticket_return_refuse(ticket=ticket, actor=self.u["supervisor"],
                                       reason="来电人已补充具体位置，该事项属贵单位职责，请按时办理。")
            return ticket
        if scenario == "reassigned":  # first given to the wrong unit, the centre moved it (改派)
            ticket = self.register(sample, now - rng.uniform(10, 40) * HOUR, urgency=Urgency.NORMAL)
            wrong, at = self.dispatch(ticket, ticket.created_at + HOUR, unit=self.wrong_unit(ticket))
            self.sign(ticket, wrong, at + HOUR)
            right = self.unit_for(ticket) if self.staff_of(self.unit_for(ticket)) else self.county.units["zjj"]
            with frozen_at(self.past(at + rng.uniform(2, 6) * HOUR)):
                d.ticket_reassign(ticket=ticket, actor=self.u["supervisor"], lead_unit=right,
                                  reason="经核实该事项属其他单位职责，改派。")
            return ticket
        if scenario in ("replied", "reopened"):
            at = now - rng.uniform(1, 6) * DAY
            ticket = self.register(sample, at, urgency=Urgency.NORMAL)
            unit, at = self.dispatch(ticket, at + HOUR)
            self.sign(ticket, unit, at + 2 * HOUR)
            self.reply(ticket, unit, min(at + rng.uniform(5, 40) * HOUR, now - 2 * HOUR))
            if scenario == "reopened":
                self.callback(ticket, now - rng.uniform(0.2, 1.5) * HOUR, "dissatisfied")
            return ticket
        if scenario in ("reviewing", "sent_back"):  # 办结审核: a complaint's reply, not decided yet
            at = now - rng.uniform(0.5, 3) * DAY
            ticket = self.register(sample, at, urgency=Urgency.NORMAL, ticket_type=TicketType.COMPLAINT)
            unit, at = self.dispatch(ticket, at + HOUR)
            self.sign(ticket, unit, at + rng.uniform(0.5, 3) * HOUR)
            replied_at = self.reply(ticket, unit, min(at + rng.uniform(4, 20) * HOUR, now - 2 * HOUR), review=False)
            if scenario == "sent_back":
                with frozen_at(replied_at + (now - replied_at) * rng.uniform(0.2, 0.6)):
                    d.ticket_review_send_back(ticket=ticket, actor=self.u["supervisor"], reason=rng.choice(SEND_BACKS))
            return ticket
        if scenario == "closed_satisfied":
            return self.closed(sample, result=rng.choice(["satisfied"] * 5 + ["basic"]))
        if scenario == "closed_late":
            return self.closed(sample, late=True, result="basic")
        if scenario == "closed_after_reopen":
            return self.closed(sample, reopen=True)
        if scenario == "closed_no_callback":
            at = now - rng.uniform(3, 30) * DAY
            ticket = self.register(sample, at, urgency=Urgency.NORMAL)
            unit, at = self.dispatch(ticket, at + HOUR)
            self.sign(ticket, unit, at + 3 * HOUR)
            self.reply(ticket, unit, at + 30 * HOUR)
            with frozen_at(at + 80 * HOUR):
                d.ticket_close_without_callback(ticket=ticket, actor=self.u["supervisor"],
                                                note="三次回访均未接通，按规定办结。")
            return ticket
        if scenario == "closed_direct":
            at = now - rng.uniform(0.1, 60) * DAY
            ticket = self.register(sample, at, ticket_type=TicketType.CONSULTATION, channel=Channel.PHONE,
                                   urgency=Urgency.NORMAL)
            with frozen_at(at + rng.uniform(2, 10) * dt.timedelta(minutes=1)):
                t.ticket_answer_directly(ticket=ticket, actor=self.u["operator"],
                                         answer="已向来电人解释相关政策和办理流程，来电人表示清楚。")
            return ticket
        if scenario == "merged":
            at = now - rng.uniform(1, 20) * DAY
            original = self.register(sample, at, urgency=Urgency.NORMAL)
            duplicate = self.register(sample, at + rng.uniform(1, 8) * HOUR, urgency=Urgency.NORMAL)
            with frozen_at(at + 9 * HOUR):
                d.ticket_merge(ticket=duplicate, into=original, actor=self.u["operator"], reason="同一事项重复反映")
            self.dispatch(original, at + 10 * HOUR)
            return duplicate
        if scenario.startswith("handed_down"):
            return self.handed_down(sample, scenario)
        if scenario == "invalid":
            ticket = self.register(sample, now - rng.uniform(1, 30) * DAY, urgency=Urgency.NORMAL)
            with frozen_at(ticket.created_at + 0.2 * HOUR):
                d.ticket_mark_invalid(ticket=ticket, actor=self.u["operator"],
                                      reason="来电内容与政务服务无关，属无效来电。")
            return ticket
        if scenario in ("suspension_pending", "suspended"):
            ticket = self.handle(sample, rng.choice(["green", "yellow"]), sign=rng.random() < 0.7)
            ticket.refresh_from_db()
            kind, reason = rng.choice([
                ("citizen_materials", "需市民补充提供房屋产权证明及现场照片后方可核查。"),
                ("site_condition", "连续降雨，现场暂不具备施工条件。"),
                ("third_party", "需等待第三方检测机构出具检测报告。"),
            ])
            handled_since = ticket.signed_at or ticket.dispatched_at
            asked = handled_since + (now - handled_since) * rng.uniform(0.3, 0.7)
            with frozen_at(asked):
                d.ticket_suspension_request(ticket=ticket, actor=self.staff_of(ticket.lead_unit), reason_kind=kind,
                                            reason=reason, expected_days=rng.choice([3, 5, 7]))
            if scenario == "suspended":
                with frozen_at(asked + (now - asked) * rng.uniform(0.2, 0.8)):
                    d.ticket_suspension_decide(ticket=ticket, actor=self.u["supervisor"], approve=True,
                                               note="同意挂起，请跟进市民补充情况。")
            return ticket
        raise ValueError(scenario)


def write_tickets(county: County, *, seed: int = 12345, progress: Callable[[str], None] = print) -> Counter:
    rng = random.Random(seed)
    samples = load_samples()
    rng.shuffle(samples)
    writer = Writer(county, rng, timezone.now())
    writer.samples = samples  # issue 16: the hand-down scenarios pick matters their units handle
    plan = [name for name, count in SCENARIOS.items() for _ in range(count)]
    made = Counter()
    with muted(), transaction.atomic():
        for index, scenario in enumerate(plan):
            writer.run(scenario, samples[index % len(samples)])
            made[scenario] += 1
    progress(f"工单：{Ticket.objects.count()} 张（{len(made)} 种情形）")
    return made
