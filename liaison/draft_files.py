"""The plain text of an uploaded draft: a Word file (.docx), or a .txt in UTF-8 or GB18030.

Government offices often save plain text in GB18030 (the superset of GBK and GB2312), so a
.txt that is not valid UTF-8 is read as GB18030; anything else, or bytes that are neither,
is refused by name (``InvalidValueError`` on the field ``file``: 422), never guessed at.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document

from domain.errors import InvalidValueError

MAX_UNPACKED = 50_000_000
"""Bytes a .docx may unpack to: a few megabytes of zip must not become gigabytes of XML."""
FIELD = "file"


def draft_text(filename: str, content: bytes) -> str:
    """The text of the file, one paragraph a line, with Windows line ends made plain."""
    name = filename.lower().strip()
    if not content:
        raise InvalidValueError(FIELD, "the file is empty")
    if name.endswith(".docx"):
        text = _docx_text(content)
    elif name.endswith(".txt"):
        text = _txt_text(content)
    else:
        raise InvalidValueError(FIELD, "only .docx and .txt files can be read")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InvalidValueError(FIELD, "the file holds no text")
    return text


def _txt_text(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # UTF-16 and binaries decode as GB18030 full of NULs
            return text
    raise InvalidValueError(FIELD, "the text is neither UTF-8 nor GB18030")


def _docx_text(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise InvalidValueError(FIELD, "the Word file unpacks to too much")
        document = Document(io.BytesIO(content))
    except InvalidValueError:
        raise
    except Exception as error:  # not a zip, not a Word document, a broken part
        raise InvalidValueError(FIELD, "not a readable .docx file") from error
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:  # drafts rarely have tables; keep their words anyway
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)
