"""Speaker positions and contested framings: who answers whom, pairs of codes, and quoting near disclosures."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from comment_study.study import load_study
from comment_study.corpus import files as data

from comment_study.analysis import findings

from comment_study.study import definitions, quotes, replies


@pytest.fixture(scope="module")
def study():
    return load_study()


@pytest.fixture(scope="module")
def answers(study):
    return definitions.answers(study)


def test_memo_answers_agree_with_the_hand_checked_reply_targets(answers):
    checks = data.reply_checks()
    confirmed = checks[(checks["is_reply"] == "yes") & checks["reply_to"].notna()].set_index("comment_id")["reply_to"]
    both = confirmed.index.intersection(answers.index)
    assert len(both) > 0
    assert (answers[both].astype(int) == confirmed[both].astype(int)).all()
    detected = checks[(checks["sample"] == "detected") & (checks["is_reply"] == "yes")]["comment_id"]
    assert set(detected) <= set(answers.index), "a reply the rules found and the reader confirmed has no memo answer"


def test_answers_point_at_analysable_comments_never_at_reposts(study, answers):
    reposts = set(study.comments.loc[study.comments["duplicate_of"].notna(), "comment_id"])
    assert not set(answers.astype(int)) & reposts
    raw = study.table.set_index("comment_id")["memo"].str.extract(r"In answer to (\d+)")[0].dropna().astype(int)
    redirected = raw[raw.isin(reposts)]
    for source, target in redirected.items():
        original = int(study.comments.set_index("comment_id").loc[target, "duplicate_of"])
        assert answers[source] == original


def test_a_memo_answering_a_comment_that_does_not_exist_names_the_comment(study):
    table = pd.DataFrame({"comment_id": [1, 2], "memo": ["Fine.", "In answer to 999: nonsense."]})
    with pytest.raises(ValueError, match="comment 2 cannot answer comment 999"):
        replies.memo_links(table, study.comments)


def test_exchange_profile_recounts_answers_by_hand(study, answers):
    codes = ["gender", "skeptical", "pornography"]
    profile = findings.exchange_profile(study.table, answers, codes)
    table = study.table.set_index("comment_id")
    pairs = [(int(a), int(t)) for a, t in answers.items() if a in table.index and t in table.index]
    for code in codes:
        carriers = set(table.index[table[code] == 1])
        answering = {a for a, _ in pairs if a in carriers}
        answered = {t for _, t in pairs if t in carriers}
        same = [(a, t) for a, t in pairs if a in carriers and t in carriers]
        assert profile.loc[code, f"count {findings.ANSWERING}"] == len(answering)
        assert profile.loc[code, f"count {findings.ANSWERED}"] == len(answered)
        assert profile.loc[code, "same code"] == len(same)
        assert profile.loc[code, "n"] == len(carriers)
    assert profile.loc["all comments", "n"] == len(study.table)


def test_group_shares_equal_groupwise_means(study):
    positions = {"survivor": study.table["survivor"] == 1, "rest": study.table["survivor"] == 0}
    shares = findings.group_shares(study.table, positions, ["distress", "punitive"])
    expected = study.table.groupby("survivor")[["distress", "punitive"]].mean()
    assert shares.loc["distress", "survivor"] == pytest.approx(expected.loc[1, "distress"])
    assert shares.loc["punitive", "rest"] == pytest.approx(expected.loc[0, "punitive"])


def test_word_runs_are_lower_case_runs_of_consecutive_words():
    assert quotes.word_runs("One, two; THREE four", run=2) == {"one two", "two three", "three four"}
    assert quotes.word_runs("too short", run=3) == set()
