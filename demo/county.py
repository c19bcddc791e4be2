"""A believable county: its units, its people, who handles which category."""
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.services import token_issue
from dispatch.models import ApprovalPolicy
from hotline.models import Category, Role, Unit, User
from hotline.permissions import ADMIN_SITE_ROLES

from .topics import TOPICS

# Documented in the README; the demo is for trying the product, never for production.
DEMO_PASSWORD = "hotline12345"

# (code, name, kind, head, head's phone, duty keywords)
COUNTY = ("county", "某县人民政府", Unit.Kind.DISTRICT, "孙县长", "13903940001", "")
UNITS = [
    ("zjj", "县住房和城乡建设局", Unit.Kind.DEPARTMENT, "王建华", "13903940101", "物业 小区 房屋 施工 燃气 供暖 违建"),
    ("jtj", "县交通运输局", Unit.Kind.DEPARTMENT, "李通达", "13903940102", "道路 公交 出租车 客运 公路"),
    ("sthj", "县生态环境局", Unit.Kind.DEPARTMENT, "周清源", "13903940103", "污染 噪音 排污 异味 扬尘"),
    ("jyj", "县教育体育局", Unit.Kind.DEPARTMENT, "吴育才", "13903940104", "学校 教师 招生 补课 学位"),
    ("wjw", "县卫生健康委员会", Unit.Kind.DEPARTMENT, "郑康宁", "13903940105", "医院 医生 疫苗 计生 诊所"),
    ("rsj", "县人力资源和社会保障局", Unit.Kind.DEPARTMENT, "冯保民", "13903940106", "社保 工资 欠薪 养老 就业"),
    ("scj", "县市场监督管理局", Unit.Kind.DEPARTMENT, "陈市平", "13903940107", "食品 价格 商家 消费 假货"),
    ("swj", "县商务局", Unit.Kind.DEPARTMENT, "褚商", "13903940108", "市场 商场 旅游 景区"),
    ("cgj", "县城市管理局", Unit.Kind.DEPARTMENT, "卫城", "13903940109", "占道 摊贩 垃圾 路灯 绿化"),
    ("gaj", "县公安局", Unit.Kind.DEPARTMENT, "蒋安", "13903940110", "治安 户口 交通违法 诈骗"),
    ("zrj", "县自然资源局", Unit.Kind.DEPARTMENT, "沈自然", "13903940111", "土地 宅基地 不动产 矿产"),
    ("nyj", "县农业农村局", Unit.Kind.DEPARTMENT, "韩丰收", "13903940112", "农业 农村 补贴 种植 养殖"),
    ("mzj", "县民政局", Unit.Kind.DEPARTMENT, "杨民", "13903940113", "低保 养老院 婚姻 殡葬"),
    ("wlj", "县文化广电和旅游局", Unit.Kind.DEPARTMENT, "朱文", "13903940114", "文化 广电 旅游 演出"),
    ("cgz", "城关镇", Unit.Kind.TOWN, "秦城关", "13903940201", "城关"),
    ("dcjd", "东城街道", Unit.Kind.TOWN, "尤东", "13903940202", "东城"),
    ("xcjd", "西城街道", Unit.Kind.TOWN, "许西", "13903940203", "西城"),
    ("hdz", "槐店镇", Unit.Kind.TOWN, "何槐", "13903940204", "槐店"),
    ("lcz", "老城镇", Unit.Kind.TOWN, "吕老城", "13903940205", "老城"),
    ("gdgs", "县供电公司", Unit.Kind.ENTERPRISE, "施供电", "13903940301", "停电 电费 电表 线路"),
    ("zlsgs", "县自来水公司", Unit.Kind.ENTERPRISE, "张清泉", "13903940302", "停水 水费 水压 水质"),
    ("rqgs", "县燃气公司", Unit.Kind.ENTERPRISE, "孔燃", "13903940303", "燃气 天然气 燃气费"),
    ("gjgs", "县公交公司", Unit.Kind.ENTERPRISE, "曹公交", "13903940304", "公交 线路 站点 司机"),
]
# Sub-units: a unit sees its sub-units' tickets.
SUB_UNITS = [
    ("zjj-wy", "县住建局物业管理科", "zjj", "严物业", "13903940121", "物业 业主委员会"),
    # Issue 16 (二级派单): a bureau's squad and a town's community, each with a login, so that
    # both sides of a hand-down can be tried.
    ("cgj-cgzd", "县城管局城关中队", "cgj", "卫中队", "13903940122", "占道 摊贩 城关"),
    ("cgz-xfsq", "城关镇幸福社区", "cgz", "秦社区", "13903940221", "幸福小区 社区"),
]

# First-level category → the unit that handles it unless the office picks another.
CATEGORY_UNITS = {
    "城乡建设": "zjj", "交通运输": "jtj", "环境保护": "sthj", "教育文体": "jyj", "卫生计生": "wjw",
    "劳动和社会保障": "rsj", "商贸旅游": "swj", "经济管理": "scj", "政法": "gaj", "国土资源": "zrj",
    "农村农业": "nyj", "民政": "mzj",
}


@dataclass(frozen=True)
class Person:
    username: str
    role: str
    display_name: str
    unit_code: str = ""
    phone: str = ""
    extension: str = ""


PEOPLE = [
    # 三员分立: none of the demo's accounts is a superuser (that is `createsuperuser`'s, for bootstrap).
    Person("sysadmin", Role.SYSADMIN, "系统管理员周明"),
    Person("secadmin", Role.SECADMIN, "安全管理员吴刚", phone="13903940601"),  # told of login locks by SMS
    Person("auditor", Role.AUDITOR, "审计管理员郑红"),
    Person("admin", Role.ADMIN, "中心管理员"),
    Person("operator", Role.OPERATOR, "话务员张敏", phone="13903940401", extension="8001"),
    Person("operator2", Role.OPERATOR, "话务员李娜", phone="13903940402", extension="8002"),
    Person("supervisor", Role.SUPERVISOR, "值班长刘强", phone="13903940403"),
    Person("leader", Role.LEADER, "孙县长", unit_code="county", phone="13903940001"),
    Person("leader2", Role.LEADER, "钱副县长", unit_code="county", phone="13903940002"),
    Person("zjj", Role.UNIT_STAFF, "住建局王芳", unit_code="zjj", phone="13903940501"),
    Person("zjj_wy", Role.UNIT_STAFF, "物业科严明", unit_code="zjj-wy", phone="13903940502"),
    Person("jtj", Role.UNIT_STAFF, "交通局李强", unit_code="jtj", phone="13903940503"),
    Person("sthj", Role.UNIT_STAFF, "环境局周洁", unit_code="sthj", phone="13903940504"),
    Person("jyj", Role.UNIT_STAFF, "教体局吴静", unit_code="jyj", phone="13903940505"),
    Person("wjw", Role.UNIT_STAFF, "卫健委郑医", unit_code="wjw", phone="13903940506"),
    Person("rsj", Role.UNIT_STAFF, "人社局冯伟", unit_code="rsj", phone="13903940507"),
    Person("swj", Role.UNIT_STAFF, "商务局褚磊", unit_code="swj", phone="13903940508"),
    Person("cgj", Role.UNIT_STAFF, "城管局卫军", unit_code="cgj", phone="13903940509"),
    Person("cgz", Role.UNIT_STAFF, "城关镇秦勇", unit_code="cgz", phone="13903940510"),
    Person("cgz_xfsq", Role.UNIT_STAFF, "幸福社区秦燕", unit_code="cgz-xfsq", phone="13903940520"),
    Person("cgj_cgzd", Role.UNIT_STAFF, "城关中队卫东", unit_code="cgj-cgzd", phone="13903940521"),
    Person("scj", Role.UNIT_STAFF, "市监局陈晨", unit_code="scj", phone="13903940511"),
    Person("wlj", Role.UNIT_STAFF, "文旅局朱琳", unit_code="wlj", phone="13903940512"),
    Person("zrj", Role.UNIT_STAFF, "自然资源局沈涛", unit_code="zrj", phone="13903940513"),
    Person("gjgs", Role.UNIT_STAFF, "公交公司曹师傅", unit_code="gjgs", phone="13903940514"),
    Person("gdgs", Role.UNIT_STAFF, "供电公司施工", unit_code="gdgs", phone="13903940515"),
    Person("zlsgs", Role.UNIT_STAFF, "自来水公司张泉", unit_code="zlsgs", phone="13903940516"),
    Person("rqgs", Role.UNIT_STAFF, "燃气公司孔明", unit_code="rqgs", phone="13903940517"),
    Person("display", Role.DISPLAY, "大厅LED显示屏"),
    # Issue 19 item 3: village agents (代办员), each tied to a village by seed_demo (DEMO_AGENTS).
    Person("agent_hd", Role.AGENT, "代办员何春花", phone="13903940701"),
    Person("agent_lc", Role.AGENT, "代办员吕永年", phone="13903940702"),
]
# username → (village, its town's unit code): agents.AgentProfile rows made by seed_demo.
DEMO_AGENTS = {"agent_hd": ("王庄村", "hdz"), "agent_lc": ("李楼村", "lcz")}


@dataclass
class County:
    root: Unit
    units: dict[str, Unit]
    users: dict[str, User]
    display_token: str


def _unit(code, name, kind, parent, head, phone, keywords) -> Unit:
    unit, _ = Unit.objects.get_or_create(code=code, defaults={
        "name": name, "kind": kind, "parent": parent, "head_name": head, "head_phone": phone, "keywords": keywords})
    return unit


def _user(person: Person, units: dict[str, Unit], password_hash: Callable[[], str]) -> User:
    user, created = User.objects.get_or_create(username=person.username, defaults={
        "role": person.role, "display_name": person.display_name, "unit": units.get(person.unit_code),
        "phone": person.phone, "extension": person.extension,
        "is_staff": person.role in ADMIN_SITE_ROLES,
    })
    if created:
        user.password = password_hash()
        user.save(update_fields=["password"])
    elif user.is_superuser:
        # An older demo made `admin` a superuser: the demo has none now (bootstrap only).
        user.is_superuser, user.is_staff = False, person.role in ADMIN_SITE_ROLES
        user.save(update_fields=["is_superuser", "is_staff"])
    return user


@transaction.atomic
def build_county() -> County:
    """Create what is missing; leave what an administrator has changed since."""
    root = _unit(*COUNTY[:3], None, *COUNTY[3:])
    units = {"county": root}
    for code, name, kind, head, phone, keywords in UNITS:
        units[code] = _unit(code, name, kind, root, head, phone, keywords)
    for code, name, parent, head, phone, keywords in SUB_UNITS:
        units[code] = _unit(code, name, Unit.Kind.DEPARTMENT, units[parent], head, phone, keywords)
    # One hash for all: the demo password is shared anyway, and each hash costs ~0.3 s.
    password_hash = cache(lambda: make_password(DEMO_PASSWORD))
    users = {person.username: _user(person, units, password_hash) for person in PEOPLE}
    for category_name, code in CATEGORY_UNITS.items():
        Category.objects.filter(level=1, name=category_name, default_unit__isnull=True).update(
            default_unit=units[code])
    # The deeper categories whose handler is not the first level's (a bus complaint goes to the bus company).
    for topic in TOPICS:
        Category.objects.filter(full_name=topic.path, default_unit__isnull=True).update(default_unit=units[topic.unit])
    # Reports (举报) go to the second leader; urgent ones keep the default leader.
    ApprovalPolicy.objects.filter(ticket_type="report", leader__isnull=True).update(leader=users["leader2"])
    ApprovalPolicy.objects.filter(urgency="urgent", leader__isnull=True).update(leader=users["leader"])
    # The current device token, or a new one once DEVICE_TOKEN_HOURS passed (re-seeding renews it).
    token = token_issue(user=users["display"])
    return County(root=root, units=units, users=users, display_token=token.key)
