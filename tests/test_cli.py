"""The command line on good and bad input: exit codes, messages, nothing half-written."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from comment_study import data
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
