"""One public-text rule (hotline.privacy.scrub_text), one table of inputs, every public surface.

Each row is a citizen's words as they might reach a title; what must be gone from every public
surface, and what must stay (people are masked, places are not)."""
import pytest
from django.test import Client
from django.utils import timezone

from cases.selectors import case_draft
from cases.services import case_publish
from hotline.models import Ticket, TicketEvent
from hotline.privacy import scrub_text
from hotline.services.tickets import ticket_answer_directly, ticket_register
from live.payloads import display_payload
from reports.display import build_snapshot

CITIZEN = "王小明"
TABLE = [
    # (kind, text, gone, kept)
    ("name", "我叫王小明反映路灯不亮", ["王小明", "小明"], ["路灯不亮"]),
    ("name", "欧阳娜娜投诉学校乱收费", ["娜娜"], ["学校乱收费"]),
    ("mobile", "电话13812345678请回电", ["13812345678", "5678"], ["请回电"]),
    ("mobile", "号码138 1234 5678路灯坏", ["1234 5678", "5678"], ["路灯坏"]),
    ("mobile", "来电+86 138-1234-5678停水", ["1234-5678", "5678"], ["停水"]),
    ("landline", "座机0394-8123456无人接", ["8123456"], ["无人接"]),
    ("id number", "身份证430102199003071234被冒用", ["430102199003071234", "19900307"], ["被冒用"]),
    ("id number", "证号43010219900307123X丢失", ["43010219900307123"], ["丢失"]),
    ("address", "幸福小区3栋2单元501室漏水", ["501室", "3栋", "2单元"], ["幸福小区", "漏水"]),
    ("address", "建设路128号门口积水", ["128号"], ["建设路", "积水"]),
    ("email", "邮箱wang.xm@example.com未回复", ["wang.xm@example.com", "example"], ["未回复"]),
    ("plate", "车牌豫P12345乱停", ["豫P12345", "P12345"], ["乱停"]),
    ("bank card", "银行卡6222021234567890123被扣款", ["6222021234567890123", "7890123"], ["被扣款"]),
    ("place", "山水华庭业主反映油烟", ["华某"], ["山水华庭", "油烟"]),
    ("place", "龙洞镇路灯不亮", ["龙某"], ["龙洞镇"]),
    ("not a name", "特种设备安装维修许可证在哪里办", ["许某"], ["许可证"]),
    ("place", "王府井小区停水", ["王某小区"], ["王府井小区"]),
    ("cue without a name", "业主反映油烟扰民", [], ["业主反映油烟扰民"]),
    # Places and bodies named like people stay whole (the 山水华庭 → 山水华某, 龙洞镇 → 龙某镇).
    ("place", "龙洞镇幸福小区人民路口积水", ["龙某", "幸某"], ["龙洞镇", "幸福小区", "人民路"]),
    ("place", "山水华庭小区停车难", ["华某"], ["山水华庭小区"]),
    ("place", "A3区杜鹃文苑小区外的检测站", ["杜某"], ["杜鹃文苑"]),
    ("place", "D1区龙家坪菜市场违规销售", ["龙某"], ["龙家坪"]),
    ("place", "木莲路冯家冲安置小区没通气", ["冯某安置", "冯某冲"], ["冯家冲"]),
    ("body", "举报龙德汽车运输公司报废车营运", ["龙某"], ["龙德汽车"]),
    ("body", "温斯顿英语培训强设霸王条款", ["温某"], ["温斯顿英语"]),
    ("not a name", "人口管理条例何时能出台", ["何某"], ["何时能出台"]),
    ("not a name", "原民办代课老师的工龄问题", ["办某", "代某", "课某"], ["代课老师"]),
    ("not a name", "历史老师布置作业太多", ["史某"], ["历史老师"]),
    ("count, not an address", "建了七层，208户受影响", [], ["七层", "208户"]),
    # People are masked: a full name, a surname with an honorific, a name beside a word about a person.
    ("person", "张三丰反映楼下噪音", ["三丰"], ["张某", "楼下噪音"]),
    ("person", "王先生来电反映路灯不亮", ["王先生"], ["王某", "路灯不亮"]),
    ("person", "请联系李女士处理", ["李女士"], ["李某"]),
    ("person", "刘师傅说车坏了", ["刘师傅"], ["刘某"]),
    ("person", "邻居刘强在楼道堆放杂物", ["刘强"], ["刘某", "楼道"]),
    ("person", "物业经理李建国不作为", ["建国"], ["李某"]),
    ("person", "业主刘德华称漏水", ["德华"], ["刘某"]),
    ("person", "认定冯辉金为工伤", ["辉金"], ["冯某"]),
]
IDS = [f"{kind}-{i}" for i, (kind, *_rest) in enumerate(TABLE)]


def assert_public(text: str, gone: list[str], kept: list[str]) -> None:
    for secret in gone:
        assert secret not in text, f"{secret!r} shown in {text!r}"
    for word in kept:
        assert word in text, f"{word!r} lost from {text!r}"


@pytest.mark.parametrize("kind, text, gone, kept", TABLE, ids=IDS)
def test_the_rule(kind, text, gone, kept):
    assert_public(scrub_text(text, names=(CITIZEN,), max_length=None), gone, kept)


@pytest.fixture
def cases(db, operator, supervisor):
    """Each row of the table as a consultation the hotline answered, published with the draft a
    reviewer starts from (cases.selectors.case_draft)."""
    tickets = []
    for _kind, text, _gone, _kept in TABLE:
        ticket = ticket_register(actor=operator, channel="phone", ticket_type="consultation", title=text,
                                 content=f"{text}。", citizen_phone="13812345678", citizen_name=CITIZEN,
                                 address="人民路88号")
        ticket = ticket_answer_directly(ticket=ticket, actor=operator, answer=f"已答复：{text}")
        case_publish(ticket=ticket, actor=supervisor, **case_draft(ticket))
        tickets.append(ticket)
    return tickets


def test_portal_case_list(cases):
    pages = len(TABLE) // 10 + 1  # the portal lists ten cases a page
    html = "".join(Client().get(f"/portal/cases/?page={n}").content.decode() for n in range(1, pages + 1))
    for _kind, _text, gone, kept in TABLE:
        assert_public(html, gone, kept)


def test_display_summary_and_live_frames(cases):
    Ticket.objects.update(created_at=timezone.now())
    snapshot = build_snapshot()
    summaries = " | ".join(case["summary"] for case in snapshot["recent"])
    frames = []
    for ticket in Ticket.objects.select_related("citizen", "category"):
        frames.append(display_payload(TicketEvent.objects.filter(ticket=ticket).first(), ticket)["summary"])
    for _kind, _text, gone, _kept in TABLE:
        assert_public(summaries, gone, [])
        assert_public(" | ".join(frames), gone, [])
    for (_kind, _text, gone, kept), frame in zip(TABLE, frames, strict=True):
        assert_public(frame, gone, [k for k in kept if len(k) <= 10])
