"""What a demo ticket is about: its category in the three-level tree and the county unit
that handles that category, read from the words of a real citizen's message.

The messages (hotline/data/sample_messages.csv) carry only a first-level label. Within that
label, the first topic whose words the title (then the text) contains gives the second- and
third-level category; the unit is the one a county office would send it to (a bus complaint
to the bus company, a property-management dispute to the housing bureau's property section).
A message that matches no topic keeps its first-level category: the demo never invents one.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    root: str
    level2: str
    level3: str
    words: tuple[str, ...]
    unit: str  # a unit code of demo.county

    @property
    def path(self) -> str:
        return f"{self.root}/{self.level2}/{self.level3}"


def _topics(root: str, rows: list[tuple[str, str, str, str]]) -> list[Topic]:
    return [Topic(root, l2, l3, tuple(words.split()), unit) for l2, l3, words, unit in rows]


# Most specific first: of topics named equally often, the first listed wins.
TOPICS = [
    *_topics("城乡建设", [
        ("城市建设和市政管理", "公共汽车", "公交 公共汽车 班车", "gjgs"),
        ("城市建设和市政管理", "电力供应", "停电 供电 电压 电表 电费", "gdgs"),
        ("城市建设和市政管理", "自来水供应", "停水 自来水 供水 水压 水质 水费", "zlsgs"),
        ("城市建设和市政管理", "燃气供应", "燃气 天然气 煤气", "rqgs"),
        ("城市建设和市政管理", "冬季采暖", "暖气 供暖 采暖", "zjj"),
        ("住房保障与房地产", "住房公积金", "公积金", "zjj"),
        ("住房保障与房地产", "物业服务", "物业", "zjj-wy"),
        ("住房保障与房地产", "房产证登记、办理", "房产证 不动产证 产权证 办证", "zrj"),
        ("住房保障与房地产", "保障性住房", "公租房 廉租房 保障房 经适房", "zjj"),
        ("国有土地上房屋征收与补偿", "房屋拆迁", "拆迁 征收 征地 安置", "zjj"),
        ("城乡规划", "违章建筑", "违建 违章 私搭 乱搭 加建", "cgj"),
        ("城市建设和市政管理", "城市公共设施", "路灯 井盖 红绿灯 护栏", "cgj"),
        ("城市建设和市政管理", "城管执法", "占道 摊贩 摆摊 夜市", "cgj"),
        ("城市建设和市政管理", "环境卫生", "垃圾 环卫 公厕 卫生", "cgj"),
        ("城市建设和市政管理", "园林绿化", "绿化 树木 草坪 公园", "cgj"),
        ("建筑市场", "拖欠工程款", "工程款", "zjj"),
        ("住房保障与房地产", "房地产开发管理", "开发商 楼盘 交房 商品房 购房 房子 房屋", "zjj"),
        ("工程质量", "施工安全", "施工 工地 工程", "zjj"),
        ("城市建设和市政管理", "基础设施", "道路 修路 下水道 排水 积水 小区", "zjj"),
    ]),
    *_topics("交通运输", [
        ("出租车管理", "网约车问题", "网约车 滴滴 快车", "jtj"),
        ("出租车管理", "行业监管", "出租车 的士 的哥", "jtj"),
        ("客货运输", "旅客运输", "客运 班车 大巴 车站 公交", "jtj"),
        ("建设管理", "公路收费", "收费站 高速", "jtj"),
        ("邮政管理", "快递市场管理", "快递 邮政 邮件 包裹", "jtj"),
        ("客货运输", "运输安全", "超载 货车 渣土车", "jtj"),
        ("建设管理", "设施维护", "公路 道路 路面 桥", "jtj"),
    ]),
    *_topics("环境保护", [
        ("环境污染", "噪音污染", "噪音 噪声 扰民 吵", "sthj"),
        ("环境污染", "大气污染", "油烟 烧烤 烟尘 粉尘 扬尘 废气 臭 异味 焚烧 黑烟", "sthj"),
        ("环境污染", "水污染", "污水 废水 排污 河道 水库 池塘", "sthj"),
        ("环境污染", "固体污染", "垃圾 废渣 固废", "sthj"),
        ("建设项目审批", "未批先建", "环评", "sthj"),
        ("环境污染", "其他污染", "污染", "sthj"),
    ]),
    *_topics("劳动和社会保障", [
        ("工资福利", "工资发放", "工资 欠薪 拖欠", "rsj"),
        ("退休政策及待遇", "退休金发放", "退休", "rsj"),
        ("城镇居民社会保险", "新农村合作医疗", "新农合 农合 合作医疗", "rsj"),
        ("城镇职工社会保险", "职工医疗保险", "医保 医疗保险", "rsj"),
        ("城镇居民社会保险", "城乡居民养老保险", "城乡居民养老", "rsj"),
        ("城镇职工社会保险", "职工养老保险", "养老保险 社保 参保 缴费", "rsj"),
        ("劳动关系", "劳动合同纠纷", "劳动合同 辞退 解除 仲裁", "rsj"),
        ("就业培训", "就业和再就业", "就业 招聘 培训 考试", "rsj"),
        ("工资福利", "福利待遇", "待遇 补贴 津贴", "rsj"),
    ]),
    *_topics("教育文体", [
        ("考试招生", "招生录取", "招生 入学 学位 录取 报名", "jyj"),
        ("教育收费", "乱收费", "收费 补课 费用", "jyj"),
        ("教育行政管理", "校外机构管理", "培训机构 辅导班", "jyj"),
        ("教育行政管理", "校园安全", "校园 安全 校车", "jyj"),
        ("教师队伍和待遇", "师资力量", "教师 老师 代课", "jyj"),
        ("文化", "公共文化", "图书馆 文化 广场舞", "wlj"),
        ("体育", "体育事业", "体育 健身 球场", "jyj"),
        ("教育行政管理", "教学管理", "学校 学生 小学 中学 幼儿园", "jyj"),
    ]),
    *_topics("卫生计生", [
        ("食品药品监管", "食品安全", "食品 餐馆 饭店", "scj"),
        ("食品药品监管", "药品和医疗器械管理", "药店 药品 药", "scj"),
        ("人口计生", "计划生育服务管理", "计生 二胎 生育 准生", "wjw"),
        ("公共卫生", "疾病预防控制", "疫苗 疫情 防疫 传染", "wjw"),
        ("医政监管", "医疗收费", "收费 费用", "wjw"),
        ("医政监管", "非法行医", "诊所 行医", "wjw"),
        ("医患纠纷", "患者权益", "医院 医生 患者 治疗 手术", "wjw"),
    ]),
    *_topics("商贸旅游", [
        ("市场监管", "传销", "传销", "scj"),
        ("市场监管", "广告监管", "广告", "scj"),
        ("质监检验检疫", "特种设备管理", "电梯", "scj"),
        ("市场监管", "物价监督", "价格 涨价 收费 乱收", "scj"),
        ("市场监管", "商品质量", "质量 假冒 伪劣", "scj"),
        ("旅游管理", "景区管理", "景区 旅游 门票 游客", "wlj"),
        ("市场监管", "不正当竞争", "商家 商户 店铺 门店 超市", "scj"),
        ("商业贸易", "其他", "市场 商场", "swj"),
    ]),
]


def topic_for(root: str, title: str, text: str) -> Topic | None:
    """The topic of `root` whose words the message names most (a word in the title counts
    three times: the title names the matter, the text also tells the story); ties go to
    the topic listed first."""
    best, best_score = None, 0
    for topic in TOPICS:
        if topic.root != root:
            continue
        score = sum(3 * title.count(word) + text.count(word) for word in topic.words)
        if score > best_score:
            best, best_score = topic, score
    return best
