"""Every UI string has a zh_CN translation, and the catalogs match the code."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "lazy_gettext": None,
            "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}


def ui_strings() -> set[str]:
    """What babel.cfg sends to the catalogs: the dashboard, the big-screen tiles, the layer files."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = []
    for sub in ("gisapp",):
        found += extract_from_dir(str(ROOT / sub), [(f"{p.split('/', 1)[1]}" if p.startswith(sub + "/") else p, m)
                                                    for p, m in method_map if p.startswith(sub + "/")],
                                  options_map, keywords=KEYWORDS)
    return {key(msg, ctx) for _file, _line, msg, _comments, ctx in found}


def key(msgid, context) -> str:
    """A catalog entry's key: its msgid (the singular of a plural), behind its context if it has one."""
    text = msgid if isinstance(msgid, str) else msgid[0]
    return f"{context}\x04{text}" if context else text


def catalog(lang: str):
    path = ROOT / "gisapp" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        return read_po(f)


def test_every_ui_string_is_translated_to_chinese():
    zh = {key(m.id, m.context): m for m in catalog("zh_Hans_CN") if m.id}
    missing = sorted(s for s in ui_strings() if not (s in zh and zh[s].string and all(zh[s].string)))
    assert missing == []


def test_catalogs_hold_no_strings_the_code_dropped():
    assert sorted({key(m.id, m.context) for m in catalog("zh_Hans_CN") if m.id} - ui_strings()) == []
    assert {key(m.id, m.context) for m in catalog("en") if m.id} == ui_strings()


def test_catalogs_are_not_fuzzy_so_pybabel_compiles_them():
    for lang in ("zh_Hans_CN", "en"):
        assert not catalog(lang).fuzzy, f"{lang}: a fuzzy catalog is skipped by `pybabel compile`"


def test_the_english_catalog_holds_no_chinese():
    leaked = [m.id for m in catalog("en") if m.id and any("\u4e00" <= ch <= "\u9fff" for ch in m.string)]
    assert leaked == []


def test_every_translation_names_the_placeholders_of_its_msgid():
    """A Chinese text that drops or renames a %(name)s would fail at run time, inside a refusal."""
    import re
    names = re.compile(r"%\((\w+)\)")
    bad = []
    for m in catalog("zh_Hans_CN"):
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(names.findall(ids[-1]))
        bad += [(ids[0], s) for s in strings if s and set(names.findall(s)) != wanted]
    assert bad == []
