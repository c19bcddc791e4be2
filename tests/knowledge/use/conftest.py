"""Points the use tests (console, unit, portal, SMS, statistics) share, published through the
services: a public housing-fund point of unit A, an internal one on the same words, and a public
point of unit B on another topic. And the headless Chromium of the browser tests."""
from types import SimpleNamespace

import pytest

from tests.web.browser import browser  # noqa: F401 - the headless Chromium fixture for browser tests

from .points import BABY_ANSWER, BABY_SMS, FUND_ANSWER, INTERNAL, INTERNAL_ANSWER, PUBLIC, publish


@pytest.fixture
def kb(supervisor, unit_a, unit_b):
    fund = publish(supervisor, "住房公积金提取条件和办理流程", FUND_ANSWER,
                   questions="公积金怎么提取\n公积金提取需要什么材料\n退休了能取公积金吗",
                   unit=unit_a, audience=PUBLIC, source_title="某县住房公积金提取管理办法",
                   source_number="县住建〔2024〕12号", source_url="https://zjj.example.gov.cn/gjj/2024-12.html")
    internal = publish(supervisor, "公积金贷款逾期内部处理口径", INTERNAL_ANSWER,
                       questions="公积金贷款逾期怎么办\n公积金被冻结", unit=unit_a, audience=INTERNAL)
    baby = publish(supervisor, "新生儿医保参保登记", BABY_ANSWER, questions="孩子刚出生怎么上医保\n新生儿医保怎么办",
                   unit=unit_b, audience=PUBLIC, sms_answer=BABY_SMS)
    return SimpleNamespace(fund=fund, internal=internal, baby=baby)
