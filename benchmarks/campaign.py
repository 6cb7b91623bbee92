"""A campaign on one draft, with the truth of who copied whom: for grouping's benchmark.

``share`` of the comments copy one of ``SENTENCES`` sentences: half of them word for word
but written differently (full-width, other quotes and punctuation, spaces), the others with
a few characters changed, a few words added before or after; the rest are each a resident's
own sentence, made of phrases drawn at random.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

SUBJECTS = [
    "社区养老服务",
    "电动自行车停放",
    "物业费收取标准",
    "垃圾分类投放点",
    "老旧小区加装电梯",
    "学校周边交通",
    "噪声扰民处罚",
    "公共场所无障碍设施",
    "网约车平台责任",
    "个人信息保护",
    "宠物犬只管理",
    "外卖骑手权益",
    "农村宅基地流转",
    "食品安全抽检",
    "医疗纠纷调解",
    "未成年人网络沉迷",
    "住房租赁押金",
    "河道保洁责任",
    "消防通道占用",
    "社区议事规则",
]
ASKS = [
    "应当明确主管部门的职责分工",
    "建议增加罚款数额并规定上限",
    "请写明居民参与监督的渠道",
    "希望规定具体的办理时限",
    "应当对违规行为设定阶梯处罚",
    "建议由街道统一协调解决",
    "请考虑低收入家庭的实际困难",
    "应当公开收费依据和明细",
]
WORDS = (
    "我们小区的情况比较特殊，希望立法时多听取基层群众意见，这样才能落到实处；"
    "条文中有的表述不够清楚，执行起来容易产生争议，建议再斟酌一下用词；"
    "另外各地经济发展水平不同，标准不宜一刀切，可以授权地方制定细则；"
    "居民反映最多的是办事难、跑腿多，希望通过网上办理减轻负担"
)
PREFIXES = ["我认为", "强烈建议：", "本人同意，", "转发：", "附议！"]
SUFFIXES = ["谢谢！", "望采纳。", "请重视", "以上意见供参考"]


def sentences(count: int) -> list[str]:
    """The campaign's sentences: each a subject and its own two asks."""
    pairs = [(a, b) for a in range(len(ASKS)) for b in range(a + 1, len(ASKS))]
    chosen = random.Random(count).sample(pairs, count)
    return [
        f"关于“{SUBJECTS[i % len(SUBJECTS)]}”，{ASKS[a]}，{ASKS[b]}。"
        for i, (a, b) in enumerate(chosen)
    ]


def restyled(text: str, rng: random.Random) -> str:
    """The same words, written differently: widths, quotes, punctuation and spaces."""
    swaps = {"，": rng.choice([",", "，", " , ", "、"]), "。": rng.choice([".", "。", "", "!"])}
    swaps |= {"“": rng.choice(['"', "「", "『", ""]), "”": rng.choice(['"', "」", "』", ""])}
    out = "".join(swaps.get(c, c) for c in text)
    if rng.random() < 0.3:
        out = " ".join(out)  # a space between every character
    return out


def edited(text: str, rng: random.Random) -> str:
    """A near copy: a word before or after, or a character or two changed."""
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(PREFIXES) + text
    if roll < 0.6:
        return text + rng.choice(SUFFIXES)
    chars = list(text)
    for _ in range(rng.randint(1, 2)):
        at = rng.randrange(len(chars))
        if rng.random() < 0.5:
            del chars[at]
        else:
            chars.insert(at, rng.choice(WORDS))
    return "".join(chars)


def own_words(rng: random.Random) -> str:
    """A resident's own sentence: phrases cut at random from the words and asks."""
    pieces = [WORDS[(start := rng.randrange(len(WORDS) - 12)) : start + rng.randint(6, 12)]]
    pieces.append(rng.choice(SUBJECTS))
    pieces.append(WORDS[(start := rng.randrange(len(WORDS) - 12)) : start + rng.randint(6, 12)])
    rng.shuffle(pieces)
    return "，".join(pieces) + f"（第{rng.randint(1, 99999)}号意见）"


def generate(
    size: int, share: float = 0.6, count: int = 20, seed: int = 11
) -> tuple[list[str], list[int]]:
    """``size`` comments and, for each, its truth: the sentence it copies (0…count-1), or a
    number of its own (count and above)."""
    rng = random.Random(seed)
    originals = sentences(count)
    texts: list[str] = []
    truth: list[int] = []
    for i in range(size):
        if rng.random() < share:
            which = rng.randrange(count)
            text = originals[which]
            text = restyled(text, rng) if rng.random() < 0.5 else edited(text, rng)
            texts.append(text)
            truth.append(which)
        else:
            texts.append(own_words(rng))
            truth.append(count + i)
    return texts, truth


def pair_scores(found: Sequence[Sequence[int]], truth: Sequence[int]) -> tuple[float, float]:
    """Precision and recall of the pairs put together, against the truth's pairs."""

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    together = sum(pairs(len(c)) for c in found)
    true_pairs = sum(pairs(n) for n in Counter(truth).values())
    right = sum(pairs(n) for c in found for n in Counter(truth[i] for i in c).values())
    precision = right / together if together else 1.0
    recall = right / true_pairs if true_pairs else 1.0
    return precision, recall
