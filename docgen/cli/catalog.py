"""click's own strings in Chinese: the bundled zh_CN gettext catalog and its installation.

click marks every message it prints with ``gettext.gettext`` (``from gettext import gettext as
_`` in its modules), which looks the text up in the *global* gettext domain, in the language the
environment names. ``install_catalog()`` binds that global domain to our catalog and names zh_CN,
so click's usage lines, help extras (``[必填]``, ``[默认：…]``) and error messages come out in
Chinese whatever the user's locale is. It runs when ``docgen.cli.options`` is imported, before any
command builds its click types (``click.Path`` names itself through gettext when constructed).

The catalog lives in ``docgen/data/locale/zh_CN/LC_MESSAGES/docgen.po`` with its compiled
``docgen.mo`` beside it. After editing the .po, regenerate the .mo with
``python -m docgen.cli.catalog``; a test checks that the two agree and that the .po covers every
string the installed click marks for translation.
"""

from __future__ import annotations

import ast
import gettext
import os
import struct
from pathlib import Path

DOMAIN = "docgen"
LANGUAGE = "zh_CN"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "data" / "locale"
PO_FILE = LOCALE_DIR / LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def install_catalog() -> None:
    """Make ``gettext.gettext`` (what click calls) answer from the zh_CN catalog."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    # gettext picks the language from LANGUAGE first; the program speaks only Chinese.
    os.environ["LANGUAGE"] = LANGUAGE


# --- .po → .mo ------------------------------------------------------------------------------------

Key = str  # msgid, or "msgid\0msgid_plural" for plural entries (the .mo convention)


def read_po(text: str) -> dict[Key, str]:
    """The entries of a .po file: key → translation (plural forms joined by NUL, as in a .mo).

    Handles what our catalog uses: comments, ``msgid``/``msgid_plural``/``msgstr``/``msgstr[n]``
    with continuation lines. Untranslated entries (empty msgstr) are left out, as msgfmt does.
    """
    entries: dict[Key, str] = {}
    fields: dict[str, str] = {}
    current: str | None = None

    def flush() -> None:
        if "msgid" not in fields:
            return
        key = fields["msgid"]
        if "msgid_plural" in fields:
            key += "\0" + fields["msgid_plural"]
            forms = sorted(k for k in fields if k.startswith("msgstr["))
            value = "\0".join(fields[k] for k in forms)
        else:
            value = fields.get("msgstr", "")
        if value.strip("\0"):
            entries[key] = value

    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line and fields:
                flush()
                fields, current = {}, None
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"continuation line without a field: {raw!r}")
            fields[current] += ast.literal_eval(line)
            continue
        name, _, rest = line.partition(" ")
        if name == "msgid" and "msgid" in fields and current != "msgid":
            flush()
            fields = {}
        fields[name] = ast.literal_eval(rest.strip())
        current = name
    return entries


def compile_mo(entries: dict[Key, str]) -> bytes:
    """The GNU .mo bytes for ``entries`` (keys sorted, no hash table), as msgfmt writes them."""
    keys = sorted(entries, key=lambda k: k.encode("utf-8"))
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + 8 * len(keys)
    data_start = strs_table + 8 * len(keys)
    offsets: list[tuple[int, int]] = []
    blob = b""
    for chunk in (*ids, *strs):
        offsets.append((len(chunk), data_start + len(blob)))
        blob += chunk + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), ids_table, strs_table, 0, 0)
    table = b"".join(struct.pack("<2I", length, start) for length, start in offsets)
    return header + table + blob


def compiled_catalog() -> bytes:
    return compile_mo(read_po(PO_FILE.read_text("utf-8")))


def main() -> None:
    from docgen import atomic

    atomic.write_bytes(MO_FILE, compiled_catalog())
    print(f"{MO_FILE.name} regenerated from {PO_FILE.name}")


if __name__ == "__main__":
    main()
