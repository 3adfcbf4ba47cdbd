"""A Sphinx extension that makes once two lookups Sphinx and its extensions repeat for every reference.

**Numbered references.** To number a reference such as "Figure 3.2", Sphinx 7's standard
domain looks the target up in the doctree of the page that holds it, and it unpickles that page's whole doctree again for every
reference (``StandardDomain._resolve_numref_xref`` calls ``env.get_doctree``). The book's
chapters make about 165 such references to a few pages heavy with figures and tables: some
2.5 s of a clean build spent unpickling the same doctrees.

This extension gives the standard domain a memory of the doctrees it has looked targets up in,
for the numbering only: each page's doctree is unpickled once per build (again if its pickle
changes) and is only read, never changed, so the numbers and links are exactly Sphinx's
(``tests/test_build_steps.py``; the strict builds check every reference).

**Bibliography plugins.** sphinxcontrib-bibtex asks pybtex for its plain-text backend for every
citation it resolves, and pybtex looks the plugin up among all installed packages' entry points
each time (``importlib.metadata.entry_points``): some 0.8 s of a build for the book's citations.
The plugins the build uses (that backend and the configured bibliography style) are looked up once
and registered with pybtex's own ``register_plugin``, which pybtex consults before the entry points.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.domains import std


def shared_doctree(env: Any, docname: str, memo: dict) -> nodes.document:
    """The doctree of ``docname``, unpickled once for as long as its pickle is the same: for reading only."""
    serialised = env._pickled_doctree_cache.get(docname)
    kept = memo.get(docname)
    if kept is not None and serialised is not None and kept[0] is serialised:
        return kept[1]
    doctree = env.get_doctree(docname)
    memo[docname] = (env._pickled_doctree_cache.get(docname), doctree)
    return doctree


class _ReadOnlyDoctrees:
    """``env`` as the numbering sees it: its doctrees come from the domain's memory."""

    def __init__(self, env: Any, memo: dict) -> None:
        self._env, self._memo = env, memo

    def get_doctree(self, docname: str) -> nodes.document:
        return shared_doctree(self._env, docname, self._memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._env, name)


class StandardDomain(std.StandardDomain):
    """Sphinx's standard domain; a numbered reference reads its target's doctree from memory."""

    def _resolve_numref_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        memo = self.__dict__.setdefault("_numref_doctrees", {})
        return super()._resolve_numref_xref(_ReadOnlyDoctrees(env, memo), fromdocname, builder, typ, target,
                                            node, contnode)


BIBLIOGRAPHY_PLUGINS = (("pybtex.backends", "plaintext"), ("pybtex.style.formatting", "bibtex_default_style"))
"""The pybtex plugins looked up for each citation or bibliography: (group, name or the config value naming it)."""


def _register_bibliography_plugins(app: Sphinx, *args) -> None:
    """Once the pages are to be written (a no-change build writes none and pays nothing)."""
    if "sphinxcontrib.bibtex" not in app.extensions:
        return
    import pybtex.plugin

    for group, name in BIBLIOGRAPHY_PLUGINS:
        name = getattr(app.config, name, name)
        pybtex.plugin.register_plugin(group, name, pybtex.plugin.find_plugin(group, name), force=True)


def setup(app: Sphinx) -> dict:
    app.add_domain(StandardDomain, override=True)
    app.connect("write-started", _register_bibliography_plugins)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
