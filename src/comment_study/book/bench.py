"""``make bench``: how long the book takes to build, and how fast ``code`` runs on a large thread.

Builds a temporary copy of the book clean (with the CPU the machine spent meanwhile), then three
times with nothing changed (their median is recorded), and reports each page's execution time as
myst-nb recorded it. Then writes a synthetic export of
100,000 comments (:func:`synthetic_export`: recombined template sentences, no real comment
or name) and times its steps and the whole ``code`` command on it, with and without
sentiment, with the peak memory of the command. A benchmark, not a test: it prints, and with
``--write bench.json`` it also records the figures, with the date, the machine and its load,
in that file, which is committed and read by the book's "Reproducing this book" appendix (so
no build time is typed into prose). ``--baseline DIR`` first measures another checkout of the
book (an earlier commit, say) the same way, in the same run, so that a change is measured
before and after under the same conditions.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from comment_study.book import jb


def project_root() -> Path:
    """The book's root (:func:`comment_study.corpus.files.project_root`), imported when asked: the build
    imports this module for :func:`page_times`, and the corpus module brings pandas with it."""
    from comment_study.corpus import files

    return files.project_root()


BENCH_SEED = 20190928
BENCH_COMMENTS = 100_000

_OPENERS = ["", "Honestly, ", "Frankly, ", "After reading this, ", "Sadly, ", "Once again, ", "To be clear, "]
_SUBJECTS = ["the platforms", "Congress", "the tech companies", "the police", "our lawmakers", "the agencies",
             "the big apps", "the regulators", "the courts", "the prosecutors", "the phone makers", "the site owners"]
_VERBS = ["need to act", "have failed us", "should pay for the cleanup", "must be held accountable",
          "are not doing enough", "look the other way", "should hire more investigators", "need more funding"]
_TEMPLATES = [
    "{opener}{subject} {verb}.",
    "This is {feeling}; I could barely finish the {piece}.",
    "Thank you to the reporters for this {quality} {piece}.",
    "The {piece} leaves out how many of the {count} reports are duplicates.",
    "Encryption protects everyone's privacy, and weakening it would hurt ordinary people.",
    "Why not train better filters and scan uploads before they spread?",
    "As a {role}, I have seen what this does to families.",
    "Abuse like this existed long before the internet; the scale is what changed.",
    "My {relative} asked me what we can do, and I had no answer.",
    "Anyone caught should face {punishment}.",
    "It is not strangers but {offender} who do most of the harm.",
    "{subject} {verb}, and the {piece} says so plainly.",
    "I keep thinking about the {count} images and the people who must review them.",
    "The numbers are {feeling}, but the {piece} is {quality} work.",
    "We should write to our representatives and donate to the groups that help.",
    "Nothing will change until {subject} {verb}.",
    "Parents should think twice before posting photos of their children.",
    "The real problem is the culture that treats children as objects.",
]
_FILL = {
    "feeling": ["sickening", "heartbreaking", "hard to take in", "troubling", "overwhelming", "grim"],
    "piece": ["article", "story", "report", "investigation", "series", "piece"],
    "quality": ["careful", "important", "thorough", "brave", "clear", "long"],
    "count": ["45 million", "18 million", "thousands of", "millions of", "12 million"],
    "role": ["teacher", "nurse", "social worker", "therapist", "lawyer", "parent of three"],
    "relative": ["daughter", "son", "husband", "wife", "neighbour", "sister"],
    "punishment": ["life in prison", "much longer sentences", "public exposure", "real prison time"],
    "offender": ["relatives", "family friends", "coaches", "people the children trust", "neighbours"],
}
_PLACES = ["Ohio", "Texas", "Albany", "California", "London", "Winnipeg", "Oregon", "Florida", "Illinois",
           "Maine", "Sydney", "Berlin", "Georgia", "Vermont", "Nevada", "Somewhere"]

IGNORED = shutil.ignore_patterns(".venv", "_build", "downloads", ".git", ".pytest_cache", ".hypothesis", "__pycache__",
                                 "*.egg-info", "node_modules")
BENCH_FILE = "bench.json"


def timed_build(book: Path, env: dict[str, str] | None = None) -> float:
    """Seconds for one strict build of ``book``; raises if the build fails."""
    command = jb.command(book, *jb.STRICT)
    if not (book / "src" / "comment_study" / "book" / "jb.py").is_file():  # a checkout from before that door
        command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(book), *jb.STRICT]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=book, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


NO_CHANGE_RUNS = 3
"""How many no-change rebuilds ``make bench`` times: it records their median (one run varies by a few tenths)."""


def busy_cpu_seconds() -> float | None:
    """Seconds of CPU the whole machine has spent busy since it started (Linux's /proc/stat), or None elsewhere.

    Taken before and after a build, the difference is the build's CPU (its kernels included, which a
    process's own accounting loses: the zygote's children are reaped by the system), plus anything
    else the machine did meanwhile: a figure to compare on a quiet machine.
    """
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])  # not the time stolen by other machines
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def machine() -> str:
    """The processor, its number of cores and the system, as a reader would name the machine."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        model = names[0] if names else model
    return f"{os.cpu_count()} cores, {model}, {platform.system()} {platform.machine()}"


def untimed(root: Path, figures: dict) -> list[str]:
    """The pages of the table of contents that execute code but have no time in ``figures``."""
    from comment_study.book import toc

    executed = [p.file for p in toc.pages(root) if "{code-cell}" in toc.source(root, p.file).read_text(encoding="utf-8")]
    return [page for page in executed if page not in figures.get("chapters_s", {})]


def chapter_times(book: Path) -> dict[str, float]:
    """Execution seconds per page, from the jupyter-cache records of the last build."""
    from jupyter_cache import get_cache

    cache = get_cache(book / "_build" / ".jupyter_cache")
    times = {}
    for record in cache.list_cache_records():
        data = record.data or {}
        name = Path(record.uri).relative_to(book).with_suffix("").as_posix()
        times[name] = float(data.get("execution_seconds", float("nan")))
    return dict(sorted(times.items()))


def synthetic_comment(rng: np.random.Generator) -> str:
    """One made-up comment: one to seven template sentences with their slots filled at random."""
    sentences = []
    for _ in range(int(rng.integers(1, 8))):
        template = _TEMPLATES[int(rng.integers(len(_TEMPLATES)))]
        fill = {key: values[int(rng.integers(len(values)))] for key, values in _FILL.items()}
        fill.update(opener=_OPENERS[int(rng.integers(len(_OPENERS)))], subject=_SUBJECTS[int(rng.integers(len(_SUBJECTS)))],
                    verb=_VERBS[int(rng.integers(len(_VERBS)))])
        sentence = template.format(**fill)
        sentences.append(sentence[0].upper() + sentence[1:])
    return " ".join(sentences)


def synthetic_export(n: int = BENCH_COMMENTS, seed: int = BENCH_SEED) -> str:
    """A deterministic export of ``n`` made-up comments in the study's format, for timing only.

    Commenters are "Reader 1", "Reader 2", ... (about one per 1.3 comments, as in the study's
    thread, so some post several times); about 1% of comments are empty and 1% repeat the
    commenter's last comment, so the repost and counting rules have work to do. No real
    comment or name is used.
    """
    rng = np.random.default_rng(seed)
    n_readers = max(1, int(n / 1.3))
    lines = [f"Sep 28, 2019 · {n} comments"]
    last: dict[int, str] = {}
    for _ in range(n):
        reader = int(rng.integers(1, n_readers + 1))
        lines.append(f"Reader {reader} ({_PLACES[reader % len(_PLACES)]})")
        roll = rng.random()
        if roll < 0.01:
            continue  # an empty comment: no text line at all
        text = last[reader] if roll < 0.02 and reader in last else synthetic_comment(rng)
        last[reader] = text
        lines.append(text)
    return "\n".join(lines) + "\n"


def _run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds and peak resident memory (MB, of the largest process) of one command; its stderr."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"code failed:\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, stderr


def time_code(n: int = BENCH_COMMENTS, seed: int = BENCH_SEED, src: Path | None = None) -> dict[str, float]:
    """Seconds for the steps of ``code`` and for the whole command (with and without sentiment), and its peak memory.

    ``src`` runs another checkout's package (its ``src`` folder) instead of this one.
    """
    env = {**os.environ, "COMMENT_STUDY_ROOT": str(project_root() if src is None else src.parent)}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    steps = [sys.executable, "-c", _STEPS, str(n), str(seed)]
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "synthetic.txt"
        export.write_text(synthetic_export(n, seed), encoding="utf-8")
        figures = json.loads(subprocess.run([*steps, str(export)], capture_output=True, text=True, env=env,
                                            check=True).stdout)
        for label, extra in (("whole_no_sentiment", ["--no-sentiment"]), ("whole", [])):
            command = [sys.executable, "-m", "comment_study", "code", str(export), "--out", str(Path(tmp) / "coded.csv"), *extra]
            figures[f"{label}_s"], figures[f"{label}_peak_mb"], _ = _run_measured(command, env)
    return {"n": n, **figures}


_STEPS = """
import json, sys, time
from comment_study.corpus import export as corpus, threads
from comment_study.analysis import dictionary
start = time.perf_counter(); table = corpus.parse_export(sys.argv[3]); parse_s = time.perf_counter() - start
start = time.perf_counter(); threads.find_reposts(table); reposts_s = time.perf_counter() - start
rules = dictionary.study_dictionary()
start = time.perf_counter(); dictionary.apply(rules, table["text"]); dictionary_s = time.perf_counter() - start
print(json.dumps({"parse_s": parse_s, "reposts_s": reposts_s, "dictionary_s": dictionary_s}))
"""
"""The steps of ``code`` timed one by one, in one process, in the package on the path."""


def page_times(root: Path) -> dict[str, float]:
    """Each page's execution seconds as ``bench.json`` last recorded them; empty if it records none."""
    try:
        return dict(json.loads((root / BENCH_FILE).read_text(encoding="utf-8")).get("chapters_s", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def recorded(root: Path) -> dict | None:
    """The figures ``bench.json`` records, or None before the first ``make bench``."""
    return load(root) if (root / BENCH_FILE).is_file() else None


def load(root: Path) -> dict:
    """The figures the last ``make bench`` recorded in ``bench.json``."""
    path = root / BENCH_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no build times recorded; run `make bench`")
    figures = json.loads(path.read_text(encoding="utf-8"))
    missing = {"clean_s", "cached_s", "chapters_s", "measured_on", "cpus", "machine", "load_average", "code"} - set(figures)
    if missing:
        raise ValueError(f"{path}: missing {sorted(missing)}; run `make bench` again")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m comment_study.book.bench", description=__doc__)
    parser.add_argument("--skip-book", action="store_true", help="time only the code command")
    parser.add_argument("--comments", type=int, default=BENCH_COMMENTS, help="size of the synthetic export")
    parser.add_argument("--write", metavar="FILE", help="also record the figures in FILE (bench.json)")
    parser.add_argument("--baseline", metavar="DIR", help="first measure the book at DIR (another checkout) the same way")
    args = parser.parse_args(argv)
    root = project_root()
    runs = ([("baseline", Path(args.baseline).resolve())] if args.baseline else []) + [("this book", root)]
    results = {}
    for label, book in runs:
        print(f"== {label}: {book}")
        figures = {} if args.skip_book else bench_book(book)
        figures["code"] = time_code(args.comments, src=None if book == root else book / "src")
        report_code(figures["code"])
        results[label] = figures
    figures = results["this book"]
    if args.baseline:
        figures["baseline"] = {"source": str(Path(args.baseline).resolve()), **results["baseline"]}
    if args.write and not args.skip_book:
        out = Path(args.write) if Path(args.write).is_absolute() else root / args.write
        out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out}")
    return 0


def report_code(code: dict) -> None:
    """Print the ``code`` figures, with comments per second."""
    n = code["n"]
    sentiment_s = code["whole_s"] - code["whole_no_sentiment_s"]
    print(f"code on {n:,} synthetic comments ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}):")
    print(f"  parse:                      {code['parse_s']:7.1f} s  ({n / code['parse_s']:9,.0f} comments/s)")
    print(f"  repost check:               {code['reposts_s']:7.1f} s  ({n / code['reposts_s']:9,.0f} comments/s)")
    print(f"  dictionary step (1 core):   {code['dictionary_s']:7.1f} s  ({n / code['dictionary_s']:9,.0f} comments/s)")
    print(f"  sentiment (difference):     {sentiment_s:7.1f} s")
    print(f"  whole command, no sentiment:{code['whole_no_sentiment_s']:7.1f} s  ({n / code['whole_no_sentiment_s']:9,.0f} comments/s)"
          f"  peak {code['whole_no_sentiment_peak_mb']:,.0f} MB")
    print(f"  whole command:              {code['whole_s']:7.1f} s  ({n / code['whole_s']:9,.0f} comments/s)"
          f"  peak {code['whole_peak_mb']:,.0f} MB")
    code["comments_per_s"] = round(n / code["whole_s"])
    for key, value in code.items():
        code[key] = round(value, 2) if isinstance(value, float) else value


def bench_book(source: Path) -> dict:
    """Time a clean build and a no-change rebuild of a copy of the book at ``source``, and each page's execution."""
    env = {**os.environ, "PYTHONPATH": str(source / "src")} if source != project_root() else None
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(source, book, ignore=IGNORED)
        (book / BENCH_FILE).unlink(missing_ok=True)  # the figures about to be replaced (the appendix says none yet)
        busy_before = busy_cpu_seconds()
        clean = timed_build(book, env)
        busy = busy_cpu_seconds()
        clean_cpu = None if busy is None or busy_before is None else busy - busy_before
        cached_runs = [timed_build(book, env) for _ in range(NO_CHANGE_RUNS)]
        cached = statistics.median(cached_runs)
        per_chapter = chapter_times(book)
    print(f"clean build:          {clean:6.1f} s" + ("" if clean_cpu is None else f"  ({clean_cpu:.0f} s of CPU across the machine)"))
    print(f"no-change rebuild:    {cached:6.1f} s  (median of {', '.join(f'{t:.1f}' for t in cached_runs)})")
    print("page execution (clean build):")
    for name, seconds in per_chapter.items():
        print(f"  {name:32s} {seconds:6.1f} s")
    return {"clean_s": round(clean, 1), "clean_cpu_s": None if clean_cpu is None else round(clean_cpu),
            "cached_s": round(cached, 1), "cached_runs_s": [round(t, 2) for t in cached_runs],
            "chapters_s": {k: round(v, 1) for k, v in per_chapter.items()},
            "measured_on": datetime.date.today().isoformat(), "cpus": os.cpu_count(), "machine": machine(),
            "load_average": round((load_before + os.getloadavg()[0]) / 2, 1), "python": platform.python_version()}


if __name__ == "__main__":
    sys.exit(main())
