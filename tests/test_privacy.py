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
    found = names("Zeldrin", "KarlZ", "Vexillarion", "Lantern", "Meadow")
    assert set(found) == {"Zeldrin", "KarlZ", "Vexillarion"}


def test_multi_word_names_are_always_identifying():
    found = names("Ambrose Quillfeather", "Nobody special")
    assert found == {"Ambrose Quillfeather": False, "Nobody special": True}


def test_redaction_replaces_names_and_at_mentions_in_any_case():
    patterns = privacy.identifying_names(["Rosalind Marchbanks", "zeldrin"])
    text = "@Rosalind Marchbanks, you and Zeldrin: read it. Ozeldrin stays."
    assert privacy.redact(text, patterns) == "[name], you and [name]: read it. Ozeldrin stays."


def test_ordinary_phrase_names_are_matched_only_as_written():
    patterns = privacy.identifying_names(["Nobody special"])
    assert privacy.redact("nobody special did it", patterns) == "nobody special did it"
    assert privacy.redact("Ask Nobody special.", patterns) == "Ask [name]."


def test_quote_escapes_markup_and_skips_mathjax(comments):
    q = quotes.Quote(1, "A001", "Ohio", '<script>alert("x")</script> **b** {glue:text}`k` $1 and $2')
    html = q._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "tex2jax_ignore" in html and "mathjax_ignore" in html


def test_quote_refuses_a_protected_comment(comments):
    with pytest.raises(quotes.QuotingRuleError, match="paraphrase"):
        quotes.quote(comments, 5, protected={5})


def test_a_reply_in_the_corpus_addresses_the_pseudonym_of_the_commenter_it_answers(comments):
    authors = comments.set_index("comment_id")["author_id"]
    address = comments[comments["reply_basis"] == "address"]
    assert len(address) >= 5
    for row in address.itertuples():
        q = quotes.quote(comments, int(row.comment_id), protected=set())
        assert authors[int(row.reply_to)] in q.text  # "@A061," or "A142:" in place of the display name


def test_quote_refuses_listed_disclosures_by_default(comments):
    from comment_study.corpus import files as data
    from conftest import ROOT

    listed = int(data.disclosures(ROOT)["comment_id"].iloc[0])
    with pytest.raises(quotes.QuotingRuleError):
        quotes.quote(comments, listed)
