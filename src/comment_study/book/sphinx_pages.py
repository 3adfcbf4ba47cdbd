"""A Sphinx extension that corrects three faults in every HTML page the book's stack produces.

- **A script declared twice.** sphinx-thebe adds its inline configuration script once per
  build through two channels, so each page declares ``THEBE_JS_URL`` twice and the browser
  logs an error on every page. Identical inline scripts are kept once.
- **A deprecated ARIA role.** docutils marks each bibliography entry ``role="doc-biblioentry"``,
  a role ARIA has deprecated, inside a ``role="list"``; assistive technology then finds a list
  without list items (axe-core: aria-required-children, critical). Entries become list items.
- **A summary whose name hides its text.** myst-nb labels the "Show code cell source" toggle of
  every hidden cell "Toggle hidden content", so a speech-input user who says what they see
  cannot reach it (WCAG 2.5.3, label in name). The label is dropped: the summary's own visible
  text names it.
"""

from __future__ import annotations

from sphinx.application import Sphinx

DEPRECATED_ENTRY_ROLE = ' role="doc-biblioentry"'
MISLABELLED_SUMMARY = '<summary aria-label="Toggle hidden content">'


def unique_scripts(scripts: list) -> list:
    """The page's scripts with repeats (same file, same attributes and body, any priority) dropped."""
    seen, kept = set(), []
    for script in scripts:
        # an inline script is registered once with filename None and once with ""
        key = (getattr(script, "filename", str(script)) or "", repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def _correct(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = unique_scripts(list(context["script_files"]))
    if "body" in context:
        context["body"] = (context["body"].replace(DEPRECATED_ENTRY_ROLE, ' role="listitem"')
                           .replace(MISLABELLED_SUMMARY, "<summary>"))


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _correct, priority=900)  # after the themes have added theirs
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
