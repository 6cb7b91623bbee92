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
