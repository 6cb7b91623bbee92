"""An article's lineage: followed across readings by its text, whatever its number."""

from __future__ import annotations

from datetime import date
from difflib import SequenceMatcher

from domain.draft import ArticleText, DraftVersion, parsed_version
from domain.lineage import SAME_ARTICLE, lineage, match_articles

PURPOSE = "为了规范既有多层住宅加装电梯工作，方便居民出行，根据有关法律，结合本市实际，制定本条例。"
SCOPE = "本条例适用于本市行政区域内既有多层住宅加装电梯及其相关管理活动。"
COSTS = "加装电梯的费用由业主根据所在楼层等因素协商分摊。"
MEDIATION = "居民委员会可以协助业主开展协商。"
START = "本条例自公布之日起施行。"
NEW_DUTY = "街道办事处应当建立加装电梯工作协调机制，指定专人负责。"


def version(label: str, *texts: str) -> DraftVersion:
    """A version whose articles are ``texts``, numbered 第一条, 第二条… in order."""
    numerals = "一二三四五六七八九十"
    body = "\n".join(f"第{numerals[i]}条　{t}" for i, t in enumerate(texts))
    parsed = parsed_version(body)
    articles = tuple(ArticleText(**a) for a in parsed["articles"])
    return DraftVersion(label, date(2024, 1, 1), parsed["preamble"], articles)


def test_an_article_keeps_its_line_when_one_is_inserted_before_it() -> None:
    first = version("一审稿", PURPOSE, SCOPE, COSTS, START)
    second = version("二审稿", PURPOSE, NEW_DUTY, SCOPE, COSTS, START)

    found = lineage([first, second])

    assert [line.numbers for line in found.lines] == [
        [1, 1],
        [None, 2],
        [2, 3],
        [3, 4],
        [4, 5],
    ]
    assert found.line_of(0, 3) is found.line_of(1, 4)
    assert found.line_of(1, 2) is not None and found.line_of(1, 2).texts == [None, NEW_DUTY]


def test_a_deleted_article_ends_its_line_and_the_next_ones_move_up() -> None:
    first = version("一审稿", PURPOSE, SCOPE, COSTS, START)
    second = version("二审稿", PURPOSE, COSTS, START)

    found = lineage([first, second])

    assert [line.numbers for line in found.lines] == [[1, 1], [2, None], [3, 2], [4, 3]]
    assert found.line_of(0, 2) is not None and found.line_of(0, 2).texts == [SCOPE, None]


def test_a_lightly_reworded_article_is_still_the_same_article() -> None:
    reworded = (
        "加装电梯的费用由业主根据所在楼层、面积等因素协商分摊；业主可以申请使用住宅专项维修资金。"
    )
    assert SequenceMatcher(None, COSTS, reworded).ratio() >= SAME_ARTICLE
    first = version("一审稿", PURPOSE, SCOPE, COSTS, START)
    second = version("二审稿", PURPOSE, NEW_DUTY, SCOPE, reworded, START)

    found = lineage([first, second])

    line = found.line_of(0, 3)
    assert line is not None and line.numbers == [3, 4]
    assert line.texts == [COSTS, reworded]


def test_a_rewritten_article_is_a_new_article_in_the_old_ones_place() -> None:
    rewritten = "区人民政府应当对加装电梯给予财政补贴，补贴标准由市人民政府另行规定。"
    assert SequenceMatcher(None, COSTS, rewritten).ratio() < SAME_ARTICLE
    first = version("一审稿", PURPOSE, SCOPE, COSTS, START)
    second = version("二审稿", PURPOSE, SCOPE, rewritten, START)

    found = lineage([first, second])

    assert [line.numbers for line in found.lines] == [[1, 1], [2, 2], [3, None], [None, 3], [4, 4]]


def test_three_versions_follow_an_article_through_two_renumberings() -> None:
    first = version("一审稿", PURPOSE, SCOPE, COSTS, MEDIATION, START)
    second = version("二审稿", PURPOSE, NEW_DUTY, SCOPE, COSTS, MEDIATION, START)
    final = version(
        "通过稿",
        PURPOSE,
        "本条例所称既有多层住宅，是指已经建成并投入使用、未设电梯的四层以上住宅。",
        NEW_DUTY,
        SCOPE,
        COSTS,
        "居民委员会应当协助业主开展协商，调解加装电梯中的矛盾纠纷。",
        START,
    )

    found = lineage([first, second, final])

    assert found.labels == ("一审稿", "二审稿", "通过稿")
    mediation = found.line_of(0, 4)
    assert mediation is not None and mediation.numbers == [4, 5, 6]
    assert found.line_of(0, 5) is not None and found.line_of(0, 5).numbers == [5, 6, 7]
    assert [line.numbers for line in found.lines][:4] == [
        [1, 1, 1],
        [None, None, 2],
        [None, 2, 3],
        [2, 3, 4],
    ]


def test_a_split_article_keeps_its_line_with_the_closer_part_and_the_rest_is_new() -> None:
    whole = "业主应当就加装电梯事项进行协商，形成书面协议；协议应当明确费用分摊、运行维护等事项。"
    kept = "业主应当就加装电梯事项进行协商，形成书面协议。"
    split_off = "书面协议应当明确费用分摊、运行维护、使用管理等事项。"
    first = version("一审稿", PURPOSE, whole, START)
    second = version("二审稿", PURPOSE, kept, split_off, START)

    found = lineage([first, second])

    assert [line.numbers for line in found.lines] == [[1, 1], [2, 2], [None, 3], [3, 4]]


def test_merged_articles_keep_the_closer_one_and_the_other_ends() -> None:
    merged = COSTS + "居民委员会可以协助业主开展协商，调解矛盾。"
    first = version("一审稿", PURPOSE, COSTS, MEDIATION, START)
    second = version("二审稿", PURPOSE, merged, START)

    found = lineage([first, second])

    numbers = {tuple(line.numbers) for line in found.lines}
    assert numbers == {(1, 1), (2, 2), (3, None), (4, 3)}


def test_a_moved_article_is_found_where_it_went() -> None:
    assert match_articles([PURPOSE, SCOPE, COSTS, START], [PURPOSE, COSTS, START, SCOPE]) == {
        0: 0,
        1: 3,
        2: 1,
        3: 2,
    }


def test_one_version_is_its_own_lineage_and_none_is_empty() -> None:
    only = version("征求意见稿", PURPOSE, SCOPE)

    assert [line.numbers for line in lineage([only]).lines] == [[1], [2]]
    assert lineage([]).lines == ()
