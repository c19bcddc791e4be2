"""The texts of the points the use tests share (conftest.kb publishes them) and how they publish."""
from knowledge.models import KnowledgePoint
from knowledge.services.points import PointFields, point_create, point_publish

PUBLIC = KnowledgePoint.Audience.PUBLIC
INTERNAL = KnowledgePoint.Audience.INTERNAL
FUND_ANSWER = ("职工购买、建造、翻建、大修自住住房，离休、退休，完全丧失劳动能力并与单位终止劳动关系，"
               "户口迁出本县或出境定居，偿还购房贷款本息，房租超出家庭工资收入规定比例的，可以提取住房公积金。"
               "办理时请携带本人身份证、银行卡和相关证明材料，到县政务服务中心住房公积金窗口办理，"
               "材料齐全的当场办结，提取金额三个工作日内到账。咨询电话：0427-2812345。")
INTERNAL_ANSWER = "内部口径：公积金贷款逾期的，先核实是否有公积金冻结，再转公积金中心核查，不对外承诺办理时限。"
BABY_ANSWER = ("新生儿出生后凭出生医学证明和户口簿，在出生90日内到社区或医保窗口办理参保登记，"
               "参保后自出生之日起享受医保待遇。")
BABY_SMS = "新生儿出生90日内凭出生证明和户口簿到社区或医保窗口办理参保。"


def publish(actor, title, answer, *, questions="", **fields) -> KnowledgePoint:
    point = point_create(actor=actor, fields=PointFields(title=title, answer=answer, questions=questions, **fields),
                         submit=True)
    return point_publish(point=point, actor=actor)
