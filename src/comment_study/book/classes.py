"""Plans for 50-minute classes taught from the book, as data, and their rendering for the instructor guide.

Each plan names what students read before class, the steps of the class with their minutes (an
exercise step takes the minutes its exercise states in its chapter), the chapters' discussion
prompts it uses, and what the instructor prepares. The instructor guide renders the plans with
:func:`plan_markdown`; the tests check that every plan fills exactly 50 minutes, that each
exercise exists with the minutes its chapter gives it, and that each prompt is one its chapter
lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from comment_study.book import toc

CLASS_MINUTES = 50
PROMPT = re.compile(r"^## Discussion prompts\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)
NUMBERED = re.compile(r"^\d+\. (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Step:
    """One step of a class: an exercise (by label), the discussion of prompts, or another activity."""

    what: str
    minutes: int | None = None  # None for an exercise step: its minutes come from the chapter
    exercise: str | None = None


@dataclass(frozen=True)
class ClassPlan:
    title: str
    question: str
    reading: tuple[str, ...]  # toc files, read before class
    steps: tuple[Step, ...]
    prompts: tuple[tuple[str, int], ...]  # (toc file, prompt number from 1)
    prepare: str


PLANS = (
    ClassPlan(
        title="Can two coders agree?",
        question="What does it take for a code to mean the same thing to two readers?",
        reading=("chapters/method", "chapters/codebook"),
        steps=(
            Step("Framing: read the content note aloud, state the opt-out, pose the question", 5),
            Step("Code comment 60 alone with the codebook open, then compare with the primary coding",
                 exercise="ex-codebook-apply"),
            Step("Percent agreement against κ for a rare code, worked on the board", exercise="ex-reliability-percent"),
            Step("Discussion in pairs, then with the room", 15),
            Step("Close: each student writes one sentence on what agreement can and cannot show", 5),
        ),
        prompts=(("chapters/reliability", 1), ("chapters/reliability", 3), ("chapters/codebook", 1)),
        prepare="Print the codebook's code table (the codebook chapter) or have it open on every screen; "
                "have the answer key at hand for the comparison with the primary coding; decide in advance "
                "how a student who opts out of reading comment text will take part (the κ exercise needs none).",
    ),
    ClassPlan(
        title="From counts to claims",
        question="When does a share of comments support a claim about a thread?",
        reading=("chapters/overview", "chapters/reactions"),
        steps=(
            Step("Framing: what a prevalence and its interval say, and what they do not", 5),
            Step("Compute a share and its Wilson interval for a rare code", exercise="ex-overview-interval"),
            Step("Test the parents' distress difference, and decide whether the test is allowed",
                 exercise="ex-reactions-parents"),
            Step("Discussion", 15),
            Step("Close: rewrite one sentence of a findings section with its interval", 5),
        ),
        prompts=(("chapters/overview", 1), ("chapters/overview", 2), ("chapters/reactions", 3)),
        prepare="Check that students can run the book's notebooks (the study kit, or the downloaded chapter "
                "notebooks with the package installed); put the two chapters' figures on a slide.",
    ),
    ClassPlan(
        title="What machines see",
        question="What can a sentiment score or a keyword rule tell us about these comments, and what not?",
        reading=("chapters/sentiment", "chapters/dictionary"),
        steps=(
            Step("Framing: a lexicon, a rule fixed in advance, and a careful reading to check against", 5),
            Step("Write sentences that fool VADER, and check them", exercise="ex-sentiment-write"),
            Step("Why even a perfect sentiment tool cannot tell stances apart", exercise="ex-sentiment-stance"),
            Step("Would you report a dictionary's rate on ten thousand comments?", exercise="ex-dictionary-rates"),
            Step("Discussion", 10),
        ),
        prompts=(("chapters/sentiment", 1), ("chapters/sentiment", 2), ("chapters/dictionary", 2)),
        prepare="Test `sentiment.vader_parts` on the classroom machines before class (it needs only the "
                "study's package); bring two or three sentences of your own that VADER misreads.",
    ),
    ClassPlan(
        title="Privacy against protection",
        question="How do readers weigh privacy and encryption against finding abuse imagery?",
        reading=("chapters/article", "chapters/values"),
        steps=(
            Step("Framing: what the article says about encryption, and what it does not", 5),
            Step("Check the article excerpt for encryption and privacy", exercise="ex-values-article"),
            Step("Read the comments that hold both values, and say which side each takes", exercise="ex-values-both"),
            Step("Discussion", 15),
            Step("Close: one paragraph setting the thread's debate against the article", 5),
        ),
        prompts=(("chapters/values", 1), ("chapters/values", 2), ("chapters/article", 2)),
        prepare="Students who opt out of reading comment text can do the article exercise and argue from "
                "the chapter's summary; read the values chapter's finer coding section yourself, since "
                "students will ask how the sides were decided.",
    ),
)


def exercise_minutes(root: Path) -> dict[str, tuple[str, int | None]]:
    """Every exercise label -> (its page's toc file, its minutes), over the whole book."""
    return {label: (page.file, minutes) for page in toc.pages(root) for label, minutes in page.exercises}


def discussion_prompts(root: Path, file: str) -> list[str]:
    """The numbered prompts of a page's "Discussion prompts" section, in order (empty if it has none)."""
    section = PROMPT.search(toc.source(root, file).read_text(encoding="utf-8"))
    return NUMBERED.findall(section.group(1)) if section else []


def step_minutes(step: Step, exercises: dict[str, tuple[str, int | None]]) -> int:
    """A step's minutes: its own, or for an exercise those its chapter states."""
    if step.exercise is None:
        return step.minutes or 0
    minutes = exercises[step.exercise][1]
    if minutes is None:
        raise ValueError(f"exercise {step.exercise!r} states no minutes in its chapter")
    return minutes


def plan_markdown(plan: ClassPlan, root: Path, level: str = "###") -> str:
    """A class plan as MyST: reading, the timed steps (exercises linked), the prompts, what to prepare."""
    exercises = exercise_minutes(root)
    titles = {page.file: page.title for page in toc.pages(root)}
    reading = ", ".join(f"{{doc}}`{titles[f]} </{f}>`" for f in plan.reading)
    lines = [f"{level} {plan.title}", "", f"*{plan.question}*", "", f"**Before class, students read:** {reading}.", "",
             "| minutes | activity |", "| ---: | --- |"]
    for step in plan.steps:
        what = step.what + (f" ({{numref}}`{step.exercise}`)" if step.exercise else "")
        lines.append(f"| {step_minutes(step, exercises)} | {what} |")
    total = sum(step_minutes(s, exercises) for s in plan.steps)
    lines += [f"| **{total}** | |", "", "**Discussion prompts:**", ""]
    for file, number in plan.prompts:
        lines.append(f"- {discussion_prompts(root, file)[number - 1]} ({{doc}}`{titles[file]} </{file}>`)")
    lines += ["", f"**Prepare:** {plan.prepare}", ""]
    return "\n".join(lines)
