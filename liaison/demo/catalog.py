"""Names and words for the demo: real 2021 drafts, real kinds of opinions, invented people."""

from __future__ import annotations

import random

CAOYANG = "曹杨新村街道基层立法联系点"

CONTACT_POINTS = [
    (CAOYANG, "普陀区"),
    ("虹桥街道基层立法联系点", "长宁区"),
    ("嘉定工业区基层立法联系点", "嘉定区"),
    ("朱泾镇基层立法联系点", "金山区"),
    ("华漕镇基层立法联系点", "闵行区"),
    ("洋泾街道基层立法联系点", "浦东新区"),
]

NPC = "全国人大常委会法制工作委员会"
SHANGHAI = "上海市人大常委会法制工作委员会"

NATIONAL_DRAFTS = [
    "中华人民共和国个人信息保护法（草案）",
    "中华人民共和国家庭教育促进法（草案）",
    "中华人民共和国反食品浪费法（草案）",
    "中华人民共和国法律援助法（草案）",
]

MUNICIPAL_DRAFTS = [
    "上海市城市更新条例（草案）",
    "上海市数据条例（草案）",
    "上海市养老服务条例（草案）",
    "上海市消费者权益保护条例（修订草案）",
    "上海市公共卫生应急管理条例（草案）",
    "上海市无障碍环境建设条例（草案）",
    "上海市红色资源传承弘扬和保护利用条例（草案）",
    "上海市铁路安全管理条例（草案）",
    "上海市市容环境卫生管理条例（修订草案）",
    "上海市促进家庭农场发展条例（草案）",
    "上海市慈善条例（草案）",
    "上海市非机动车安全管理条例（修订草案）",
    "上海市社会信用条例（修正草案）",
    "上海市住宅物业管理规定（修正草案）",
    "上海市外商投资条例（草案）",
    "上海市动物防疫条例（修订草案）",
    "上海市标准化条例（草案）",
    "上海市地方金融监督管理条例（草案）",
    "上海市食品安全条例（修正草案）",
    "上海市房屋使用安全管理条例（草案）",
    "上海市野生动物保护条例（草案）",
    "上海市急救医疗服务条例（修正草案）",
    "上海市生活垃圾管理条例（修正草案）",
    "上海市农村村民住房建设管理办法（草案）",
]

CHAPTERS = ["总则", "职责分工", "规划与实施", "权益保障", "监督管理", "法律责任", "附则"]

SUBJECTS = [
    "社区居民",
    "老年人",
    "未成年人",
    "残疾人",
    "物业服务企业",
    "个人信息处理者",
    "街道办事处",
    "居民委员会",
    "志愿服务组织",
    "市场主体",
    "公共服务机构",
    "业主委员会",
]
DUTIES = [
    "应当建立健全相关工作机制",
    "应当依法履行告知义务",
    "应当采取必要措施保障安全",
    "应当为其提供便利",
    "应当定期公开有关信息",
    "不得侵害他人合法权益",
    "应当加强宣传教育",
    "应当接受社会监督",
    "应当听取利害关系人的意见",
]

OPINIONS = [
    "建议明确“{subject}”的具体范围，避免执行中产生歧义。",
    "建议在本条增加对{subject}的保护措施，特别是对独居老人的照护。",
    "本条规定的期限过短，建议由十五日延长至三十日。",
    "建议增加居民委员会在{subject}事务中的协调职责。",
    "建议将“{duty}”修改为更具操作性的表述，并明确责任主体。",
    "建议对违反本条规定的行为设定相应的法律责任。",
    "建议增加听证程序，保障{subject}的知情权和参与权。",
    "建议删除本条中“等”字，列举应当完整。",
    "建议细化{subject}的申请流程，方便老年人办理。",
    "建议明确政府相关部门之间的分工，避免多头管理。",
    "建议增加数字化服务的同时保留线下办理渠道，照顾不会使用智能手机的老人。",
    "建议对{subject}的个人信息收集设定最小必要原则。",
    "建议增加财政资金保障条款。",
    "建议增加对社区志愿者的激励措施。",
    "建议将本条中的“可以”改为“应当”，强化{subject}的义务。",
]

OFF_TOPIC = [
    "小区门口的共享单车停放混乱，希望尽快处理。",
    "希望增加社区食堂的供餐品种。",
    "楼道灯坏了很久没有人修。",
]
REJECT_REASONS = ["与草案内容无关，已转交居委会处理", "属于具体个案诉求，不属于立法意见"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶"
    "黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国平红梅兰凤玉珍桂英志刚文辉海燕"
NEIGHBOURHOODS = [f"曹杨{n}村" for n in "一二三四五六七八九"] + [
    "兰溪青年公寓",
    "杏梅小区",
    "梅岭北路小区",
]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def phone(rng: random.Random) -> str:
    return (
        rng.choice(("138", "139", "135", "137", "150", "186", "189"))
        + f"{rng.randrange(10**8):08d}"
    )


def draft_text(rng: random.Random, title: str) -> str:
    """A plausible draft: chapters of articles, some with paragraphs (款) and items (项)."""
    short_title = title.split("（")[0].removeprefix("中华人民共和国")
    lines = [title, ""]
    number = 1
    chapters = CHAPTERS[: rng.randint(4, len(CHAPTERS))]
    for index, chapter in enumerate(chapters, start=1):
        lines.append(f"第{_numeral(index)}章　{chapter}")
        for _ in range(rng.randint(3, 7)):
            subject = rng.choice(SUBJECTS)
            body = f"{subject}{rng.choice(DUTIES)}。"
            if number == 1:
                body = (
                    f"为了规范{short_title}所涉工作，保障{subject}的合法权益，"
                    "根据有关法律、行政法规，制定本法规。"
                )
            lines.append(f"第{_numeral(number)}条　{body}")
            if rng.random() < 0.3:
                lines.append(f"{rng.choice(SUBJECTS)}{rng.choice(DUTIES)}。")
            if rng.random() < 0.2:
                lines += [
                    f"（{_numeral(i)}）{rng.choice(SUBJECTS)}{rng.choice(DUTIES)}；"
                    for i in (1, 2, 3)
                ]
            number += 1
    return "\n".join(lines)


def final_text(rng: random.Random, text: str) -> str:
    """The enacted text: the consulted draft with a few articles reworded."""
    out = []
    for line in text.splitlines():
        if line.startswith("第") and "条　" in line and rng.random() < 0.25:
            line = line.rstrip("。") + "，并向社会公布。"
        out.append(line)
    return "\n".join(out)


def opinion(rng: random.Random) -> str:
    return rng.choice(OPINIONS).format(subject=rng.choice(SUBJECTS), duty=rng.choice(DUTIES))


_DIGITS = "零一二三四五六七八九"


def _numeral(n: int) -> str:
    """Chinese numerals up to 99, enough for the demo's drafts."""
    if not 0 < n < 100:
        raise ValueError(f"the demo numbers articles up to 99, not {n}")
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[units] if units else "")


# Drafts around today, so the site has something open and something just enacted whenever the
# demo is loaded. Dates are filled in from the application's clock.

OPEN_NOW = [
    (
        "中华人民共和国社会救助法（草案）",
        "national",
        NPC,
        "\n".join(
            [
                "中华人民共和国社会救助法（草案）",
                "第一章　总则",
                "第一条　为了规范社会救助工作，保障公民的基本生活，促进社会公平，维护社会和谐稳定，"
                "根据宪法，制定本法。",
                "第二条　国家建立健全分层分类的社会救助体系，对生活困难的家庭和个人给予救助。",
                "第三条　社会救助工作坚持保基本、兜底线、救急难、可持续的原则。",
                "第二章　救助对象和救助方式",
                "第四条　共同生活的家庭成员人均收入低于当地最低生活保障标准，且财产状况符合规定的，"
                "可以申请最低生活保障。",
                "第五条　对因火灾、交通事故、突发重大疾病等原因导致基本生活暂时出现严重困难的家庭"
                "或者个人，给予临时救助。",
                "第六条　社会救助可以采取发放现金、提供实物、提供服务等方式。",
                "第三章　申请和审核",
                "第七条　申请社会救助，应当向户籍所在地乡镇人民政府、街道办事处提出；"
                "经常居住地与户籍所在地不一致的，可以向经常居住地提出。",
                "第八条　乡镇人民政府、街道办事处应当自受理申请之日起三十日内完成审核。",
                "第九条　县级以上人民政府民政部门应当建立社会救助对象主动发现机制。",
                "第四章　附则",
                "第十条　本法自　年　月　日起施行。",
            ]
        ),
        [
            (4, "建议明确“财产状况”的认定标准，自住的唯一住房不应计入家庭财产。"),
            (7, "建议全面放开在经常居住地申请，不要再以户籍为前提，方便来沪务工人员。"),
            (8, "三十日的审核期限偏长，急难情形建议先行救助、事后补办手续。"),
            (9, "建议居委会、社工和信息员发现困难家庭后，可以直接代为提出申请。"),
            (None, "建议增加救助信息公开的条款，同时保护受助人的隐私，不要在小区张榜公示姓名。"),
            (6, "建议提供服务类救助时，优先安排上门照护，照顾独居老人和残疾人。"),
        ],
    ),
    (
        "上海市电动自行车安全管理条例（草案）",
        "municipal",
        SHANGHAI,
        "\n".join(
            [
                "上海市电动自行车安全管理条例（草案）",
                "第一章　总则",
                "第一条　为了加强电动自行车安全管理，预防和减少火灾事故和道路交通事故，"
                "保障人民群众生命财产安全，根据有关法律、行政法规，结合本市实际，制定本条例。",
                "第二条　本条例适用于本市行政区域内电动自行车的生产、销售、充电、停放、通行等"
                "安全管理活动。",
                "第二章　充电和停放",
                "第三条　禁止在建筑物的公共门厅、疏散走道、楼梯间、安全出口停放电动自行车或者为"
                "电动自行车充电。",
                "第四条　禁止携带电动自行车及其蓄电池进入电梯轿厢。",
                "第五条　住宅小区应当根据实际需要设置电动自行车集中停放和充电场所。",
                "第六条　物业服务企业应当对小区内电动自行车停放、充电情况开展巡查。",
                "第三章　通行管理",
                "第七条　驾驶电动自行车应当佩戴安全头盔。",
                "第八条　电动自行车在非机动车道内行驶时，最高时速不得超过十五公里。",
                "第四章　法律责任",
                "第九条　违反本条例第三条规定的，由消防救援机构责令改正，"
                "可以处五十元以上五百元以下罚款。",
                "第十条　本条例自　年　月　日起施行。",
            ]
        ),
        [
            (5, "建议明确老旧小区建设充电场所的费用由谁承担，可以利用公共收益。"),
            (5, "老小区地方小，建议允许在小区周边道路划定夜间集中充电区域。"),
            (4, "赞成禁止电瓶车进电梯，建议同时规定电梯加装阻车识别装置。"),
            (8, "十五公里限速偏低，送外卖的都做不到，建议参照国家标准定为二十五公里。"),
            (9, "罚款上限五百元震慑力不够，建议对屡次违反的提高罚款。"),
            (None, "建议加强以旧换新宣传，对淘汰不合格电池给予补贴。"),
            (3, "建议把“楼梯间”扩大到“楼道”，很多人在楼道拉线充电。"),
        ],
    ),
]

ENACTED_RECENTLY = (
    "上海市既有多层住宅加装电梯促进条例（草案）",
    "municipal",
    SHANGHAI,
    [
        "上海市既有多层住宅加装电梯促进条例（草案）",
        "第一章　总则",
        "第一条　为了推进既有多层住宅加装电梯工作，方便居民出行，提升居住品质，"
        "根据有关法律、行政法规，结合本市实际，制定本条例。",
        "第二条　本条例适用于本市行政区域内既有多层住宅加装电梯及其相关管理活动。",
        "第三条　加装电梯应当遵循业主自愿、协商一致、保障安全、兼顾各方利益的原则。",
        "第二章　申请与实施",
        "第四条　加装电梯应当经本幢或者本单元专有部分面积占比三分之二以上且人数占比三分之二"
        "以上的业主参与表决，并经参与表决的业主双过四分之三同意。",
        "第五条　街道办事处、乡镇人民政府应当组织协调加装电梯工作，指导业主开展协商。",
        "第六条　加装电梯的费用由业主根据所在楼层等因素协商分摊。",
        "第七条　居民委员会可以协助业主开展协商。",
        "第三章　运行维护",
        "第八条　加装的电梯投入使用后，业主应当确定电梯使用管理人。",
        "第九条　电梯使用管理人应当按照规定对电梯进行维护保养，所需费用由业主承担。",
        "第四章　附则",
        "第十条　本条例自　年　月　日起施行。",
    ],
    # (article, opinion, outcome, the article as enacted — None where it stays as it was)
    [
        (
            5,
            "建议街道对行动不便的老人提供上门协商服务，很多高龄业主下不了楼参加协商会。",
            "adopted",
            "第五条　街道办事处、乡镇人民政府应当组织协调加装电梯工作，指导业主开展协商，"
            "为老年人、残疾人等行动不便的业主提供上门服务。",
        ),
        (
            6,
            "建议明确可以提取住房公积金和使用住宅专项维修资金支付加装电梯费用，减轻老年业主负担。",
            "adopted",
            "第六条　加装电梯的费用由业主根据所在楼层、面积等因素协商分摊；"
            "业主可以按照规定提取住房公积金或者使用住宅专项维修资金。",
        ),
        (
            7,
            "建议将本条中的“可以”改为“应当”，居委会在加装电梯中要起到调解矛盾的作用。",
            "partially_adopted",
            "第七条　居民委员会应当协助业主开展协商，调解加装电梯中的矛盾纠纷。",
        ),
        (
            9,
            "建议维护保养费用由政府全额补贴。",
            "not_adopted",
            None,
        ),
        (
            4,
            "一楼业主不用电梯，建议表决时一楼业主可以不计入人数。",
            "not_adopted",
            None,
        ),
    ],
)

# A draft read twice and enacted, each time with an article inserted early, so the articles
# after it move (征求意见稿第四条 → 二审稿第五条 → 通过稿第六条): the trace and the wall show
# each article's journey beside the opinions given on the second reading.
_PARKING = (
    "电动自行车应当停放在规划的停放场所，不得在建筑物的公共门厅、疏散通道、楼梯间、安全出口停放。"
)
_PURPOSE = (
    "为了加强住宅小区电动自行车停放充电管理，预防和减少火灾事故，保障居民生命财产安全，"
    "根据有关法律、法规，结合本市实际，制定本规定。"
)
_SCOPE = "本规定适用于本市行政区域内住宅小区电动自行车停放、充电及其相关管理活动。"
_DEFINITION = (
    "本规定所称电动自行车，是指以车载蓄电池作为辅助能源，具有脚踏骑行能力，"
    "能实现电助动或者电驱动功能的两轮自行车。"
)


_FIRST_READING_REST = (  # the articles after _PARKING, unchanged by the second reading
    "物业服务企业应当配合建设单位在住宅小区内设置集中充电设施。",
    "禁止携带电动自行车或者其蓄电池进入电梯轿厢。",
    "居民委员会可以组织居民制定电动自行车停放充电公约。",
    "本规定自　年　月　日起施行。",
)


def _articles(*texts: str) -> str:
    return "\n".join(f"第{_numeral(n)}条　{t}" for n, t in enumerate(texts, start=1))


READ_TWICE = (
    "上海市住宅小区电动自行车停放充电管理规定（草案）",
    "municipal",
    SHANGHAI,
    _articles(_PURPOSE, _SCOPE, _PARKING, *_FIRST_READING_REST),
    "二审稿",
    _articles(_PURPOSE, _DEFINITION, _SCOPE, _PARKING, *_FIRST_READING_REST),
    _articles(
        _PURPOSE,
        _DEFINITION,
        _SCOPE,
        _PARKING,
        "禁止在住宅楼道、楼梯间等公共区域为电动自行车充电，禁止私拉电线为电动自行车充电。",
        "物业服务企业应当配合建设单位在住宅小区内设置集中充电设施；老旧住宅小区由街道办事处、"
        "乡镇人民政府统筹推进集中充电设施建设。",
        "禁止携带电动自行车或者其蓄电池进入电梯轿厢。鼓励住宅小区在电梯内安装电动自行车阻止装置。",
        "居民委员会应当组织居民制定电动自行车停放充电公约，并监督实施。",
        "本规定自公布之日起施行。",
    ),
    # (article of the second reading, opinion, outcome, the article as passed it went into)
    [
        (
            5,
            "老旧小区物业没有能力单独建充电设施，建议明确由街道牵头统筹建设。",
            "adopted",
            6,
        ),
        (
            6,
            "光靠禁止很难管住推车进电梯，建议在电梯里装电动自行车识别阻止装置。",
            "partially_adopted",
            7,
        ),
        (7, "建议把“可以”改为“应当”，居委会要牵头定公约并监督执行。", "adopted", 8),
        (4, "楼道里飞线充电太危险，建议明确禁止在楼道充电、私拉电线。", "adopted", 5),
        (8, "建议给半年过渡期再施行。", "not_adopted", None),
    ],
)
