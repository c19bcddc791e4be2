"""The fixed catalogue of assessment indicators (考核指标). A scheme picks some of them in the
admin and gives each a weight and a rule; what each one measures is decided here, once.

A rate is numerator ÷ denominator of the month's counts (assessment.counting); a count
indicator is a number of events. Rates whose name says "lower is better" score in reverse."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    numerator: str  # a count name (assessment.counting.COUNT_NAMES)
    denominator: str | None = None  # None: a count indicator (督办件数, 表扬件数)
    lower_is_better: bool = False
    definition: str = ""

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None


CATALOGUE = [
    Indicator("sign_rate", "签收及时率", "signed_on_time", "dispatched",
              definition="签收时限内签收的工单 ÷ 交办工单（受理日口径，同统计报表“响应率”）"),
    Indicator("on_time_rate", "按时办结率", "closed_on_time", "due",
              definition="按时限办结的工单 ÷ 应办结工单（受理日口径，同统计报表）"),
    Indicator("closure_rate", "办结率", "closed", "dispatched",
              definition="已办结的交办工单 ÷ 交办工单（受理日口径，同统计报表）"),
    Indicator("satisfaction_rate", "满意率", "satisfied", "valid_callbacks",
              definition="（满意 + 基本满意）÷ 有效回访（受理日口径，同统计报表）"),
    Indicator("resolution_rate", "解决率", "resolved", "valid_callbacks",
              definition="市民表示已解决的回访 ÷ 有效回访（受理日口径，同统计报表）"),
    Indicator("return_rate", "退单率", "returns", "lead_dispatched", lower_is_better=True,
              definition="热线办同意的退单 ÷ 作为主办单位接收的派单（均按发生日期，越低越好）"),
    Indicator("reopen_rate", "重办率", "reopens", "lead_dispatched", lower_is_better=True,
              definition="不满意重办与办结审核退回重办的次数 ÷ 作为主办单位接收的派单（均按发生日期，越低越好）"),
    Indicator("extension_rate", "延期率", "extensions", "lead_dispatched", lower_is_better=True,
              definition="同意延期的次数 ÷ 作为主办单位接收的派单（均按发生日期，越低越好）"),
    Indicator("supervised", "督办件数", "supervised",
              definition="热线办（或红灯自动）督办的次数，按督办日期"),
    Indicator("praised", "表扬件数", "praised",
              definition="市民表扬本单位的工单（表扬类诉求，主办单位为本单位，按受理日期）"),
]
BY_CODE = {i.code: i for i in CATALOGUE}
CHOICES = [(i.code, i.label) for i in CATALOGUE]
