"""Receipt codes: the shape residents read aloud, every symbol in every place."""

from __future__ import annotations

import re

from liaison.receipts import ALPHABET, new_code, normalised


def test_a_code_is_two_groups_of_five_symbols_of_the_alphabet() -> None:
    for _ in range(200):
        code = new_code()
        assert re.fullmatch(f"LX-[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}", code)
        assert normalised(code.lower().replace("-", " ")) == code


def test_every_symbol_turns_up_in_every_place() -> None:
    # 3,000 codes: a symbol missing from a place by chance has odds of (30/31)^3000, about 1e-43
    places = [set() for _ in range(10)]
    for _ in range(3000):
        symbols = new_code().removeprefix("LX-").replace("-", "")
        for place, symbol in zip(places, symbols, strict=True):
            place.add(symbol)
    assert all(place == set(ALPHABET) for place in places)
