"""The codebook: load ``data/codebook.yml``, check it against its schema, and render it.

Validation errors name the file and the code (and, for the overlaps, the line), so a typo in
the codebook stops the build with a message a researcher can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from comment_study.corpus import yamlfile

CODE_FIELDS = {"id", "label", "category", "origin", "definition", "include", "exclude", "examples", "memo", "revised"}
REQUIRED = ("id", "label", "category", "origin", "definition", "include", "exclude", "examples")
ORIGINS = {"a priori", "inductive"}
TONES = ("negative", "mixed_or_neutral", "positive")


class CodebookError(ValueError):
    """A codebook that does not meet the schema; the message names the file and the code."""


@dataclass(frozen=True)
class Code:
    """One code of the codebook."""

    id: str
    label: str
    category: str
    origin: str
    definition: str
    include: str
    exclude: str
    examples: tuple[int, ...]
    memo: str = ""
    revised: str = ""


@dataclass(frozen=True)
class Overlap:
    """Two codes whose rules send one and the same content to both: their co-occurrence is partly made by the rules."""

    codes: tuple[str, str]
    rule: str


@dataclass(frozen=True)
class Codebook:
    """The codes in their order, their categories, and the tone scale."""

    codes: tuple[Code, ...]
    categories: tuple[str, ...]
    tones: dict[str, str] = field(default_factory=dict)
    tone_definition: str = ""
    overlaps: tuple[Overlap, ...] = ()

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codes]

    def by_id(self, code_id: str) -> Code:
        return next(c for c in self.codes if c.id == code_id)

    def in_category(self, category: str) -> list[Code]:
        return [c for c in self.codes if c.category == category]

    @property
    def example_ids(self) -> frozenset[int]:
        """Every comment the codebook shows as an example: kept out of the reliability samples."""
        return frozenset(e for c in self.codes for e in c.examples)

    def overlap(self, first: str, second: str) -> Overlap | None:
        """The rule that makes ``first`` and ``second`` co-occur (in either order), or None."""
        pair = {first, second}
        return next((o for o in self.overlaps if set(o.codes) == pair), None)


def load(path: Path | str, comment_ids: set[int] | None = None) -> Codebook:
    """Read and validate a codebook; ``comment_ids`` lets examples be checked against the corpus."""
    try:
        raw = yamlfile.load(path)
    except yamlfile.DuplicateKeyError as err:
        raise CodebookError(str(err)) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark is not None else f"{path}"
        raise CodebookError(f"{where}: not valid YAML ({getattr(err, 'problem', None) or err})") from None
    if not isinstance(raw, dict) or "codes" not in raw:
        raise CodebookError(f"{path}: needs a top-level 'codes' list")
    categories = tuple(raw.get("categories", []))
    codes, seen = [], set()
    for position, entry in enumerate(raw["codes"], start=1):
        where = f"{path}: code {entry.get('id', f'#{position}')!r}"
        unknown = set(entry) - CODE_FIELDS
        if unknown:
            raise CodebookError(f"{where}: unknown field(s) {sorted(unknown)}")
        for name in REQUIRED:
            if name not in entry or (name != "examples" and not str(entry[name]).strip()):
                raise CodebookError(f"{where}: missing {name}")
        if entry["id"] in seen:
            raise CodebookError(f"{where}: duplicate id")
        seen.add(entry["id"])
        if not entry["id"].isidentifier() or entry["id"] != entry["id"].lower():
            raise CodebookError(f"{where}: id must be snake_case")
        if entry["category"] not in categories:
            raise CodebookError(f"{where}: category {entry['category']!r} is not one of {list(categories)}")
        if entry["origin"] not in ORIGINS:
            raise CodebookError(f"{where}: origin must be one of {sorted(ORIGINS)}")
        if entry["origin"] == "inductive" and not str(entry.get("memo", "")).strip():
            raise CodebookError(f"{where}: an inductive code needs a memo saying why it was added")
        examples = entry["examples"]
        if not isinstance(examples, list) or not all(isinstance(e, int) for e in examples):
            raise CodebookError(f"{where}: examples must be a list of comment ids")
        if comment_ids is not None:
            missing = [e for e in examples if e not in comment_ids]
            if missing:
                raise CodebookError(f"{where}: example comment(s) {missing} do not exist")
        codes.append(Code(**{**entry, "examples": tuple(examples)}))
    tone = raw.get("tone", {})
    values = tone.get("values", {})
    if tuple(values) != TONES:
        raise CodebookError(f"{path}: tone values must be {list(TONES)}")
    overlaps = _overlaps(path, raw.get("overlaps", []), [c.id for c in codes])
    return Codebook(tuple(codes), categories, dict(values), tone.get("definition", ""), overlaps)


def _item_lines(path: Path | str, key: str) -> list[int]:
    """The line (1-based) of each item of the top-level list ``key``, read from the YAML's node tree."""
    root = yaml.compose(Path(path).read_text(encoding="utf-8"))
    for name, value in getattr(root, "value", []):
        if name.value == key and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _overlaps(path: Path | str, raw: object, ids: list[str]) -> tuple[Overlap, ...]:
    """Check the ``overlaps`` list: two known, different codes per item, no pair twice, a rule given."""
    if not isinstance(raw, list):
        raise CodebookError(f"{path}: 'overlaps' must be a list of pairs of codes")
    lines = _item_lines(path, "overlaps")
    known, seen, out = set(ids), {}, []
    for position, item in enumerate(raw):
        at = f"line {lines[position]}" if position < len(lines) else f"overlap #{position + 1}"
        where = f"{path}, {at}"
        if not isinstance(item, dict) or set(item) != {"codes", "rule"}:
            raise CodebookError(f"{where}: an overlap needs exactly the fields 'codes' and 'rule'")
        pair = item["codes"]
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(c, str) for c in pair):
            raise CodebookError(f"{where}: an overlap's codes must be a list of two code ids, not {pair!r}")
        where += f": overlap {pair[0]} + {pair[1]}"
        unknown = [c for c in pair if c not in known]
        if unknown:
            raise CodebookError(f"{where}: unknown code(s) {unknown}")
        if pair[0] == pair[1]:
            raise CodebookError(f"{where}: a code cannot overlap itself")
        key = frozenset(pair)
        if key in seen:
            raise CodebookError(f"{where}: duplicate pair (already listed at {seen[key]})")
        seen[key] = at
        if not isinstance(item["rule"], str) or not item["rule"].strip():
            raise CodebookError(f"{where}: missing rule (say which rule makes the two codes co-occur)")
        out.append(Overlap((pair[0], pair[1]), " ".join(item["rule"].split())))
    return tuple(out)


def as_text(book: Codebook) -> str:
    """The codebook as plain text, for a coder working outside the book."""
    out = []
    for category in book.categories:
        out.append(f"== {category} ==")
        for code in book.in_category(category):
            out += [f"\n[{code.id}] {code.label}", f"Definition: {code.definition}",
                    f"Apply when: {code.include}", f"Do not apply when: {code.exclude}"]
        out.append("")
    out.append("== Tone (one per comment) ==")
    out.append(book.tone_definition)
    out += [f"- {name}: {text}" for name, text in book.tones.items()]
    return "\n".join(out)


def to_html(book: Codebook, counts: dict[str, int], total: int, examples: dict[str, str]) -> str:
    """The codebook as HTML cards, one per code, grouped by category, with why a code was added and how it was revised.

    ``counts`` gives how many comments carry each code (out of ``total``); ``examples``
    maps a code id to already-rendered, escaped HTML of its example comments.
    """
    import html

    def prose(text: str) -> str:
        """Escaped text with its `code ids` in backticks shown as inline code."""
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))

    parts = []
    for category in book.categories:
        parts.append(f'<h3 class="codebook-category">{html.escape(category)}</h3>')
        for code in book.in_category(category):
            share = counts.get(code.id, 0) / total if total else float("nan")
            memo = (f'<p><strong>Why it was added.</strong> {prose(code.memo)}</p>'
                    if code.memo else "")
            revised = (f'<p class="codebook-revised"><strong>Revised.</strong> {prose(code.revised)}</p>'
                       if code.revised else "")
            parts.append(
                f'<div class="codebook-code" id="code-{code.id}">'
                f'<p class="codebook-head"><code>{code.id}</code> <strong>{html.escape(code.label)}</strong>'
                f' <span class="codebook-origin">({html.escape(code.origin)})</span>'
                f' · {counts.get(code.id, 0)} of {total} comments ({share:.0%})</p>'
                f"<p><strong>Definition.</strong> {prose(code.definition)}</p>"
                f"<p><strong>Apply when.</strong> {prose(code.include)}</p>"
                f"<p><strong>Do not apply when.</strong> {prose(code.exclude)}</p>"
                f"{memo}{revised}{examples.get(code.id, '')}</div>"
            )
    return '<div class="codebook tex2jax_ignore mathjax_ignore">' + "".join(parts) + "</div>"
