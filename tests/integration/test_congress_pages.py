"""The congress's pages and the public wall over a real Liaison: the figures match the
statistics read model, the CSV is what the screen shows, the trace marks what changed, and
nobody's words can run as script."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from liaison.bootstrap import Liaison
from liaison.rights import operator
from projections.diff import Change, Segment, diff_text
from projections.projector import event_chain
from projections.statistics import Period, figures, ranking
from projections.tables import suggestions
from tests.conftest import FixedClock
from tests.forms import sign_in
from tests.records import (
    add_users,
    draft_opened,
    municipal_draft,
    two_contact_points,
)
from web.app import create_app
from web.i18n import translator
from web.pages.congress_figures import FIGURE_ROWS

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
CONSULTED = (
    "第一章　总则\n"
    "第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　处理个人信息可以遵循合法原则。\n"
    "第三条　本法自公布之日起施行。"
)
ENACTED = (
    "第一章　总则\n"
    "第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　处理个人信息应当遵循合法、正当、必要原则。\n"
    "第三条　本法自2021年11月1日起施行。"
)


@dataclass
class City:
    liaison: Liaison
    cp_a: UUID
    cp_b: UUID
    enacted: UUID
    open_draft: UUID
    words: dict[str, str]


@pytest.fixture
def city(liaison: Liaison, clock: FixedClock) -> City:
    """Two contact points; one draft enacted after its suggestions were decided, one still open.
    The clock moves on as the consultation does: business dates run forward to today."""
    app = liaison.app
    a, b = two_contact_points(app)
    add_users(
        liaison, ("admin", "admin", None), ("congress", "congress", None), ("staff_a", "staff", a)
    )
    draft = draft_opened(app, CONSULTED, on=date(2021, 2, 1), until=date(2021, 3, 10))
    words = {
        "adopted": "建议将“可以”改为“应当”，并写明正当、必要原则。",
        "partial": "建议写明施行的具体日期。" + XSS,
        "not_adopted": "建议删除第一条。",
        "rejected": "楼道灯坏了很久没有人修。",
        "duplicate": "建议写明施行日期，方便群众知晓。",
        "public": "建议明确必要原则的含义。",
    }

    def said(key: str, article: int | None, cp: UUID = a, day: int = 5) -> UUID:
        return app.record_suggestion(
            cp,
            draft,
            words[key],
            "letter",
            operator("staff"),
            article=article,
            received_on=date(2021, 2, day),
        ).id

    adopted = said("adopted", 2)
    partial = said("partial", 3)
    not_adopted = said("not_adopted", 1, cp=b, day=20)
    rejected = said("rejected", None)
    duplicate = said("duplicate", 3, day=6)
    clock.day = date(2021, 2, 10)  # while the draft is open for comments
    public = app.comment_publicly(
        draft, a, words["public"], article=2, name="王秀英", phone="13812345678"
    )
    clock.day = date(2021, 6, 30)  # the law passed and the opinions decided
    app.merge_suggestion(duplicate, partial, operator("staff"), on=date(2021, 3, 1))
    app.revise_suggestion(
        adopted, "经整理：" + words["adopted"], operator("staff"), on=date(2021, 3, 1)
    )
    app.screen_suggestion(
        rejected, "reject", operator("staff"), reason="与草案无关", on=date(2021, 3, 1)
    )
    for kept in (adopted, partial, public.id):
        app.screen_suggestion(kept, "accept", operator("staff"), on=date(2021, 3, 1))
    app.screen_suggestion(not_adopted, "accept", operator("staff"), on=date(2021, 3, 1))
    app.submit_report(a, draft, [adopted, partial, public.id], date(2021, 3, 5), operator("staff"))
    app.submit_report(b, draft, [not_adopted], date(2021, 4, 2), operator("staff"))
    app.enact_draft(draft, date(2021, 6, 1), ENACTED, operator("admin"))
    for suggestion, outcome in [
        (adopted, "adopted"),
        (partial, "partially_adopted"),
        (not_adopted, "not_adopted"),
        (public.id, "adopted"),
    ]:
        app.record_outcome(suggestion, outcome, operator("congress"), decided_on=date(2021, 6, 1))
    still_open = municipal_draft(app, CONSULTED, opened_on=date(2021, 3, 1))
    app.record_suggestion(
        a,
        still_open,
        "建议增加数据安全条款。",
        "letter",
        operator("staff"),
        article=1,
        received_on=date(2021, 3, 15),
    )
    return City(liaison, a, b, draft, still_open, words | {"receipt": public.receipt})


@pytest.fixture
def client(city: City) -> Iterator[TestClient]:
    with TestClient(create_app(liaison=city.liaison)) as client:
        yield client


class Tables(HTMLParser):
    """Every <table class="data">: its caption, header row and body rows, as plain text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.cell: list[str] | None = None
        self.row: list[str] | None = None
        self.part = ""
        self.in_caption = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and ("class", "data") in attrs:
            self.tables.append({"caption": "", "header": [], "rows": []})
        elif not self.tables:
            return
        elif tag == "caption":
            self.in_caption = True
        elif tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self.tables:
            return
        table = self.tables[-1]
        if tag == "caption":
            self.in_caption = False
        elif tag in ("th", "td") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.part == "thead":
                table["header"] = self.row
            else:
                table["rows"].append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.in_caption:
            self.tables[-1]["caption"] += data.strip()
        elif self.cell is not None:
            self.cell.append(data)


def tables_of(html: str) -> list[dict]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def csv_sections(body: str) -> tuple[list[list[str]], list[dict], list[list[str]]]:
    """The scope lines, each table (caption, header, rows), the log's integrity; blank lines
    between them."""
    rows = list(csv.reader(io.StringIO(body)))
    blocks: list[list[list[str]]] = [[]]
    for row in rows:
        if row:
            blocks[-1].append(row)
        else:
            blocks.append([])
    scope, tables = blocks[0], []
    for block in blocks[1:-1]:
        tables.append({"caption": block[0][0], "header": block[1], "rows": block[2:]})
    return scope, tables, blocks[-1]


PERIOD = "from=2021-01-01&to=2021-12-31"


@pytest.mark.parametrize("role", ["congress", "admin"])
def test_the_overview_shows_the_statistics_read_model_figures(
    client: TestClient, city: City, role: str
) -> None:
    sign_in(client, role)

    page = client.get(f"/congress?{PERIOD}&contact_point={city.cp_a}")

    assert page.status_code == 200
    with city.liaison.engine.connect() as conn:
        expected = figures(conn, city.cp_a, Period(date(2021, 1, 1), date(2021, 12, 31)))
        ranked = ranking(conn, Period(date(2021, 1, 1), date(2021, 12, 31)))
    _ = translator("zh-CN")
    shown = tables_of(page.text)
    on_screen = dict(shown[0]["rows"])
    assert on_screen == {_(label): str(value(expected)) for label, value in FIGURE_ROWS}
    assert on_screen["收到意见建议（条）"] == "6" and on_screen["采纳率"] == "100.0%"
    assert [row[1] for row in shown[1]["rows"]] == [r["name"] for r in ranked]
    assert [row[2] for row in shown[1]["rows"]] == [str(r["reported"]) for r in ranked]


def test_the_overview_defaults_to_this_year_for_every_contact_point(
    client: TestClient, city: City
) -> None:
    sign_in(client, "congress")

    page = client.get("/congress")  # the clock says 2021-06-30

    assert page.status_code == 200
    assert 'value="2021-01-01"' in page.text and 'value="2021-12-31"' in page.text
    with city.liaison.engine.connect() as conn:
        everything = figures(conn, None, Period(date(2021, 1, 1), date(2021, 12, 31)))
    figures_table = dict(tables_of(page.text)[0]["rows"])
    assert figures_table["收到意见建议（条）"] == str(everything.suggestions["received"])
    assert "全部联系点" in page.text


def test_the_charts_are_svg_with_a_title_a_description_and_the_numbers_in_a_table(
    client: TestClient, city: City
) -> None:
    sign_in(client, "congress")

    page = client.get(f"/congress?{PERIOD}").text

    assert page.count('<svg viewBox="0 0 ') == 2
    assert page.count('role="img" aria-labelledby="chart-') == 2
    assert '<desc id="chart-months-desc">' in page and '<desc id="chart-drafts-desc">' in page
    months, per_draft = tables_of(page)[2:4]
    assert [row[0] for row in months["rows"]][:3] == ["2021-01", "2021-02", "2021-03"]
    assert len(months["rows"]) == 12
    assert "style=" not in page
    # the numbers are those of the rows: received by month, adopted by the month reported
    with city.liaison.engine.connect() as conn:
        rows = conn.execute(
            select(suggestions.c.received_on, suggestions.c.reported_on, suggestions.c.outcome)
        ).all()
    received = Counter(f"{r.received_on:%Y-%m}" for r in rows)
    adopted = Counter(
        f"{r.reported_on:%Y-%m}" for r in rows if r.outcome in ("adopted", "partially_adopted")
    )
    assert [row[1:] for row in months["rows"][:4]] == [
        [str(received[m]), str(adopted[m])] for m in ("2021-01", "2021-02", "2021-03", "2021-04")
    ]
    assert received["2021-02"] == 6 and adopted["2021-03"] == 3  # merged ones count
    assert per_draft["rows"] == [
        ["个人信息保护法（草案）", "6", "3"],
        ["数据条例（草案）", "1", "0"],
    ]


def test_the_csv_holds_exactly_the_tables_on_screen(client: TestClient, city: City) -> None:
    sign_in(client, "congress")
    query = f"{PERIOD}&contact_point={city.cp_a}"

    page = client.get(f"/congress?{query}")
    download = client.get(f"/congress/figures.csv?{query}")

    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert download.content.startswith("\ufeff".encode())
    scope, tables, integrity = csv_sections(download.content.decode("utf-8-sig"))
    shown = tables_of(page.text)
    assert tables == shown
    assert integrity[0] == ["事件日志完整性", "完整"]
    assert integrity[-1][0] == "哈希链末端：" and integrity[-1][1] in page.text
    assert scope[0] == ["统计期间", "2021-01-01", "2021-12-31"]
    assert scope[1] == ["联系点", "曹杨新村街道基层立法联系点"]
    assert "统计期间" in page.text and "2021-01-01 – 2021-12-31" in page.text


def test_the_csv_cannot_carry_a_spreadsheet_formula(client: TestClient, city: City) -> None:
    city.liaison.app.designate_contact_point('=HYPERLINK("http://x")', "普陀区", operator("admin"))
    sign_in(client, "congress")

    download = client.get(f"/congress/figures.csv?{PERIOD}").content.decode("utf-8-sig")

    names = [row[1] for row in csv.reader(io.StringIO(download)) if len(row) == 5]
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(name.startswith("=") for name in names)


def test_wrong_filters_are_named_next_to_their_fields(client: TestClient, city: City) -> None:
    sign_in(client, "congress")

    page = client.get(f"/congress?from=2021-13-01&to=2021-01-01&contact_point={UUID(int=7)}")

    assert page.status_code == 422
    assert 'aria-describedby="from-error"' in page.text and 'id="from-error"' in page.text
    assert "请按“年-月-日”填写日期" in page.text
    assert 'id="contact_point-error"' in page.text and "请从列表中选择联系点" in page.text
    backwards = client.get("/congress?from=2021-06-01&to=2021-01-01")
    assert backwards.status_code == 422 and 'id="to-error"' in backwards.text
    assert client.get("/congress/figures.csv?from=yesterday").status_code == 422


def test_the_overview_says_whether_the_log_is_intact(client: TestClient, city: City) -> None:
    sign_in(client, "congress")

    intact = client.get("/congress").text
    with city.liaison.engine.begin() as conn:
        conn.execute(update(event_chain).where(event_chain.c.position == 3).values(hash="0" * 64))
    broken = client.get("/congress").text

    assert "完整" in intact and "已损坏" not in intact
    assert "已损坏" in broken and "哈希链在第3条事件处断开" in broken


def test_staff_get_a_403_page_and_visitors_are_sent_to_sign_in(
    client: TestClient, city: City
) -> None:
    anonymous = client.get("/congress?from=2021-01-01", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=/congress"
    trace = client.get(f"/congress/drafts/{city.enacted}", follow_redirects=False)
    assert trace.headers["location"] == f"/login?next=/congress/drafts/{city.enacted}"

    sign_in(client, "staff_a")
    for path in (
        "/congress",
        "/congress/figures.csv",
        "/congress/drafts",
        f"/congress/drafts/{city.enacted}",
    ):
        refused = client.get(path)
        assert refused.status_code == 403, path
        assert refused.headers["content-type"].startswith("text/html")
        assert "您无权打开此页面" in refused.text


def test_the_diff_keeps_both_texts_and_marks_characters() -> None:
    segments = diff_text("处理个人信息可以遵循合法原则。", "处理个人信息应当遵循合法、正当原则。")

    kept = "".join(s.text for s in segments if s.kind is not Change.INSERT)
    made = "".join(s.text for s in segments if s.kind is not Change.DELETE)
    assert kept == "处理个人信息可以遵循合法原则。"
    assert made == "处理个人信息应当遵循合法、正当原则。"
    assert [s.text for s in segments if s.kind is Change.DELETE] == ["可以"]
    assert [s.text for s in segments if s.kind is Change.INSERT] == ["应当", "、正当"]
    assert all(a.kind is not b.kind for a, b in zip(segments, segments[1:], strict=False))
    assert diff_text("同", "同") == [Segment(Change.EQUAL, "同")]


def test_the_trace_follows_each_suggestion_to_the_marked_up_final_text(
    client: TestClient, city: City
) -> None:
    sign_in(client, "congress")

    page = client.get(f"/congress/drafts/{city.enacted}")

    assert page.status_code == 200
    body = page.text
    assert re.search(r"<del><span class=\"vh\">〔删除：</span>可以<span", body)
    assert re.search(r"<ins><span class=\"vh\">〔新增：</span>应当<span", body)
    assert '<del><span class="vh">〔删除：</span>公布之<span' in body  # 公布之日 → 2021年11月1日
    assert '<ins><span class="vh">〔新增：</span>2021年11月1<span' in body
    assert "有修改：新增" in body and "通过稿未作修改。" in body
    assert "经整理：" + city.words["adopted"][:10] in body  # the rewording, beside…
    assert city.words["adopted"] in body  # …the words as first given
    assert city.words["duplicate"] in body and "合并到此条的相似意见：1条" in body
    assert "2021-03-05报送人大" in body
    assert "部分采纳" in body


def test_the_trace_can_be_narrowed_to_one_contact_point(client: TestClient, city: City) -> None:
    sign_in(client, "congress")

    narrowed = client.get(f"/congress/drafts/{city.enacted}?contact_point={city.cp_b}").text
    wrong = client.get(f"/congress/drafts/{city.enacted}?contact_point=nowhere")

    assert city.words["not_adopted"] in narrowed and city.words["adopted"] not in narrowed
    assert wrong.status_code == 422 and 'id="contact_point-error"' in wrong.text


def test_words_that_look_like_markup_are_shown_not_run(client: TestClient, city: City) -> None:
    sign_in(client, "congress")

    trace = client.get(f"/congress/drafts/{city.enacted}").text
    wall = client.get(f"/drafts/{city.enacted}/wall").text

    for page in (trace, wall):
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
        assert "<script" not in page and "<img" not in page


def test_the_wall_shows_only_adopted_words_and_nothing_personal(
    client: TestClient, city: City
) -> None:
    page = client.get(f"/drafts/{city.enacted}/wall")  # no sign-in: the wall is public

    assert page.status_code == 200
    body = page.text
    assert "我们问" in body and "您来说" in body and "我们改" in body
    assert "经整理：" + city.words["adopted"] in body
    assert city.words["public"] in body
    assert city.words["partial"][:8] in body and "部分采纳" in body
    for absent in ("not_adopted", "rejected", "duplicate"):
        assert city.words[absent] not in body, absent
    assert "王秀英" not in body and "13812345678" not in body and "138****5678" not in body
    assert city.words["receipt"] not in body
    assert "<ins>" in body and "〔新增：" in body
    assert "有3条被采纳或部分采纳" in body


def test_only_an_enacted_draft_has_a_wall_and_its_page_links_to_it(
    client: TestClient, city: City
) -> None:
    assert client.get(f"/drafts/{city.open_draft}/wall").status_code == 404
    assert f'href="/drafts/{city.enacted}/wall"' in client.get(f"/drafts/{city.enacted}").text
    assert "/wall" not in client.get(f"/drafts/{city.open_draft}").text
    receipt = client.get(f"/receipts/{city.words['receipt']}").text
    assert f'href="/drafts/{city.enacted}/wall"' in receipt


def test_the_drafts_list_leads_to_every_trace(client: TestClient, city: City) -> None:
    sign_in(client, "congress")

    page = client.get("/congress/drafts").text

    assert f'href="/congress/drafts/{city.enacted.hex}"' in page
    assert f'href="/congress/drafts/{city.open_draft.hex}"' in page
    assert client.get(f"/congress/drafts/{city.open_draft}").status_code == 200
    assert client.get(f"/congress/drafts/{UUID(int=1)}").status_code == 404
