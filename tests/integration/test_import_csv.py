"""``liaison import suggestions``: letters typed into a spreadsheet, each row once, however
often the file is imported."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.cli import main
from liaison.rights import Actor, Role, operator
from tests.conftest import SECRET
from tests.records import CAOYANG, HONGQIAO, PASSWORD, draft_received

ADMIN = operator("admin")
TITLE = "个人信息保护法（草案）"
HEADER = "draft,article,content,name,received_on,channel\n"
ROWS = [
    f"{TITLE},1,建议明确个人信息的范围,王秀英,2021-03-05,letter\n",
    f"{TITLE},第2条,电话里说：应当保护老年人的信息,,2021/3/6,phone\n",
    f"{TITLE},,希望多听取社区意见,李建国,2021-03-07,collector\n",
]

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def town(liaison: Liaison) -> dict[str, UUID]:
    app = liaison.app
    caoyang = app.designate_contact_point(*CAOYANG, ADMIN).id
    hongqiao = app.designate_contact_point(*HONGQIAO, ADMIN).id
    return {"caoyang": caoyang, "hongqiao": hongqiao, "draft": draft_received(app, title=TITLE)}


@pytest.fixture
def run(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Run:
    """``liaison import suggestions FILE --contact-point …`` on the test's store."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", database_url)
    monkeypatch.setenv("LIAISON_SECRET_KEY", SECRET)

    def run(path: Path, *more: str, point: str = CAOYANG[0]) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["import", "suggestions", str(path), "--contact-point", point, *more])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def written(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "letters.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def recorded(liaison: Liaison, point: UUID) -> list[dict]:
    return liaison.queries.suggestions(ADMIN, point)


def test_each_row_becomes_an_opinion_with_its_channel_article_and_day(
    liaison: Liaison, town: dict[str, UUID], run: Run, tmp_path: Path
) -> None:
    code, out, err = run(written(tmp_path, HEADER + "".join(ROWS)))

    assert code == 0
    assert "created 3, duplicate 0, invalid 0" in out
    assert "import" in err and "3/3" in err  # the progress bar
    found = {row["content"]: row for row in recorded(liaison, town["caoyang"])}
    as_typed = {
        content: (row["channel"], row["article"], str(row["received_on"]))
        for content, row in found.items()
    }
    assert as_typed == {
        "建议明确个人信息的范围": ("letter", 1, "2021-03-05"),
        "电话里说：应当保护老年人的信息": ("phone", 2, "2021-03-06"),
        "希望多听取社区意见": ("collector", None, "2021-03-07"),
    }


def test_importing_the_same_file_twice_adds_nothing(
    liaison: Liaison, town: dict[str, UUID], run: Run, tmp_path: Path
) -> None:
    path = written(tmp_path, HEADER + "".join(ROWS))
    run(path)

    code, out, _ = run(path)

    assert code == 0
    assert "created 0, duplicate 3, invalid 0" in out
    assert len(recorded(liaison, town["caoyang"])) == 3


def test_a_file_with_rows_added_imports_only_the_new_ones(
    liaison: Liaison, town: dict[str, UUID], run: Run, tmp_path: Path
) -> None:
    run(written(tmp_path, HEADER + "".join(ROWS[:2])))
    later = HEADER + ROWS[2] + "".join(ROWS[:2]) + f"{TITLE},2,第二条要写清楚,,2021-03-08,\n"

    code, out, _ = run(written(tmp_path, later, name="more.csv"))

    assert code == 0
    assert "created 2, duplicate 2, invalid 0" in out
    assert len(recorded(liaison, town["caoyang"])) == 4


def test_identical_letters_from_a_campaign_are_each_an_opinion_once(
    liaison: Liaison, town: dict[str, UUID], run: Run, tmp_path: Path
) -> None:
    same = f"{TITLE},1,反对第一条的写法,,2021-03-05,letter\n"
    path = written(tmp_path, HEADER + same * 3)

    first = run(path)
    again = run(path)

    assert "created 3, duplicate 0" in first[1]
    assert "created 0, duplicate 3" in again[1]
    assert len(recorded(liaison, town["caoyang"])) == 3


def test_refused_rows_are_listed_with_their_line_and_reason_and_the_rest_imported(
    liaison: Liaison, town: dict[str, UUID], run: Run, tmp_path: Path
) -> None:
    text = (
        HEADER
        + ROWS[0]  # line 2
        + f'{TITLE},1,"一封信\n写了两行",,2021-03-05,letter\n'  # lines 3-4
        + f"{TITLE},99,没有这一条,,2021-03-05,letter\n"  # line 5
        + "不存在的草案,1,草案找不到,,2021-03-05,letter\n"  # line 6
        + f"{TITLE},1,,,2021-03-05,letter\n"  # line 7: no words
        + f"{TITLE},1,日期不对,,2021-02-30,letter\n"  # line 8
        + f"{TITLE},1,渠道不对,,2021-03-05,fax\n"  # line 9
        + f"{TITLE},1,收到之日在草案之前,,2020-01-01,letter\n"  # line 10
    )

    code, out, _ = run(written(tmp_path, text))

    assert code == 1
    assert "created 2, duplicate 0, invalid 6" in out
    refused = [line.split(":")[0].strip() for line in out.splitlines() if "line " in line]
    assert refused == ["line 5", "line 6", "line 7", "line 8", "line 9", "line 10"]
    assert "line 5: article" in out
    assert "line 6: draft: no draft titled '不存在的草案'" in out
    assert "line 7: content" in out and "line 8: received_on" in out
    assert "line 9: channel" in out and "line 10: received_on" in out
    assert "一封信\n写了两行" in {row["content"] for row in recorded(liaison, town["caoyang"])}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_excels_encodings_and_chinese_headers_are_read_alike(
    liaison: Liaison, town: dict[str, UUID], run: Run, tmp_path: Path, encoding: str
) -> None:
    text = "内容,姓名,收到日期,条款\n建议加强个人信息保护,张伟,2021年3月5日,第1条\n"

    code, out, _ = run(written(tmp_path, text, encoding), "--draft", str(town["draft"]))

    assert code == 0, out
    [row] = recorded(liaison, town["caoyang"])
    assert (row["content"], row["article"], str(row["received_on"])) == (
        "建议加强个人信息保护",
        1,
        "2021-03-05",
    )


def test_a_row_without_a_draft_needs_the_draft_option(
    liaison: Liaison, town: dict[str, UUID], run: Run, tmp_path: Path
) -> None:
    path = written(tmp_path, "content\n只有内容\n")

    code, out, _ = run(path)

    assert code == 1 and "line 2: draft" in out
    assert run(path, "--draft", str(town["draft"]))[0] == 0


def test_an_unknown_contact_point_imports_nothing(
    liaison: Liaison, town: dict[str, UUID], run: Run, tmp_path: Path
) -> None:
    code, _, err = run(written(tmp_path, HEADER + ROWS[0]), point="不存在的联系点")

    assert code == 2 and "no contact point" in err
    assert recorded(liaison, town["caoyang"]) == []


def test_a_file_without_a_content_column_is_refused_whole(
    run: Run, town: dict[str, UUID], tmp_path: Path
) -> None:
    code, _, err = run(written(tmp_path, "title,words\n草案,意见\n"))

    assert code == 2 and "content" in err


def test_a_collector_account_is_added_at_the_console_bound_to_its_point(
    liaison: Liaison,
    town: dict[str, UUID],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LIAISON_DATABASE_URL", database_url)
    monkeypatch.setenv("LIAISON_SECRET_KEY", SECRET)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))

    code = main(["users", "add", "lao_li", "--role", "collector", "--contact-point", CAOYANG[0]])

    assert code == 0 and "added lao_li (collector)" in capsys.readouterr().out
    assert liaison.users.get("lao_li") == Actor("lao_li", Role.COLLECTOR, town["caoyang"])
