"""Points the use tests (console, unit, portal, SMS, statistics) share, published through the
services: a public housing-fund point of unit A, an internal one on the same words, and a public
point of unit B on another topic."""
from types import SimpleNamespace

import pytest

from knowledge.models import KnowledgePoint
from knowledge.services.points import PointFields, point_create, point_publish

PUBLIC = KnowledgePoint.Audience.PUBLIC
INTERNAL = KnowledgePoint.Audience.INTERNAL
FUND_ANSWER = ("职工购买、建造、翻建、大修自住住房，离休、退休，完全丧失劳动能力并与单位终止劳动关系，"
               "户口迁出本县或出境定居，偿还购房贷款本息，房租超出家庭工资收入规定比例的，可以提取住房公积金。"
               "办理时请携带本人身份证、银行卡和相关证明材料，到县政务服务中心住房公积金窗口办理，"
               "材料齐全的当场办结，提取金额三个工作日内到账。咨询电话：0427-2812345。")
INTERNAL_ANSWER = "内部口径：公积金贷款逾期的，先核实是否有公积金冻结，再转公积金中心核查，不对外承诺办理时限。"


def publish(actor, title, answer, *, questions="", **fields) -> KnowledgePoint:
    point = point_create(actor=actor, fields=PointFields(title=title, answer=answer, questions=questions, **fields),
                         submit=True)
    return point_publish(point=point, actor=actor)


@pytest.fixture
def kb(supervisor, unit_a, unit_b):
    fund = publish(supervisor, "住房公积金提取条件和办理流程", FUND_ANSWER,
                   questions="公积金怎么提取\n公积金提取需要什么材料\n退休了能取公积金吗",
                   unit=unit_a, audience=PUBLIC, source_title="某县住房公积金提取管理办法",
                   source_number="县住建〔2024〕12号", source_url="https://zjj.example.gov.cn/gjj/2024-12.html")
    internal = publish(supervisor, "公积金贷款逾期内部处理口径", INTERNAL_ANSWER,
                       questions="公积金贷款逾期怎么办\n公积金被冻结", unit=unit_a, audience=INTERNAL)
    baby = publish(supervisor, "新生儿医保参保登记", "新生儿出生后凭出生医学证明和户口簿，在出生90日内到社区或医保窗口办理参保登记，"
                   "参保后自出生之日起享受医保待遇。", questions="孩子刚出生怎么上医保\n新生儿医保怎么办",
                   unit=unit_b, audience=PUBLIC, sms_answer="新生儿出生90日内凭出生证明和户口簿到社区或医保窗口办理参保。")
    return SimpleNamespace(fund=fund, internal=internal, baby=baby)
