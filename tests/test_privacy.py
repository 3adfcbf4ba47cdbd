"""Display names: the identifying rule, redaction, and safe rendering of quotes."""

from __future__ import annotations

import pytest

from comment_study.corpus import privacy

from comment_study.study import quotes


def names(*display_names: str) -> dict[str, bool]:
    return {p.name: p.case_sensitive for p in privacy.identifying_names(display_names)}


def test_initials_are_not_scanned():
    assert names("N", "SF", "A") == {}


def test_single_word_names_are_identifying_unless_ordinary_words():
    found = names("Fred", "JeffB", "Tournachonadar", "Bear", "Reality")
    assert set(found) == {"Fred", "JeffB", "Tournachonadar"}


def test_multi_word_names_are_always_identifying():
    found = names("Leonard Johnston", "Someone else")
    assert found == {"Leonard Johnston": False, "Someone else": True}


def test_redaction_replaces_names_and_at_mentions_in_any_case():
    patterns = privacy.identifying_names(["Eileen Hays", "fred"])
    text = "@Eileen Hays, you and Fred: read it. Alfred stays."
    assert privacy.redact(text, patterns) == "[name], you and [name]: read it. Alfred stays."


def test_ordinary_phrase_names_are_matched_only_as_written():
    patterns = privacy.identifying_names(["Someone else"])
    assert privacy.redact("someone else did it", patterns) == "someone else did it"
    assert privacy.redact("Ask Someone else.", patterns) == "Ask [name]."


def test_quote_escapes_markup_and_skips_mathjax(comments):
    q = quotes.Quote(1, "A001", "Ohio", '<script>alert("x")</script> **b** {glue:text}`k` $1 and $2')
    html = q._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "tex2jax_ignore" in html and "mathjax_ignore" in html


def test_quote_refuses_a_protected_comment(comments):
    with pytest.raises(quotes.QuotingRuleError, match="paraphrase"):
        quotes.quote(comments, 5, protected={5})


def test_quote_redacts_names_inside_the_text(comments):
    address = comments[comments["reply_basis"] == "address"].iloc[0]
    q = quotes.quote(comments, int(address["comment_id"]))
    assert privacy.REDACTED in q.text
    assert not privacy.find_names(q.text, quotes.name_patterns(comments))


def test_quote_refuses_listed_disclosures_by_default(comments):
    from comment_study.corpus import files as data
    from conftest import ROOT

    listed = int(data.disclosures(ROOT)["comment_id"].iloc[0])
    with pytest.raises(quotes.QuotingRuleError):
        quotes.quote(comments, listed)
