"""Masking citizens' personal data for people and pages that must not see it."""
import re

PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")

# Who sees a caller whole: the hotline office, and handling units (who must call them back).
# Leaders see them masked; display devices and the public never see them at all.
ROLES_THAT_SEE_CITIZENS = frozenset({"operator", "supervisor", "admin", "unit_staff"})


def may_see_citizen(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.role in ROLES_THAT_SEE_CITIZENS


def citizen_as_seen_by(user, citizen) -> dict | None:
    """The caller as this user may see them: {"name", "phone", "masked"}, or None without a caller."""
    if citizen is None:
        return None
    if may_see_citizen(user):
        return {"name": citizen.name, "phone": citizen.phone, "masked": False}
    return {"name": mask_name(citizen.name), "phone": mask_phone(citizen.phone), "masked": True}


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "****"


def mask_name(name: str) -> str:
    """张三 → 张某; 欧阳娜娜 → 欧阳某 (two-character surnames kept whole)."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if len(name) >= 4 else name[:1]
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
    rf"{_NUM}(?:[-－—之]{_NUM})*\s*(?:号楼|号院|号|栋|幢|单元|室|楼|层|弄|巷|户|门|座|区(?=\d))"
    rf"|(?<!\d)\d{{1,4}}[-－—]\d{{1,4}}(?:[-－—]\d{{1,4}})?(?!\d)"
)
NAME_CUE_RE = re.compile(
    r"(?:我叫|我是|本人|名叫|姓名[:：]?|联系人[:：]?|业主|居民)\s*([\u4e00-\u9fa5]{2,4}?)(?=[，,。\s、（(]|先生|女士|$)"
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


TITLE_NAME_RE = re.compile(r"([\u4e00-\u9fa5])[\u4e00-\u9fa5]{1,2}(先生|女士|同志|老师|师傅|阿姨|大爷)")


# A word that ends in one of these, or stands before one, names a place, not a person:
# jieba tags 华庭 (山水华庭) and 龙洞 (龙洞镇) as person names because 华 and 龙 are surnames.
PLACE_ENDINGS = tuple("镇乡村屯寨街路道巷弄里坊庭苑园府邸城湾岛山岭湖河江桥港站场区县市省州洲厦楼阁院井") + (
    "小区", "社区", "花园", "广场", "大厦", "公园")
# Nor one that ends like a thing or an office: jieba also tags 许可证 as a person's name.
THING_ENDINGS = tuple("证费卡单票表局所厂店馆司部科委办队")
NOT_A_PERSON_ENDINGS = PLACE_ENDINGS + THING_ENDINGS  # joined once, not for every word of every text


def _is_place(word: str, following: str) -> bool:
    return word.endswith(NOT_A_PERSON_ENDINGS) or following.startswith(PLACE_ENDINGS)


def _mask_person_names(text: str) -> str:
    """Names that jieba tags as person names (nr), and names after cues such as 我叫 / 姓名;
    never a word that reads as part of a place name (mask people, not places)."""
    # A cue is followed by a name only when it looks like one: "业主反映油烟" has no name in it.
    text = NAME_CUE_RE.sub(lambda m: m.group(0).replace(m.group(1), mask_name(m.group(1)))
                           if _looks_like_name(m.group(1)) else m.group(0), text)
    text = TITLE_NAME_RE.sub(lambda m: f"{m.group(1)}某{m.group(2)}", text)
    text = SUBJECT_RE.sub(lambda m: mask_name(m.group(1)) if _looks_like_name(m.group(1)) else m.group(1), text)
    try:
        import jieba.posseg as pseg
    except ImportError:  # pragma: no cover - jieba is a runtime dependency
        return text
    words = pseg.lcut(text, HMM=True)
    out = []
    for index, (word, flag) in enumerate(words):
        following = "".join(w for w, _ in words[index + 1:index + 3])
        person = flag == "nr" and _looks_like_name(word) and not _is_place(word, following)
        out.append(mask_name(word) if person else word)
    return "".join(out)


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
