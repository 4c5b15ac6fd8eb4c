"""The gettext catalogs outside a web request: files the CLI writes (the assessment's headers) are in
the UI's language (GISAPP_LANGUAGE), through the same catalogs the pages use."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

CATALOGS = Path(__file__).resolve().parent.parent / "translations"
BABEL_NAMES = {"zh_CN": "zh_Hans_CN", "en": "en"}   # the setting's names → Babel's folder names


@lru_cache(maxsize=4)
def _catalog(language: str) -> NullTranslations:
    return Translations.load(str(CATALOGS), [BABEL_NAMES.get(language, language)])


def translator(language: str) -> Callable[[str], str]:
    """gettext for `language` (zh_CN or en); a msgid without a translation stays as it is."""
    return _catalog(language).gettext
