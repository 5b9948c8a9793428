"""Split a reply into the hidden reasoning a family asked for and the part the user sees."""

from __future__ import annotations

import re


def split_reply(text: str, tag: str) -> tuple[str | None, str]:
    """(the hidden reasoning inside <tag>, or None without one; the visible reply after it, or inside
    <OUTPUT>). An unclosed reasoning block leaves nothing visible."""
    block = re.search(rf"<{tag}>(.*?)(?:</{tag}>|$)", text, re.S | re.I)
    reasoning, visible = (block.group(1).strip(), text[block.end():]) if block else (None, text)
    output = re.search(r"<OUTPUT>(.*?)(?:</OUTPUT>|$)", visible, re.S | re.I)
    return reasoning, (output.group(1) if output else visible).strip()
