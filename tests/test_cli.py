"""The command line on good and bad input: exit codes, messages, nothing half-written."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from comment_study.corpus import files as data
from conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "comment_study", *args], capture_output=True, text=True)


def test_parse_writes_the_table_without_names(tmp_path):
    out = tmp_path / "comments.csv"
    result = run("parse", str(ROOT / data.RAW_COMMENTS), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out)
    assert len(table) == 343 and "author" not in table.columns and "author_id" in table.columns
    assert result.stdout.count("\n") == 1 and "343 comments" in result.stdout


def test_parse_keeps_names_only_when_asked(tmp_path):
    out = tmp_path / "comments.csv"
    assert run("parse", str(ROOT / data.RAW_COMMENTS), "--out", str(out), "--keep-names").returncode == 0
    assert "author" in pd.read_csv(out).columns


def test_bad_export_exits_nonzero_names_the_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("Sep 28, 2019 · 1 comments\nAnn (Ohio)\nFirst.\nOrphan text.\n")
    out = tmp_path / "out.csv"
    result = run("parse", str(bad), "--out", str(out))
    assert result.returncode == 1
    assert f"{bad}, line 4" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_missing_file_is_a_clear_error(tmp_path):
    result = run("parse", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o.csv"))
    assert result.returncode == 1 and "nope.txt" in result.stderr


def test_help_describes_the_output():
    result = run("parse", "--help")
    assert result.returncode == 0 and "--keep-names" in result.stdout and "reply_to" in result.stdout


# --- code: the dictionary coder for readers who bring their own thread ----------------------

def test_code_writes_one_row_per_comment_with_codes_matches_and_sentiment(tmp_path):
    from comment_study.analysis import dictionary, sentiment

    out = tmp_path / "coded.csv"
    result = run("code", str(ROOT / data.RAW_COMMENTS), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, keep_default_na=False)
    rules = dictionary.study_dictionary(ROOT)
    assert len(table) == 343 and table["comment_id"].tolist() == list(range(1, 344))
    assert "author" not in table.columns and "author_id" in table.columns
    assert set(rules.ids) <= set(table.columns) and "survivor" not in table.columns
    assert set(sentiment.SCORE_COLUMNS) <= set(table.columns)
    assert table[rules.ids].isin([0, 1]).all().all()
    # every code found names the words that fired it
    fired = table[table["distress"] == 1]["dictionary_matches"]
    assert len(fired) and fired.str.contains("distress: ").all()
    lines = result.stdout.splitlines()
    counted = int((~table["is_empty"] & (table["duplicate_of"] == "")).sum())
    assert len(lines) == 2 and f"343 comments, {counted} counted in rates" in lines[0] and "distress" in lines[1]
    assert result.stderr == ""  # a small thread gets no progress bar


def test_code_rates_in_the_summary_follow_the_counting_rule(tmp_path):
    out = tmp_path / "coded.csv"
    result = run("code", str(ROOT / data.RAW_COMMENTS), "--out", str(out), "--no-sentiment")
    table = pd.read_csv(out)
    counted = table[~table["is_empty"] & table["duplicate_of"].isna()]
    assert f"blame_tech {counted['blame_tech'].mean():.0%}" in result.stdout
    assert "vader_compound" not in table.columns


def test_code_bad_export_exits_nonzero_names_the_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("Sep 28, 2019 · 2 comments\nAnn (Ohio)\nFirst.\n\nBob (Iowa)\nSecond.\n")
    out = tmp_path / "out.csv"
    result = run("code", str(bad), "--out", str(out))
    assert result.returncode == 1 and f"{bad}, line 4" in result.stderr
    assert list(tmp_path.iterdir()) == [bad]


def test_code_bad_dictionary_exits_nonzero_names_the_line_and_writes_nothing(tmp_path):
    rules = tmp_path / "mine.yml"
    rules.write_text("codes:\n  anger:\n    patterns:\n      - 'furious'\n      - 'rage('\n")
    out = tmp_path / "out.csv"
    result = run("code", str(ROOT / data.RAW_COMMENTS), "--out", str(out), "--dictionary", str(rules))
    assert result.returncode == 1
    assert f"{rules}, line 5" in result.stderr and "'anger'" in result.stderr and "rage(" in result.stderr
    assert not out.exists()


def test_code_uses_a_readers_own_dictionary(tmp_path):
    rules = tmp_path / "mine.yml"
    rules.write_text("codes:\n  thanks:\n    patterns: ['thank(?:s| you)']\n")
    out = tmp_path / "out.csv"
    result = run("code", str(ROOT / data.RAW_COMMENTS), "--out", str(out), "--dictionary", str(rules), "--no-sentiment")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, keep_default_na=False)
    assert "thanks" in table.columns and "distress" not in table.columns
    assert table.loc[table["thanks"] == 1, "text"].str.contains("thank", case=False).all()


def test_code_shows_progress_on_stderr_for_large_threads(tmp_path):
    from comment_study.book import bench
    from comment_study import cli

    export = tmp_path / "large.txt"
    export.write_text(bench.synthetic_export(cli.PROGRESS_THRESHOLD + 100, seed=5), encoding="utf-8")
    out = tmp_path / "coded.csv"
    result = run("code", str(export), "--out", str(out), "--no-sentiment")
    assert result.returncode == 0, result.stderr
    assert "coding" in result.stderr and f"{cli.PROGRESS_THRESHOLD + 100}/{cli.PROGRESS_THRESHOLD + 100}" in result.stderr
    assert "coding" not in result.stdout
    assert len(pd.read_csv(out)) == cli.PROGRESS_THRESHOLD + 100


def test_code_help_says_the_codes_are_rough():
    result = run("code", "--help")
    assert result.returncode == 0 and "ROUGH" in result.stdout and "--dictionary" in result.stdout
    assert "never read" in " ".join(result.stdout.split())


def test_code_gives_the_same_output_serial_and_parallel(tmp_path, capsys):
    from comment_study import cli
    from comment_study.book import bench

    n = cli.CHUNK + 200  # two chunks, with reposts and empty comments
    export = tmp_path / "large.txt"
    export.write_text(bench.synthetic_export(n, seed=11), encoding="utf-8")
    outputs = {}
    for jobs in ("1", "2"):  # in this process: the same command, without starting Python twice
        out = tmp_path / f"coded-{jobs}.csv"
        assert cli.main(["code", str(export), "--out", str(out), "--jobs", jobs]) == 0
        outputs[jobs] = (out.read_bytes(), capsys.readouterr().out.replace(str(out), "OUT"))
    assert outputs["1"] == outputs["2"]
    table = pd.read_csv(tmp_path / "coded-1.csv", keep_default_na=False)
    assert table["comment_id"].tolist() == list(range(1, n + 1))
    assert (table["duplicate_of"] != "").any() and table["is_empty"].any()


def test_code_redacts_a_name_by_the_whole_threads_rule_in_every_chunk(tmp_path, monkeypatch, capsys):
    """Texts are shown chunk by chunk, where they are coded, but with the name rule of the whole thread:
    a commenter who posts only in a later chunk is still a name in an earlier one (invented names)."""
    from comment_study import cli

    monkeypatch.setattr(cli, "CHUNK", 1)  # each comment a chunk of its own
    export = tmp_path / "thread.txt"
    export.write_text("Sep 28, 2019 · 3 comments\n"
                      "Marigold Fennimore (Ohio)\n@Tobiah Quillfeather you have it backwards on encryption.\n"
                      "Ansel Brightwater (Oregon)\nThe tech companies must act.\n"
                      "Tobiah Quillfeather (Maine)\nI stand by it: the police need more investigators.\n", encoding="utf-8")
    for jobs in ("1", "2"):
        out = tmp_path / f"coded-{jobs}.csv"
        assert cli.main(["code", str(export), "--out", str(out), "--jobs", jobs, "--no-sentiment"]) == 0
        capsys.readouterr()
        written = out.read_text(encoding="utf-8")
        assert "Quillfeather" not in written and "Marigold" not in written, jobs
        assert pd.read_csv(out)["text"][0] == "@[name] you have it backwards on encryption.", jobs
