"""The Chinese catalogs follow the glossary (locale/zh_CN/glossary.tsv), read from the file itself.

* In each page's catalog, taken in page order, the first message whose English names a term
  uses the term's first-use form, and every later one its later form (and not the first form
  again, where the two differ), except where the English spells the term out again: then the
  Chinese does too, with the first-use form.
* No message whose English names a term uses one of the term's avoided variants.
* The library's catalog (figures, tables, command line) and the API reference hold short,
  standalone messages: each uses either form, and no avoided variant.
* Chinese text uses full-width punctuation: no ASCII comma, semicolon or colon between two
  Chinese characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale" / "zh_CN"
CATALOGS = sorted((LOCALE / "LC_MESSAGES").glob("*.po"))
#: Catalogs of standalone messages, not pages read in order.
STANDALONE = {"lossnotes.po", "api.po"}
#: The translator's guide discusses the terms themselves (and the variants to avoid).
EXEMPT = {"translating.po"}
HAN = r"[\u4e00-\u9fff]"


@dataclass(frozen=True)
class Term:
    key: str
    english: re.Pattern
    spelled: re.Pattern | None
    first: str
    later: str
    avoid: tuple[str, ...]
    whole_message: bool


def _pattern(english: str) -> tuple[re.Pattern, re.Pattern | None, bool]:
    """The English term in a msgid; the term spelled out (if it has an abbreviation)."""
    if english.startswith("verdict: "):
        return re.compile(rf"^{re.escape(english.removeprefix('verdict: '))}$"), None, True
    words, _, abbreviation = english.partition(" (")
    spelled = "(?i:" + r"[- ]".join(re.escape(w) for w in words.split()) + ")"
    alternatives = [spelled]
    if abbreviation:
        alternatives.append(re.escape(abbreviation.rstrip(")")))
    pattern = re.compile(r"\b(?:" + "|".join(alternatives) + r")s?\b")
    return pattern, (re.compile(rf"\b{spelled}s?\b") if abbreviation else None), False


def read_terms(path: Path = LOCALE / "glossary.tsv") -> list[Term]:
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if not line.strip() or line.startswith("#") or len(fields) < 5:
            continue  # comments, and the punctuation rows
        key, english, first, later, avoid = fields
        pattern, spelled, whole = _pattern(english)
        avoided = () if avoid == "-" else tuple(avoid.split("、"))
        terms.append(Term(key, pattern, spelled, first, later, avoided, whole))
    return terms


TERMS = read_terms()


def _prose(text: str) -> str:
    """Drop what is copied, not translated: math, code, roles with their targets, glued values."""
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.S)
    text = re.sub(r"``.*?``|`[^`]*`", " ", text)
    text = re.sub(r"\{[a-z:-]+\}|:[a-z:]+:", " ", text)
    return re.sub(r"<[^>]*>|https?://\S+", " ", text)


def _messages(path: Path):
    with path.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id or not message.string or not isinstance(message.id, str):
            continue
        line = min((n for _, n in message.locations if n is not None), default=0)
        found.append((line, message))
    return [message for _, message in sorted(found, key=lambda item: item[0])]


def glossary_problems(path: Path, terms: list[Term] = TERMS) -> list[str]:
    """Every breach of the glossary in one catalog, as readable lines."""
    problems = []
    seen: set[str] = set()
    standalone = path.name in STANDALONE
    for message in _messages(path):
        source, text = _prose(message.id), _prose(message.string)
        if message.id.strip() == message.string.strip():
            continue  # formulas, names, numbers: copied as they are
        where = f"{path.name}:{message.lineno}"
        for term in terms:
            if term.whole_message:
                if term.english.search(message.id.strip()):
                    if message.string.strip() != term.first:
                        problems.append(f"{where}: {term.key} must read {term.first!r}")
                continue
            if not term.english.search(source):
                continue
            if term.english.search(text) and not re.search("[A-Za-z]", term.later):
                continue  # the English kept on purpose: a quoted title or the note's own words
            for variant in term.avoid:
                if variant in text:
                    problems.append(f"{where}: {variant!r} is avoided; use {term.later!r}")
            if term.spelled is not None and term.spelled.search(source):
                seen.add(term.key)  # the English spells the term out: so does the Chinese
                if term.first not in text:
                    problems.append(f"{where}: {term.key} spelled out must be {term.first!r}")
                continue
            if standalone or term.first == term.later:
                if term.later not in text and term.first not in text:
                    problems.append(f"{where}: {term.key} expected as {term.later!r}")
                continue
            if term.key not in seen:
                seen.add(term.key)
                if term.first not in text:
                    problems.append(f"{where}: first use of {term.key} must be {term.first!r}")
            elif term.first in text:
                problems.append(f"{where}: after its first use {term.key} is {term.later!r}")
            elif term.later not in text:
                problems.append(f"{where}: {term.key} expected as {term.later!r}")
    return problems


def punctuation_problems(path: Path) -> list[str]:
    problems = []
    for message in _messages(path):
        text = _prose(message.string)
        for match in re.finditer(rf"{HAN}\s*[,;:]\s*{HAN}|{HAN}[,;]\s|\s[,;]\s*{HAN}", text):
            problems.append(f"{path.name}:{message.lineno}: ASCII punctuation in {match.group()!r}")
    return problems


CHECKED = [p for p in CATALOGS if p.name not in EXEMPT]


@pytest.mark.parametrize("path", CHECKED, ids=[p.name for p in CHECKED])
def test_catalog_follows_the_glossary(path):
    assert glossary_problems(path) == []


@pytest.mark.parametrize("path", CHECKED, ids=[p.name for p in CHECKED])
def test_chinese_text_uses_full_width_punctuation(path):
    assert punctuation_problems(path) == []


def test_glossary_rows_are_complete():
    keys = [t.key for t in TERMS]
    assert {"mse", "logit", "plateau", "verdict_partly"} <= set(keys)
    mse = next(t for t in TERMS if t.key == "mse")
    assert (mse.first, mse.later) == ("均方误差（MSE）", "MSE")
    logit = next(t for t in TERMS if t.key == "logit")
    assert logit.first == logit.later == "logit" and "对数几率" in logit.avoid


# -- The checks themselves catch what they should ---------------------------------------------


def _catalog(tmp_path: Path, name: str, pairs: list[tuple[str, str]]) -> Path:
    body = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for i, (msgid, msgstr) in enumerate(pairs, start=1):
        body += [f"#: docs/page.md:{i}", f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    path = tmp_path / name
    path.write_text("\n".join(body), encoding="utf-8")
    return path


def test_first_and_later_use_are_enforced(tmp_path):
    good = _catalog(
        tmp_path,
        "page.po",
        [
            ("MSE is bounded.", "均方误差（MSE）有界。"),
            ("The MSE gradient vanishes.", "MSE 的梯度消失了。"),
        ],
    )
    assert glossary_problems(good) == []
    no_first = _catalog(tmp_path, "page.po", [("MSE is bounded.", "MSE 有界。")])
    assert "first use of mse" in " ".join(glossary_problems(no_first))
    repeated = _catalog(
        tmp_path,
        "page.po",
        [("MSE is bounded.", "均方误差（MSE）有界。"), ("MSE again.", "均方误差（MSE）再次出现。")],
    )
    assert "after its first use" in " ".join(glossary_problems(repeated))


def test_avoided_variants_and_verdict_words_are_caught(tmp_path):
    path = _catalog(
        tmp_path,
        "lossnotes.po",
        [
            ("final logits: {logits}", "最终对数几率：{logits}"),
            ("the plateau", "高原"),
            ("partly true", "部分正确"),
        ],
    )
    found = " ".join(glossary_problems(path))
    assert "'对数几率' is avoided" in found and "'高原' is avoided" in found
    assert "verdict_partly must read '部分成立'" in found


def test_ascii_punctuation_in_chinese_is_caught(tmp_path):
    path = _catalog(tmp_path, "page.po", [("a; b", "上溢; 下溢"), ("a, b", "上溢，下溢")])
    problems = punctuation_problems(path)
    assert len(problems) == 1 and "溢; 下" in problems[0]
