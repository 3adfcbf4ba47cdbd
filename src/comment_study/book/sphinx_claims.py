"""A Sphinx extension that reports the chapters' broken claims (see :mod:`comment_study.book.claims`).

Each ``broken-claim`` block that a chapter's check prints becomes, in a strict build, one
warning line naming the chapter, the claim and the comments (``-W`` makes it an error: no
traceback), and, in a what-if build (``comment_study_claims = "mark"``), a visible box on the
page where the paragraph stands. Broken claims are remembered per page, so a no-change rebuild
that does not re-read the page still fails, and listed in ``broken-claims.json`` beside the HTML.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from comment_study.book.claims import DIRECTIVE, Claim

logger = logging.getLogger(__name__)
MODES = ("strict", "mark")
REPORT = "broken-claims.json"


def _claim(content: str) -> Claim:
    data = json.loads(content)
    return Claim(data["chapter"], data["text"], tuple(data["comments"]), False, data.get("error", ""))


def box_text(claim: Claim) -> str:
    """The words of the visible box."""
    about = ", ".join(map(str, claim.comments))
    where = f" about comment{'s' if len(claim.comments) > 1 else ''} {about}" if about else ""
    return (f"Under the edited coding, this paragraph's claim{where} no longer holds: "
            f"“{claim.text}”.")


class BrokenClaimDirective(SphinxDirective):
    """A broken claim: one warning line in a strict build, a visible box in a what-if build."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        claim = _claim("\n".join(self.content))
        store = getattr(self.env, "comment_study_broken_claims", {})
        store.setdefault(self.env.docname, []).append(claim)
        self.env.comment_study_broken_claims = store
        if self.config.comment_study_claims == "strict":
            logger.warning(claim.line(), location=self.env.docname, type="claims", subtype="broken")
        box = nodes.admonition(classes=["warning", "broken-claim"])
        box += nodes.title(text="A claim no longer holds")
        box += nodes.paragraph(text=box_text(claim))
        return [box]


def _forget(app: Sphinx, env, docname: str) -> None:
    getattr(env, "comment_study_broken_claims", {}).pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    store = getattr(env, "comment_study_broken_claims", {})
    for docname in docnames:
        if docname in getattr(other, "comment_study_broken_claims", {}):
            store[docname] = other.comment_study_broken_claims[docname]
    env.comment_study_broken_claims = store


def broken(env) -> list[Claim]:
    """Every broken claim of the book, in page order."""
    store = getattr(env, "comment_study_broken_claims", {})
    return [claim for docname in sorted(store) for claim in store[docname]]


def _finish(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    claims = broken(app.env)
    Path(app.outdir, REPORT).write_text(json.dumps(
        [{"chapter": c.chapter, "claim": c.text, "comments": list(c.comments), "error": c.error} for c in claims],
        indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if app.config.comment_study_claims == "strict":
        read_now = set(getattr(app.env, "comment_study_read_now", ()))
        for docname, items in sorted(getattr(app.env, "comment_study_broken_claims", {}).items()):
            if docname not in read_now:  # not re-read this time: say it again, so the build still fails
                for claim in items:
                    logger.warning(claim.line(), location=docname, type="claims", subtype="broken")


def _note_read(app: Sphinx, env, docnames) -> list:
    env.comment_study_read_now = list(docnames)
    return []


def setup(app: Sphinx) -> dict:
    app.add_config_value("comment_study_claims", "strict", "env", types=[str])
    app.add_directive(DIRECTIVE, BrokenClaimDirective)
    app.connect("env-before-read-docs", _note_read)
    app.connect("env-purge-doc", _forget)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _finish)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
