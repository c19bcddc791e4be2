"""Masking citizens' personal data for people and pages that must not see it.

Issue 16 item 8 (complainants protected, 举报人保护 / 保密件): every surface that shows a
ticket to someone asks this module what that person may see of the ticket's citizen and of
its texts: `ticket_as_seen_by(ticket=, user=)` (a `TicketLens`), `tickets_as_seen_by` for a
list, `citizen_as_seen_by(ticket=, user=)` for the citizen alone. Three sights:

- WHOLE: the centre (operator, supervisor, admin) always; units for an ordinary ticket
  (they call the citizen back).
- MASKED: leaders (and anyone else) for an ordinary ticket: 张某, 138****5678.
- HIDDEN: everyone outside the centre for a confidential ticket (a 举报, or one marked 保密):
  no name, no phone, the address without its house numbers, every text scrubbed.
"""
import os
import re
from enum import StrEnum

PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")

# Who sees a caller whole: the hotline office, and handling units (who must call them back).
# Leaders see them masked; display devices and the public never see them at all.
# A confidential ticket's caller only the centre sees (CENTRE_ROLES).
ROLES_THAT_SEE_CITIZENS = frozenset({"operator", "supervisor", "admin", "unit_staff"})
CENTRE_ROLES = frozenset({"operator", "supervisor", "admin"})
# 三员分立 (issue 20): the system, security and audit administrators never read a citizen's
# identity, masked or not: they see a ticket's caller as a confidential one's (HIDDEN), and the
# reveal answers them 403 (hotline.services.identity). Display devices neither.
ROLES_NEVER_SEE_CITIZENS = frozenset({"sysadmin", "secadmin", "auditor", "display"})


def may_see_citizen(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_active and user.role in ROLES_THAT_SEE_CITIZENS


def mask_id_number(value: str) -> str:
    """110101199003071234 → 110101********1234: the region stays, the birth date goes."""
    if not value:
        return ""
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}" if len(value) > 10 else "****"


def mask_phones_in(text: str) -> str:
    return PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text or "")


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "****"


def mask_name(name: str) -> str:
    """张三 → 张某; 欧阳娜娜 → 欧阳某 (compound surnames kept whole)."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if name.startswith(COMPOUND_SURNAMES) else name[:1]
    return f"{surname}某"


# --- free-text scrubbing: the one rule for every public surface ---
# `scrub_text` is what the portal (case list, progress page, timeline), the display board's
# summary and feeds, live display frames and any public export show of citizens' free text.
# tests/hotline/test_public_text.py holds one table of inputs that every surface is checked against.
_SEP = r"[\s\-－—.]?"
ID_NUMBER_RE = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)"
)
MOBILE_RE = re.compile(rf"(?<!\d)(?:\+?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[\s\-－]?)?\d{7,8}(?!\d)")
LONG_DIGITS_RE = re.compile(r"\d[\d\s\-－]{5,}\d")  # anything else that looks like a number to dial or an id
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")  # ASCII: \w would eat 邮箱
PLATE_RE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}")
_NUM = r"[0-9０-９一二三四五六七八九十百零〇两]+"
HOUSE_NUMBER_RE = re.compile(
    rf"{_NUM}(?:[-－—之]{_NUM})*\s*(?:号楼|号院|号|栋|幢|单元|室|楼|弄|巷|门|座|区(?=\d))"
    rf"|(?<!\d)\d{{1,4}}[-－—]\d{{1,4}}(?:[-－—]\d{{1,4}})?(?!\d)"
)
NAME_CUE_RE = re.compile(
    r"(?:我叫|我是|本人|名叫|姓名[:：]?|联系人[:：]?|业主|居民)\s*([\u4e00-\u9fa5]{2,4}?)(?=[，,。\s、（(]|先生|女士|反映|投诉|来电|举报|称|说|表示|$)"
)
# Common surnames (百家姓, the ~150 that cover almost everyone): jieba's person-name tag
# alone also fires on words such as 幼儿园.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙")
NOT_NAMES = {"市民", "居民", "业主", "群众", "村民", "家长", "学生", "网友", "本人", "来电人", "租户", "商户", "司机",
             "老人", "员工", "工人", "患者", "游客", "乘客", "职工", "教师", "老师", "群众们"}
# A name at the start of a sentence (or after "已答复：") that does something: 欧阳娜娜投诉…
SUBJECT_RE = re.compile(r"(?:^|(?<=[，,。：:；;！!？?\s]))([一-龥]{2,4}?)(?=反映|投诉|来电|举报|咨询|求助|称|表示|说)")


def _looks_like_name(word: str) -> bool:
    if word in NOT_NAMES or not 2 <= len(word) <= 4 or "某" in word:
        return False
    return word[0] in SURNAMES or word.startswith(COMPOUND_SURNAMES)


# A person named with an honorific (王先生, 张三丰女士, 刘师傅): surname, up to two given-name
# characters, the honorific. The surname must not be the last character of a common word
# (历史老师 is a history teacher, not Mr 史).
HONORIFICS = ("先生", "女士", "小姐", "同志", "老师", "师傅", "阿姨", "大爷", "大妈", "大姐", "大哥", "奶奶", "爷爷")
HONORIFIC_RE = re.compile(
    rf"({'|'.join(COMPOUND_SURNAMES)}|[{''.join(sorted(SURNAMES))}])([\u4e00-\u9fa5]{{0,2}}?)({'|'.join(HONORIFICS)})"
)

# Places and organisations are named like people (山水华庭, 龙洞镇, 冯家冲, 蓝思科技, 温斯顿英语):
# a word that ends in one of these, or stands before one, names a place or a body, not a person.
PLACE_ENDINGS = tuple("镇乡村屯寨街路道巷弄里坊庭苑园府邸城湾岛山岭湖河江桥港站场区县市省州洲厦楼阁院井"
                      "冲坪池坝岗塘坡沟洞垸堡营铺渡滩峪埠") + (
    "小区", "社区", "花园", "广场", "大厦", "公园", "新村", "家园", "古镇")
# Nor one that ends like a thing or an office: jieba also tags 许可证 as a person's name.
THING_ENDINGS = tuple("证费卡单票表局所厂店馆司部科委办队")
NOT_A_PERSON_ENDINGS = PLACE_ENDINGS + THING_ENDINGS  # joined once, not for every word of every text
# What follows the name of a body: 华晟医疗器械, 龙德汽车运输公司, 蔡子池中学, 金欣花苑.
BODY_HEADS = PLACE_ENDINGS + (
    "公司", "集团", "科技", "医疗", "医药", "汽车", "中学", "小学", "学校", "幼儿园", "大学", "学院", "医院", "诊所",
    "英语", "教育", "培训", "市场", "菜市场", "超市", "商场", "酒店", "宾馆", "饭店", "餐厅", "物业", "置业", "地产",
    "安置", "工业", "实业", "银行", "电器", "传媒", "文苑", "花苑", "丽城", "华庭", "名都", "御府", "雅苑", "商城")
# A two-character word tagged as a name is one only beside these (邻居张三在…, 张三反映…): jieba
# tags 杜鹃, 阳光, 沙田 or 丛生 as names too often for a bare tag to count.
PERSON_BEFORE = {"邻居", "业主", "居民", "村民", "市民", "住户", "租户", "房东", "老板", "店主", "经理", "主任", "书记",
                 "村长", "组长", "局长", "所长", "校长", "院长", "医生", "护士", "教师", "老师", "员工", "职工", "工人",
                 "司机", "师傅", "丈夫", "妻子", "儿子", "女儿", "父亲", "母亲", "爸爸", "妈妈", "老人", "孩子", "学生",
                 "同学", "朋友", "同事", "叫", "名叫", "我叫", "姓名", "联系人", "负责人", "当事人", "承包人", "法人"}
PERSON_AFTER = ("反映", "投诉", "来电", "举报", "咨询", "求助", "称", "说", "表示", "家", "一家", "夫妇", "等人",
                "本人", "的孩子", "的儿子", "的女儿", "的父亲", "的母亲", "先生", "女士", "同志")
COMMON_WORD_FREQ = 100  # jieba dictionary frequency from which a two-character word is an ordinary word


def _is_common_word(word: str) -> bool:
    from jieba import dt as dictionary

    return (dictionary.FREQ.get(word) or 0) >= COMMON_WORD_FREQ


def _is_place(word: str, following: str) -> bool:
    return word.endswith(NOT_A_PERSON_ENDINGS) or following.startswith(BODY_HEADS)


def _honorific(match: re.Match) -> str:
    surname, before = match.group(1), match.string[max(0, match.start() - 1):match.start()]
    if before and len(surname) == 1 and _is_common_word(before + surname):
        return match.group(0)
    return f"{surname}某"


def _jieba_person(words: list[tuple[str, str]], index: int) -> bool:
    """Whether the word at `index`, tagged nr by jieba, is a person's name in its context."""
    word = words[index][0]
    if not _looks_like_name(word):
        return False
    following = "".join(w for w, _ in words[index + 1:index + 3])
    if _is_place(word, following):
        return False
    if len(word) == 2 or (len(word) == 3 and word.startswith(COMPOUND_SURNAMES)):  # surname + one character
        before = words[index - 1][0] if index else ""
        return before in PERSON_BEFORE or following.startswith(PERSON_AFTER)
    # surname + two: a name unless it begins with an ordinary word (何时能, 朱砂…).
    return word.startswith(COMPOUND_SURNAMES) or not _is_common_word(word[:2])


def _mask_person_names(text: str) -> str:
    """People, not places: names after cues such as 我叫 / 姓名, names with an honorific, a name
    that starts a clause and does something (张三丰反映), and words jieba tags as person names
    when their context makes them one (a full name not followed by a place or body word; a
    two-character name only beside a word about a person)."""
    # A cue is followed by a name only when it looks like one: "业主反映油烟" has no name in it.
    text = NAME_CUE_RE.sub(lambda m: m.group(0).replace(m.group(1), mask_name(m.group(1)))
                           if _looks_like_name(m.group(1)) else m.group(0), text)
    text = HONORIFIC_RE.sub(_honorific, text)
    text = SUBJECT_RE.sub(lambda m: mask_name(m.group(1)) if _looks_like_name(m.group(1)) else m.group(1), text)
    try:
        import jieba.posseg as pseg
    except ImportError:  # pragma: no cover - jieba is a runtime dependency
        return text
    words = [(w, f) for w, f in pseg.lcut(text, HMM=True)]
    return "".join(mask_name(word) if flag == "nr" and _jieba_person(words, i) else word
                   for i, (word, flag) in enumerate(words))


def scrub_text(text: str, *, max_length: int | None = 60, names: tuple[str, ...] = (),
               secrets: tuple[str, ...] = ()) -> str:
    """Free text made fit for a public page or screen: known names (`names`, the citizen's)
    and detected person names reduced to surname + 某; known private strings (`secrets`: the
    citizen's phone, the exact address) and ID numbers, phone numbers, bank-card and other
    long numbers, e-mail addresses, licence plates and house numbers removed; whitespace
    folded; shortened to `max_length` (None: whole)."""
    text = str(text or "")
    for secret in sorted({s.strip() for s in secrets if s and len(s.strip()) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "")
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    text = ID_NUMBER_RE.sub("", text)
    text = EMAIL_RE.sub("", text)
    text = MOBILE_RE.sub("", text)
    text = LANDLINE_RE.sub("", text)
    text = LONG_DIGITS_RE.sub("", text)
    text = PLATE_RE.sub("", text)
    text = HOUSE_NUMBER_RE.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = _mask_person_names(text)
    text = re.sub(r"[（(]\s*[)）]", "", text)
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1].rstrip("，,。、 ") + "…"
    return text


# --- issue 16 item 8: complainants protected (举报人保护 / 保密件) -----------------------------
# The one chokepoint: every output that shows a ticket to someone outside the centre goes
# through a TicketLens (docs/PRODUCT.md, 保密件). A new surface asks `ticket_as_seen_by` (or
# `tickets_as_seen_by` for a list) and shows `lens.title`, `lens.content`, `lens.address`,
# `lens.citizen`, `lens.text(…)`, `lens.payload(…)`, `lens.attachment_name(…)`.

CONFIDENTIAL_NAME = "保密"  # the citizen's name where a confidential ticket hides it
NAME_PLACEHOLDER = "×××"  # the citizen's name where a text named them
HIDDEN_VALUE = "（保密）"  # a contact field of an event payload (an SMS's masked number)
REPORT_TYPE = "report"  # hotline.models.TicketType.REPORT (this module imports no models)


class Sight(StrEnum):
    WHOLE = "whole"
    MASKED = "masked"
    HIDDEN = "hidden"


def is_confidential(ticket) -> bool:
    """A 举报 always; any other ticket the centre marked 保密 (Ticket.is_confidential)."""
    return ticket.ticket_type == REPORT_TYPE or bool(getattr(ticket, "is_confidential", False))


def confidential_q():
    """is_confidential as a filter."""
    from django.db.models import Q

    return Q(is_confidential=True) | Q(ticket_type=REPORT_TYPE)


def is_centre(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.role in CENTRE_ROLES)


def sight_for(*, role: str, confidential: bool) -> Sight:
    """What a person of `role` sees of a ticket's citizen (push and SMS know a role, not a user)."""
    if role in CENTRE_ROLES:
        return Sight.WHOLE
    if confidential or role in ROLES_NEVER_SEE_CITIZENS:
        return Sight.HIDDEN
    return Sight.WHOLE if role in ROLES_THAT_SEE_CITIZENS else Sight.MASKED


def sight_of(*, ticket, user) -> Sight:
    if user is None or not user.is_authenticated:
        return sight_for(role="", confidential=is_confidential(ticket))
    return sight_for(role=user.role, confidential=is_confidential(ticket))


# The keys of event payloads (hotline.events) that name things, not people: kept as they are.
STRUCTURAL_KEYS = frozenset({
    "lead_unit", "co_units", "unit", "unit_names", "category", "channel", "template", "recipient",
    "recipient_label", "sid", "result", "result_label", "into", "from", "leader", "point", "state", "method",
    "absent_co_units", "role", "kind",
})
# Keys that hold how to reach someone (the sms_sent line's masked number): hidden whole.
CONTACT_KEYS = frozenset({"to", "phone", "citizen_phone", "citizen_name", "name", "from_number", "caller"})
# Events whose text a unit wrote itself: only the citizen's own identity is taken out of it,
# not every name and number the unit wrote (its reply, its reasons).
UNIT_WRITTEN_KINDS = frozenset({"reply", "co_reply", "return", "extension_requested"})
_ATTACHMENT_EXT_RE = re.compile(r"\.[A-Za-z0-9]{1,8}")


def _loaded(obj, name: str) -> str:
    """A field's value if the object has it loaded (a list row defers the address): never a query."""
    values = getattr(obj, "__dict__", None)
    if values is not None:
        return values.get(name) or ""
    return getattr(obj, name, "") or ""


def _phone_pattern(phone: str):
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return None
    sep = r"[\s\-－—.]?"
    whole = sep.join(re.escape(d) for d in digits)
    masked = re.escape(digits[:3]) + r"\*{2,}" + re.escape(digits[-4:])  # 139****5678
    return re.compile(rf"(?:\+?86{sep})?(?:{whole}|{masked})")


class TicketLens:
    """A ticket as one viewer may see it (`ticket_as_seen_by`). Values are computed on first use."""

    def __init__(self, ticket, sight: Sight):
        self.ticket, self.sight = ticket, sight
        self._cache: dict = {}

    @property
    def whole(self) -> bool:
        return self.sight == Sight.WHOLE

    @property
    def hidden(self) -> bool:
        return self.sight == Sight.HIDDEN

    @property
    def confidential(self) -> bool:
        return is_confidential(self.ticket)

    def _identity(self) -> tuple[str, str, str]:
        if "identity" not in self._cache:
            citizen = self.ticket.citizen if getattr(self.ticket, "citizen_id", None) else None
            name = ((citizen.name if citizen else "") or "").strip()
            phone = ((citizen.phone if citizen else "") or "").strip()
            self._cache["identity"] = (name, phone, _loaded(self.ticket, "address").strip())
        return self._cache["identity"]

    @property
    def citizen(self) -> dict | None:
        """{"name", "phone", "masked"} as the API and the pages show it, or None without a caller."""
        if not getattr(self.ticket, "citizen_id", None):
            return None
        if self.hidden:
            return {"name": CONFIDENTIAL_NAME, "phone": "", "masked": True}
        citizen = self.ticket.citizen
        if self.whole:
            return {"name": citizen.name, "phone": citizen.phone, "masked": False}
        return {"name": mask_name(citizen.name), "phone": mask_phone(citizen.phone), "masked": True}

    def _unidentified(self, text: str, *, address: bool = True) -> str:
        """The text without this ticket's citizen: their phone in any spacing (or masked), their
        name and surname with an honorific (王先生) as ×××, the exact address as the address shows."""
        name, phone, exact = self._identity()
        pattern = _phone_pattern(phone)
        if pattern is not None:
            text = pattern.sub("", text)
        if len(name) >= 2:
            text = text.replace(name, NAME_PLACEHOLDER)
            surname = name[:2] if name.startswith(COMPOUND_SURNAMES) else name[:1]
            text = re.sub(rf"{re.escape(surname)}(?:{'|'.join(HONORIFICS)})", NAME_PLACEHOLDER, text)
        if address and len(exact) >= 4 and exact in text:
            text = text.replace(exact, self.address)
        return text

    def _masked(self, text: str) -> str:
        name = self._identity()[0]
        text = mask_phones_in(text)
        return text.replace(name, mask_name(name)) if len(name) >= 2 else text

    def text(self, value: str | None, *, by_unit: bool = False) -> str:
        """Free text about this ticket (a note, an answer, a comment, an SMS body). Hidden: the
        citizen's identity taken out, then scrub_text (every name, number and house number),
        except for text a unit wrote itself (`by_unit`), from which only the identity goes."""
        value = value or ""
        if self.whole or not value:
            return value
        if self.sight == Sight.MASKED:
            return self._masked(value)
        value = self._unidentified(value)
        return value if by_unit else scrub_text(value, max_length=None)

    def _cached(self, key: str, make) -> str:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def title(self) -> str:
        return self._cached("title", lambda: self.text(self.ticket.title))

    @property
    def content(self) -> str:
        return self._cached("content", lambda: self.text(self.ticket.content))

    @property
    def address(self) -> str:
        """事发地点. Hidden: kept to the street or community (house, building, unit and room numbers
        go, as does anything naming the citizen), for the unit to find the place without the home."""
        def make():
            raw = _loaded(self.ticket, "address")
            if self.whole or not raw:
                return raw
            if self.sight == Sight.MASKED:
                return self._masked(raw)
            return scrub_text(self._unidentified(raw, address=False), max_length=None)

        return self._cached("address", make)

    def payload(self, payload: dict | None, *, kind: str = "") -> dict:
        """An event's payload as this viewer may read it (the timeline, the API, push)."""
        payload = payload or {}
        if self.whole:
            return payload
        by_unit = kind in UNIT_WRITTEN_KINDS

        def shown(key, value):
            if isinstance(value, dict):
                return {k: shown(k, v) for k, v in value.items()}
            if isinstance(value, list):
                return [shown(key, v) for v in value]
            if not isinstance(value, str) or not value or key in STRUCTURAL_KEYS:
                return value
            if key in CONTACT_KEYS and self.hidden:
                return HIDDEN_VALUE
            return self.text(value, by_unit=by_unit)

        return {key: shown(key, value) for key, value in payload.items()}

    def attachment_name(self, name: str, number: int) -> str:
        """A file's name: hidden, 附件N with its extension (the name may be the citizen's)."""
        if not self.hidden:
            return name
        ext = os.path.splitext(name or "")[1]
        return f"附件{number}{ext.lower() if _ATTACHMENT_EXT_RE.fullmatch(ext) else ''}"

    def name_attachments(self, replies) -> list:
        """Give each reply's attachments (prefetched) `shown_name`, numbered across the ticket in
        the order attachment_number counts them, and each reply `shown_text`. Returns the replies."""
        replies = list(replies)
        attachments = sorted((a for r in replies for a in r.attachments.all()), key=lambda a: a.pk)
        for number, attachment in enumerate(attachments, start=1):
            attachment.shown_name = self.attachment_name(attachment.name, number)
        for reply in replies:
            reply.shown_text = self.text(reply.text, by_unit=True)
        return replies


def ticket_as_seen_by(*, ticket, user) -> TicketLens:
    """The chokepoint: `ticket` as `user` may see it."""
    return TicketLens(ticket, sight_of(ticket=ticket, user=user))


def ticket_as_seen_as(*, ticket, role: str) -> TicketLens:
    """The same for everyone of a role (push to a unit's group, SMS to a unit head or a leader)."""
    return TicketLens(ticket, sight_for(role=role, confidential=is_confidential(ticket)))


def tickets_as_seen_by(*, tickets, user) -> list[TicketLens]:
    """One lens per ticket of a list; the citizens the lenses need and the list did not load
    are read in one query (the unit's lists do not join the citizen)."""
    lenses = [ticket_as_seen_by(ticket=t, user=user) for t in tickets]
    need = [lens.ticket for lens in lenses if not lens.whole and getattr(lens.ticket, "citizen_id", None)]
    unloaded = [t for t in need if hasattr(t, "_state") and not type(t).citizen.is_cached(t)]
    if unloaded:
        from django.db.models import prefetch_related_objects

        prefetch_related_objects(unloaded, "citizen")
    return lenses


def citizen_as_seen_by(*, ticket, user) -> dict | None:
    """The ticket's caller as this user may see them: {"name", "phone", "masked"}, or None."""
    return ticket_as_seen_by(ticket=ticket, user=user).citizen
