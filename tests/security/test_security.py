"""OWASP-style checks: headers, throttling, sessions, CSRF, reveals, erasure, audit, escaping."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from liaison.bootstrap import Liaison
from liaison.database import personal_keys
from liaison.rights import operator
from liaison.settings import Settings
from projections.statistics import figures
from tests.forms import csrf_of, log_in, sign_in
from web.app import create_app
from web.templating import environment

PASSWORD = "a-long-test-password"
TEXT = "第一条　为了保护个人信息，制定本法。\n第二条　自然人的个人信息受法律保护。"
XSS = '<script>alert("x")</script>'


@pytest.fixture
def people(liaison: Liaison) -> dict[str, str]:
    a = liaison.app.designate_contact_point(
        "曹杨新村街道基层立法联系点", "普陀区", operator("admin")
    ).id
    b = liaison.app.designate_contact_point(
        "虹桥街道基层立法联系点", "长宁区", operator("admin")
    ).id
    liaison.users.add("admin", "admin", PASSWORD, None)
    liaison.users.add("congress", "congress", PASSWORD, None)
    liaison.users.add("staff_a", "staff", PASSWORD, a)
    liaison.users.add("staff_b", "staff", PASSWORD, b)
    return {"a": str(a), "b": str(b)}


def bearer(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/v1/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def open_draft(liaison: Liaison, title: str = "个人信息保护法（草案）") -> str:
    draft = liaison.app.receive_draft(
        title, "national", "法工委", date(2021, 3, 1), date(2021, 3, 31), TEXT, operator("admin")
    )
    liaison.app.open_draft(draft.id, operator("admin"))
    return str(draft.id)


# -- headers ------


@pytest.mark.parametrize(
    "path",
    ["/", "/login", "/receipts", "/receipts/LX-22222-22222", "/nowhere", "/api/v1/public/drafts"],
)
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    answer = client.get(path)
    csp = answer.headers["content-security-policy"]

    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert (
        "default-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "script-src 'self'" in csp
    )
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in answer.headers  # plain HTTP: HSTS would be ignored


def test_hsts_is_sent_over_https(liaison: Liaison) -> None:
    with TestClient(create_app(liaison=liaison), base_url="https://testserver") as client:
        assert "max-age=" in client.get("/").headers["strict-transport-security"]


def test_pages_have_no_inline_scripts_or_styles(
    client: TestClient, liaison: Liaison, people: dict[str, str]
) -> None:
    draft_id = open_draft(liaison)
    for path in ("/", f"/drafts/{draft_id}", "/login", "/receipts"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html and "<style" not in html, path


def test_every_template_escapes_whatever_its_name() -> None:
    assert environment.autoescape is True
    assert (
        environment.from_string("{{ x }}").render(x=XSS)
        == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    )


def test_interactive_api_docs_are_served_from_the_site_itself(client: TestClient) -> None:
    page = client.get("/docs")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)

    assert page.status_code == 200
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # no inline script: CSP
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    assert all(client.get(s).status_code == 200 for s in sources)
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/redoc").status_code == 404


# -- sign-in throttling and no enumeration -------------------------------------------------------


class StoppedClock:
    """The sign-in throttle's clock, moved on by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def stopped_clock(liaison: Liaison) -> StoppedClock:
    clock = StoppedClock()
    liaison.sign_ins.clock = clock
    liaison.sign_ins.addresses.clock = clock
    return clock


def token_from(
    liaison: Liaison, address: str, username: str, password: str
) -> tuple[int, str | None]:
    """(status, Retry-After) of a sign-in through the API from ``address``."""
    with TestClient(create_app(liaison=liaison), client=(address, 40000)) as client:
        answer = client.post("/api/v1/token", data={"username": username, "password": password})
    return answer.status_code, answer.headers.get("retry-after")


def test_an_attacker_s_failures_do_not_stop_the_owner_signing_in_from_elsewhere(
    liaison: Liaison, people: dict[str, str], stopped_clock: StoppedClock
) -> None:
    # given: an attacker guessing admin's password 30 times from one address
    with TestClient(create_app(liaison=liaison), client=("127.0.0.1", 40000)) as attacker:
        answers = [
            attacker.post(
                "/api/v1/token", data={"username": "admin", "password": f"guess {n}"}
            ).status_code
            for n in range(30)
        ]
    assert answers.count(401) == liaison.settings.sign_in_failures
    assert set(answers[liaison.settings.sign_in_failures :]) == {429}

    # when / then: the owner signs in from another address, by the API and by the page
    assert token_from(liaison, "127.0.0.2", "admin", PASSWORD)[0] == 200
    with TestClient(create_app(liaison=liaison), client=("127.0.0.2", 40000)) as owner:
        sign_in(owner, "admin")
    # while the attacker's address still waits, even with the right password
    assert token_from(liaison, "127.0.0.1", "admin", PASSWORD)[0] == 429


def test_failures_from_one_address_wait_longer_and_longer(
    liaison: Liaison, people: dict[str, str], stopped_clock: StoppedClock
) -> None:
    free = liaison.settings.sign_in_failures
    for _ in range(free):
        assert token_from(liaison, "10.0.0.9", "staff_a", "wrong password")[0] == 401

    waits = []
    for _ in range(3):
        status, retry_after = token_from(liaison, "10.0.0.9", "staff_a", "wrong password")
        assert status == 429 and retry_after is not None
        waits.append(int(retry_after))
        stopped_clock.now += int(retry_after)
        assert token_from(liaison, "10.0.0.9", "staff_a", "wrong password")[0] == 401

    assert waits == [1, 2, 4]
    outcomes = [
        e["outcome"] for e in liaison.audit.recent(action="sign_in") if e["actor"] == "staff_a"
    ]
    assert outcomes.count("failed") == free + 3 and outcomes.count("throttled") == 3


def test_a_run_of_failures_is_forgotten_after_a_quarter_hour_and_after_a_sign_in(
    liaison: Liaison, people: dict[str, str], stopped_clock: StoppedClock
) -> None:
    free = liaison.settings.sign_in_failures
    for _ in range(free):
        token_from(liaison, "10.0.0.9", "staff_a", "wrong password")
    assert token_from(liaison, "10.0.0.9", "staff_a", PASSWORD)[0] == 429

    stopped_clock.now += 15 * 60
    assert token_from(liaison, "10.0.0.9", "staff_a", PASSWORD)[0] == 200
    for _ in range(free - 1):  # the sign-in cleared the pair's run: these are free again
        assert token_from(liaison, "10.0.0.9", "staff_a", "wrong password")[0] == 401
    assert token_from(liaison, "10.0.0.9", "staff_a", PASSWORD)[0] == 200


def test_failed_sign_ins_are_throttled_per_address(
    client: TestClient, people: dict[str, str], liaison: Liaison
) -> None:
    for attempt in range(4 * liaison.settings.sign_in_failures):
        client.post(
            "/api/v1/token", data={"username": f"guess{attempt}", "password": "wrong password"}
        )

    assert (
        client.post("/api/v1/token", data={"username": "admin", "password": PASSWORD}).status_code
        == 429
    )


def test_a_wrong_password_and_an_unknown_user_read_the_same(
    client: TestClient, people: dict[str, str]
) -> None:
    wrong = client.post("/api/v1/token", data={"username": "admin", "password": "not the password"})
    unknown = client.post(
        "/api/v1/token", data={"username": "nobody", "password": "not the password"}
    )

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


# -- page sessions and CSRF ------


def test_a_page_session_cookie_is_opaque_httponly_and_lax(
    client: TestClient, people: dict[str, str]
) -> None:
    answer = log_in(client, "congress")
    cookie = next(
        h for h in answer.headers.get_list("set-cookie") if h.startswith("liaison_session=")
    )

    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "congress" not in cookie.split(";")[0]


def test_over_https_the_cookie_is_secure_and_host_prefixed(
    liaison: Liaison, people: dict[str, str]
) -> None:
    with TestClient(create_app(liaison=liaison), base_url="https://testserver") as client:
        answer = log_in(client, "congress")
    cookie = next(
        h for h in answer.headers.get_list("set-cookie") if h.startswith("__Host-liaison=")
    )
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


def test_a_cookie_replayed_after_sign_out_is_worthless(
    client: TestClient, people: dict[str, str], liaison: Liaison
) -> None:
    sign_in(client, "congress")
    stolen = client.cookies.get("liaison_session")
    page = client.get("/").text
    assert "congress" in page

    client.post("/logout", data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    client.cookies.set("liaison_session", stolen)
    replayed = client.get("/").text

    assert liaison.sessions.find(stolen) is None
    assert "congress" not in replayed and "/login" in replayed


def test_an_expired_session_is_ended(liaison: Liaison, people: dict[str, str]) -> None:
    user = liaison.users.get("congress")
    assert user is not None
    token = liaison.sessions.start(user)
    liaison.sessions.lifetime = liaison.sessions.lifetime * 0 - liaison.sessions.lifetime
    expired = liaison.sessions.start(user)

    assert liaison.sessions.find(token) is not None
    assert liaison.sessions.find(expired) is None


@pytest.mark.parametrize("given", [None, "forged-token-value-that-is-long-enough"])
def test_a_form_post_without_the_right_csrf_token_is_refused(
    client: TestClient, liaison: Liaison, people: dict[str, str], given: str | None
) -> None:
    draft_id = open_draft(liaison)
    client.get(f"/drafts/{draft_id}")  # the visitor has a CSRF cookie, but the form lacks it
    events = liaison.app.recorder.max_notification_id()
    form = {"contact_point_id": people["a"], "content": "伪造的提交"} | (
        {"csrf_token": given} if given else {}
    )

    comment = client.post(f"/drafts/{draft_id}/comments", data=form)
    login = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD} | ({"csrf_token": given} if given else {}),
    )

    assert comment.status_code == 403 and login.status_code == 403
    assert liaison.app.recorder.max_notification_id() == events


def test_a_sign_in_never_redirects_to_another_site(
    client: TestClient, people: dict[str, str]
) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={
            "username": "congress",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"].startswith("/")
    assert not answer.headers["location"].startswith("//")


# -- abuse limits on comments ------


def test_anonymous_comments_are_limited_per_address(
    tmp_path: Path, liaison: Liaison, people: dict[str, str]
) -> None:
    draft_id = open_draft(liaison)
    liaison.settings = liaison.settings.model_copy(update={"comments_per_minute": 3})
    with TestClient(create_app(liaison=liaison)) as client:
        answers = [
            client.post(
                f"/api/v1/public/drafts/{draft_id}/comments",
                json={"contact_point_id": people["a"], "content": f"意见{i}"},
            )
            for i in range(5)
        ]

    assert [a.status_code for a in answers] == [201, 201, 201, 429, 429]
    assert int(answers[3].headers["retry-after"]) > 0
    with liaison.engine.connect() as conn:
        assert figures(conn).suggestions["received"] == 3


# -- reveals, erasure and the audit ------


def register(client: TestClient, people: dict[str, str]) -> dict[str, str]:
    answer = client.post(
        "/api/v1/participants",
        json={
            "contact_point_id": people["a"],
            "name": "王秀英",
            "kind": "resident",
            "neighbourhood": "曹杨一村",
            "phone": "13812345678",
        },
        headers=bearer(client, "staff_a"),
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_phones_are_masked_and_a_reveal_is_audited(
    client: TestClient, people: dict[str, str], liaison: Liaison
) -> None:
    person = register(client, people)
    url = f"/api/v1/participants/{person['id']}"

    shown = client.get(url, headers=bearer(client, "staff_a")).json()
    revealed = client.post(f"{url}/reveal", headers=bearer(client, "staff_a"))
    elsewhere = client.post(f"{url}/reveal", headers=bearer(client, "staff_b"))
    congress = client.post(f"{url}/reveal", headers=bearer(client, "congress"))

    assert shown["phone"] == "138****5678"
    assert revealed.json() == {"phone": "13812345678"}
    assert elsewhere.status_code == 404 and "1381234" not in elsewhere.text
    assert congress.status_code == 403
    entries = liaison.audit.recent()
    assert any(e["action"] == "reveal_phone" and e["actor"] == "staff_a" for e in entries)
    assert sum(e["action"] == "denied" for e in entries) >= 2
    assert not any("13812345678" in str(e) or "王秀英" in str(e) for e in entries)


def test_the_audit_is_for_admin_only(client: TestClient, people: dict[str, str]) -> None:
    assert client.get("/api/v1/audit", headers=bearer(client, "congress")).status_code == 403
    entries = client.get("/api/v1/audit", headers=bearer(client, "admin")).json()
    assert {"sign_in"} <= {e["action"] for e in entries}


def database_files(settings: Settings) -> list[Path]:
    main = Path(settings.database_url.removeprefix("sqlite:///"))
    return [
        p
        for p in (main, Path(f"{main}-wal"), Path(f"{main}-shm"), Path(f"{main}-journal"))
        if p.exists()
    ]


def test_erasure_leaves_nothing_readable_and_every_figure_unchanged(
    client: TestClient, people: dict[str, str], liaison: Liaison, settings: Settings
) -> None:
    if not settings.is_sqlite:
        pytest.skip("greps the SQLite files' bytes")
    # given a participant who attended and spoke, and whose suggestion went upward
    person = register(client, people)
    staff = bearer(client, "staff_a")
    draft_id = open_draft(liaison)
    suggestion = client.post(
        "/api/v1/suggestions",
        json={
            "contact_point_id": people["a"],
            "draft_id": draft_id,
            "content": "建议保留线下渠道",
            "channel": "letter",
            "participant_id": person["id"],
        },
        headers=staff,
    ).json()
    with liaison.engine.connect() as conn:
        key = conn.execute(
            select(personal_keys.c.key).where(
                personal_keys.c.subject_id == person["id"].replace("-", "")
            )
        ).scalar_one()
        before = figures(conn)
    secrets = ["王秀英".encode(), "曹杨一村".encode(), b"13812345678", key]
    assert any(key in path.read_bytes() for path in database_files(settings))  # the grep can see

    # when the participant is erased
    assert client.delete(f"/api/v1/participants/{person['id']}", headers=staff).status_code == 204

    # then no file of the database holds the name, the phone or the key any more
    for path in database_files(settings):
        content = path.read_bytes()
        assert [s for s in secrets if s in content] == [], path.name
    # every figure is the same, the events still replay, the suggestion stays, attributed
    with liaison.engine.connect() as conn:
        assert figures(conn) == before
    liaison.projector.rebuild()
    with liaison.engine.connect() as conn:
        assert figures(conn) == before
    assert liaison.chain.verify().ok
    erased = client.get(f"/api/v1/participants/{person['id']}", headers=staff).json()
    assert erased["erased"] and erased["name"] is None and erased["phone"] is None
    kept = client.get(f"/api/v1/suggestions/{suggestion['id']}", headers=staff).json()
    assert kept["participant_id"] == person["id"]
    assert any(e["action"] == "erase" for e in liaison.audit.recent())


# -- escaping ------


def test_scripts_in_titles_and_codes_are_shown_as_text(
    client: TestClient, liaison: Liaison, people: dict[str, str]
) -> None:
    draft_id = open_draft(liaison, title=f"草案{XSS}")
    pages = [
        client.get("/").text,
        client.get(f"/drafts/{draft_id}").text,
        client.get(f"/receipts/{XSS}").text,
    ]

    for html in pages:
        assert XSS not in html
    assert "&lt;script&gt;" in pages[0] and "&lt;script&gt;" in pages[1]


def test_a_guessed_receipt_code_tells_nothing(
    client: TestClient, liaison: Liaison, people: dict[str, str]
) -> None:
    draft_id = open_draft(liaison)
    real = client.post(
        f"/api/v1/public/drafts/{draft_id}/comments",
        json={"contact_point_id": people["a"], "content": "意见"},
    ).json()["receipt"]
    guess = real[:-1] + ("2" if real[-1] != "2" else "3")

    assert client.get(f"/api/v1/public/receipts/{guess}").status_code == 404
    assert client.get(f"/api/v1/public/receipts/{real}").status_code == 200
