"""Tests for splitting a draft law's text into articles."""

from __future__ import annotations

import pytest

from domain.articles import (
    Article,
    ArticleParseError,
    DuplicateArticleError,
    ParsedText,
    chinese_numeral_to_int,
    int_to_chinese_numeral,
    parse_articles,
)

# (number, heading, text, chapter, section)
Row = tuple[int, str, str, str | None, str | None]


def rows(parsed: ParsedText) -> list[Row]:
    """Flatten articles into comparable tuples."""
    return [(a.number, a.heading, a.text, a.chapter, a.section) for a in parsed.articles]


@pytest.mark.parametrize(
    ("numeral", "expected"),
    [
        ("一", 1),
        ("二", 2),
        ("三", 3),
        ("四", 4),
        ("五", 5),
        ("六", 6),
        ("七", 7),
        ("八", 8),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十一", 21),
        ("九十九", 99),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百十五", 115),
        ("一千零一", 1001),
        ("一千二百三十四", 1234),
        ("两百", 200),
        ("12", 12),
        ("１２", 12),
    ],
)
def test_numeral_is_read_as_its_value(numeral: str, expected: int) -> None:
    assert chinese_numeral_to_int(numeral) == expected


@pytest.mark.parametrize(
    "junk",
    ["", "abc", "十十", "百", "一二", "一〇", "一百零", "零", "二百五", "一十百"],
)
def test_junk_numeral_is_rejected(junk: str) -> None:
    with pytest.raises(ArticleParseError):
        chinese_numeral_to_int(junk)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "第一条 为了规范。\n第二条 本法适用。\n第十一条 其他。",
            [
                (1, "第一条", "为了规范。", None, None),
                (2, "第二条", "本法适用。", None, None),
                (11, "第十一条", "其他。", None, None),
            ],
            id="chinese-headings",
        ),
        pytest.param(
            "第1条 甲。\n第2条 乙。",
            [(1, "第1条", "甲。", None, None), (2, "第2条", "乙。", None, None)],
            id="arabic-digits",
        ),
        pytest.param(
            "第１条 甲。\n第１２条 乙。",
            [(1, "第１条", "甲。", None, None), (12, "第１２条", "乙。", None, None)],
            id="full-width-digits",
        ),
        pytest.param(
            "第一章　总则\n第一条 甲。\n第二章　规则\n第一节　一般规定\n第二条 乙。\n"
            "第二节　特别规定\n第三条 丙。\n第三章　附则\n第四条 丁。",
            [
                (1, "第一条", "甲。", "第一章　总则", None),
                (2, "第二条", "乙。", "第二章　规则", "第一节　一般规定"),
                (3, "第三条", "丙。", "第二章　规则", "第二节　特别规定"),
                (4, "第四条", "丁。", "第三章　附则", None),
            ],
            id="chapters-and-sections",
        ),
        pytest.param(
            "第五条 第一款。\n\n  第二款：\n（一）甲；\n（二）乙。\n第六条 丙。",
            [
                (5, "第五条", "第一款。\n第二款：\n（一）甲；\n（二）乙。", None, None),
                (6, "第六条", "丙。", None, None),
            ],
            id="paragraphs-and-items-stay-inside",
        ),
        pytest.param(
            "第一条 甲。\n依照本法第十条的规定处理。\n第十条的规定适用于乙。\n"
            "第三条至第五条不适用。\n第二条 丙。",
            [
                (
                    1,
                    "第一条",
                    "甲。\n依照本法第十条的规定处理。\n第十条的规定适用于乙。\n"
                    "第三条至第五条不适用。",
                    None,
                    None,
                ),
                (2, "第二条", "丙。", None, None),
            ],
            id="references-do-not-split",
        ),
        pytest.param(
            "  为了保护权益，制定本法。\n\n本法自公布之日起施行。  ",
            [(1, "", "为了保护权益，制定本法。\n本法自公布之日起施行。", None, None)],
            id="no-heading-is-one-article",
        ),
        pytest.param(
            "第一条 甲。\r\n乙。\r\n第二条 丙。\r\n",
            [
                (1, "第一条", "甲。\n乙。", None, None),
                (2, "第二条", "丙。", None, None),
            ],
            id="crlf",
        ),
        pytest.param(
            "\u3000\u3000第一条\u3000甲。\n第二条\u3000\u3000乙。",
            [(1, "第一条", "甲。", None, None), (2, "第二条", "乙。", None, None)],
            id="full-width-spaces",
        ),
        pytest.param(
            "第一条\n甲。\n第二条\n\n乙。",
            [(1, "第一条", "甲。", None, None), (2, "第二条", "乙。", None, None)],
            id="body-on-next-line",
        ),
        pytest.param(
            "第一条甲。\n第二条",
            [(1, "第一条", "甲。", None, None), (2, "第二条", "", None, None)],
            id="body-glued-to-heading-and-empty-body",
        ),
        pytest.param(
            "第三条 甲。\n第七条 乙。\n第五条 丙。",
            [
                (3, "第三条", "甲。", None, None),
                (7, "第七条", "乙。", None, None),
                (5, "第五条", "丙。", None, None),
            ],
            id="numbers-kept-in-text-order",
        ),
    ],
)
def test_text_is_split_into_articles(text: str, expected: list[Row]) -> None:
    assert rows(parse_articles(text)) == expected


def test_reference_inside_a_sentence_does_not_start_an_article() -> None:
    parsed = parse_articles("第一条 违反本法第十条规定的，依照第十一条处罚。")
    assert rows(parsed) == [(1, "第一条", "违反本法第十条规定的，依照第十一条处罚。", None, None)]


def test_text_before_the_first_article_is_the_preamble() -> None:
    parsed = parse_articles("某某法（草案）\n\n说明\n第一章 总则\n第一条 甲。")
    assert parsed.preamble == "某某法（草案）\n说明"
    assert rows(parsed) == [(1, "第一条", "甲。", "第一章 总则", None)]


def test_text_without_preamble_has_empty_preamble() -> None:
    assert parse_articles("第一条 甲。").preamble == ""


def test_table_of_contents_stays_in_the_preamble() -> None:
    text = (
        "某某法（草案）\n目录\n第一章 总则\n第二章 规则\n第一节 一般规定\n"
        "第三章 附则\n第一章 总则\n第一条 甲。\n"
        "第二章 规则\n第一节 一般规定\n第二条 乙。"
    )
    parsed = parse_articles(text)
    assert parsed.preamble == (
        "某某法（草案）\n目录\n第一章 总则\n第二章 规则\n第一节 一般规定\n第三章 附则"
    )
    assert rows(parsed) == [
        (1, "第一条", "甲。", "第一章 总则", None),
        (2, "第二条", "乙。", "第二章 规则", "第一节 一般规定"),
    ]


PIPL_EXCERPT = """\
中华人民共和国个人信息保护法（草案）

第一章　总　　则

　　第一条　为了保护个人信息权益，规范个人信息处理活动，保障个人信息依法有序自由流动，\
促进个人信息合理利用，制定本法。

　　第二条　自然人的个人信息受法律保护，任何组织、个人不得侵害自然人的个人信息权益。

第二章　个人信息处理规则

第一节　一般规定

　　第十三条　符合下列情形之一的，个人信息处理者方可处理个人信息：

　　（一）取得个人的同意；

　　（二）为订立或者履行个人作为一方当事人的合同所必需；

　　（三）为履行法定职责或者法定义务所必需。

　　依照本法其他有关规定，处理个人信息应当取得个人同意，\
但有前款第二项、第三项规定情形的，不需取得个人同意。

　　第十四条　处理个人信息的同意，应当由个人在充分知情的前提下，自愿、明确作出。

第二节　敏感个人信息的处理规则

　　第二十九条　个人信息处理者具有特定的目的和充分的必要性，方可处理敏感个人信息。

　　第三十条　基于个人同意处理敏感个人信息的，个人信息处理者应当取得个人的单独同意。\
第二十九条规定的情形除外。
"""


def test_realistic_draft_excerpt_is_parsed() -> None:
    parsed = parse_articles(PIPL_EXCERPT)

    assert parsed.preamble == "中华人民共和国个人信息保护法（草案）"
    chapter_one, chapter_two = "第一章　总　　则", "第二章　个人信息处理规则"
    assert [(a.number, a.chapter, a.section) for a in parsed.articles] == [
        (1, chapter_one, None),
        (2, chapter_one, None),
        (13, chapter_two, "第一节　一般规定"),
        (14, chapter_two, "第一节　一般规定"),
        (29, chapter_two, "第二节　敏感个人信息的处理规则"),
        (30, chapter_two, "第二节　敏感个人信息的处理规则"),
    ]
    article_13 = parsed.articles[2]
    assert article_13.heading == "第十三条"
    assert article_13.text.splitlines() == [
        "符合下列情形之一的，个人信息处理者方可处理个人信息：",
        "（一）取得个人的同意；",
        "（二）为订立或者履行个人作为一方当事人的合同所必需；",
        "（三）为履行法定职责或者法定义务所必需。",
        "依照本法其他有关规定，处理个人信息应当取得个人同意，"
        "但有前款第二项、第三项规定情形的，不需取得个人同意。",
    ]
    assert parsed.articles[-1].text.endswith("第二十九条规定的情形除外。")


def test_articles_are_frozen_values() -> None:
    article = parse_articles("第一条 甲。").articles[0]
    assert article == Article(1, "第一条", "甲。", None, None)
    with pytest.raises(AttributeError):
        article.text = "乙。"  # type: ignore[misc]


def test_duplicate_article_number_is_rejected_by_number() -> None:
    with pytest.raises(DuplicateArticleError, match="5"):
        parse_articles("第五条 甲。\n第六条 乙。\n第5条 丙。")


def test_duplicate_article_error_is_a_parse_error() -> None:
    assert issubclass(DuplicateArticleError, ArticleParseError)
    assert issubclass(ArticleParseError, ValueError)


@pytest.mark.parametrize("text", ["", "   ", "\n\u3000\r\n\t"])
def test_empty_text_is_rejected(text: str) -> None:
    with pytest.raises(ArticleParseError, match="draft text is empty"):
        parse_articles(text)


def test_article_numbers_are_written_as_readings_write_them_and_read_back() -> None:
    written = {n: int_to_chinese_numeral(n) for n in (1, 10, 11, 20, 105, 110, 1001, 1010, 9999)}

    assert written == {
        1: "一",
        10: "十",
        11: "十一",
        20: "二十",
        105: "一百零五",
        110: "一百一十",
        1001: "一千零一",
        1010: "一千零一十",
        9999: "九千九百九十九",
    }
    assert all(chinese_numeral_to_int(int_to_chinese_numeral(n)) == n for n in range(1, 10_000))
