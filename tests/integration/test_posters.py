"""Posters for notice boards: the QR code, as served, opens the draft with the point chosen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from uuid import UUID, uuid4

import pytest
import zxingcpp
from fastapi.testclient import TestClient

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.records import CAOYANG, HONGQIAO, draft_received
from web.app import create_app

ADMIN = operator("admin")
SCALE = 4  # pixels per module
QUIET = 4  # modules of white around the code (segno draws its own border too)


@pytest.fixture
def client(liaison: Liaison) -> Iterator[TestClient]:
    with TestClient(create_app(liaison=liaison)) as client:
        yield client


@pytest.fixture
def town(liaison: Liaison) -> dict[str, UUID]:
    app = liaison.app
    caoyang = app.designate_contact_point(*CAOYANG, ADMIN).id
    hongqiao = app.designate_contact_point(*HONGQIAO, ADMIN).id
    draft = draft_received(app, title="物业管理条例（草案）", deadline=date(2021, 4, 30))
    asked_one = app.receive_draft(
        "电梯安全条例（草案）",
        "municipal",
        "市人大",
        date(2021, 3, 1),
        date(2021, 4, 30),
        "第一条　为了保障电梯安全，制定本条例。",
        ADMIN,
        contact_point_ids=[caoyang],
    ).id
    return {"caoyang": caoyang, "hongqiao": hongqiao, "draft": draft, "asked_one": asked_one}


def decoded(svg: str) -> str:
    """The text of the QR code an SVG draws, read by zxing-cpp from the SVG's own path: each
    ``h`` of segno's path is a run of dark modules on the row its ``M``/``m`` moved to."""
    width, height = (int(n) for n in re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    modules = [[False] * width for _ in range(height)]
    x = y = 0.0
    for command, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            run = float(a) if command == "h" else float(a) - x
            for column in range(int(x), int(x + run)):
                modules[int(y)][column] = True
            x += run
    side = (width + 2 * QUIET) * SCALE
    pixels = bytearray(b"\xff" * side * (height + 2 * QUIET) * SCALE)
    for row, line in enumerate(modules):
        for column, dark in enumerate(line):
            if dark:
                for dy in range(SCALE):
                    start = ((row + QUIET) * SCALE + dy) * side + (column + QUIET) * SCALE
                    pixels[start : start + SCALE] = b"\x00" * SCALE
    grey = bytes(pixels)  # held here: the view does not keep its buffer alive
    image = zxingcpp.ImageView(grey, side, (height + 2 * QUIET) * SCALE, zxingcpp.ImageFormat.Lum)
    [code] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return code.text


def test_the_qr_code_opens_the_draft_with_the_contact_point_chosen(
    client: TestClient, town: dict[str, UUID]
) -> None:
    draft, point = town["draft"], town["caoyang"]

    answer = client.get(f"/drafts/{draft}/qr.svg", params={"contact_point_id": str(point)})

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    address = decoded(answer.text)
    assert address == f"http://testserver/drafts/{draft}?contact_point_id={point}"
    page = client.get(address)
    assert page.status_code == 200
    chosen = re.search(r'<option value="([0-9a-f]+)"[^>]*selected', page.text)
    assert chosen is not None and chosen.group(1) == point.hex


def test_the_poster_shows_the_draft_its_deadline_the_point_and_the_code_inline(
    client: TestClient, town: dict[str, UUID]
) -> None:
    draft, point = town["draft"], town["caoyang"]

    page = client.get(f"/drafts/{draft}/poster", params={"contact_point_id": str(point)})

    assert page.status_code == 200
    assert "物业管理条例（草案）" in page.text
    assert "2021-04-30" in page.text
    assert CAOYANG[0] in page.text and CAOYANG[1] in page.text
    svg = re.search(r"<svg .*?</svg>", page.text, re.S)
    assert svg is not None
    assert decoded(svg.group(0)) == f"http://testserver/drafts/{draft}?contact_point_id={point}"


def test_the_code_follows_the_address_the_site_was_reached_at(
    liaison: Liaison, town: dict[str, UUID]
) -> None:
    with TestClient(create_app(liaison=liaison), base_url="https://lxd.example.cn") as client:
        answer = client.get(
            f"/drafts/{town['draft']}/qr.svg", params={"contact_point_id": str(town["caoyang"])}
        )
    assert decoded(answer.text).startswith("https://lxd.example.cn/drafts/")


@pytest.mark.parametrize("which", ["unknown draft", "unknown point", "point not asked"])
@pytest.mark.parametrize("what", ["poster", "qr.svg"])
def test_no_poster_for_what_does_not_exist_or_was_not_asked(
    client: TestClient, town: dict[str, UUID], which: str, what: str
) -> None:
    draft, point = {
        "unknown draft": (uuid4(), town["caoyang"]),
        "unknown point": (town["draft"], uuid4()),
        "point not asked": (town["asked_one"], town["hongqiao"]),
    }[which]

    answer = client.get(f"/drafts/{draft}/{what}", params={"contact_point_id": str(point)})

    assert answer.status_code == 404
    assert "<svg" not in answer.text


def test_a_point_asked_gets_its_poster_of_a_draft_asked_of_few(
    client: TestClient, town: dict[str, UUID]
) -> None:
    answer = client.get(
        f"/drafts/{town['asked_one']}/poster", params={"contact_point_id": str(town["caoyang"])}
    )
    assert answer.status_code == 200
    assert "电梯安全条例（草案）" in answer.text
