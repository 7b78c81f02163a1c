"""Every kind of alert remon raises, in one registry: what it is about and how delivery treats it.

The renderer (which lines a kind's body has), the planner (whether a kind may be held back as flapping)
and the digest (source health last) read a kind's facts here, not from their own lists. Adding a kind
means an entry here, its label in ``labels.yaml`` / ``labels_zh.yaml`` (a test checks both name every
kind) and the detector or step that raises it. The measure kinds are named by the measures stage
(``worker.measures.render.MEASURE_KINDS``, which this stage imports) and registered here from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from worker.measures.render import MEASURE_KINDS

Subject = Literal["statistic", "stance", "claim", "source", "measure"]
FROM_ARTICLE: tuple[Subject, ...] = ("statistic", "stance", "claim")


@dataclass(frozen=True)
class AlertKind:
    name: str
    subject: Subject
    debounced: bool = True  # held back when the same thing alerted inside the routing's window

    @property
    def from_article(self) -> bool:
        """Raised by an article's analysis (its body says how many sources carry the story)."""
        return self.subject in FROM_ARTICLE


KINDS: dict[str, AlertKind] = {k.name: k for k in (
    AlertKind("new_statistic", "statistic", debounced=False),  # a first figure is news, never flapping
    AlertKind("changed_statistic", "statistic"),
    AlertKind("stance_shift", "stance"),
    AlertKind("new_claim", "claim"),
    AlertKind("source_failing", "source"),
    AlertKind("source_recovered", "source"),
    *(AlertKind(name, "measure") for name in MEASURE_KINDS),
)}


def names_about(*subjects: Subject) -> tuple[str, ...]:
    """The kinds about any of ``subjects``, in registry order."""
    return tuple(k.name for k in KINDS.values() if k.subject in subjects)


def is_debounced(name: str) -> bool:
    """Whether an alert of this kind may be held back as flapping (an unknown kind: yes)."""
    known = KINDS.get(name)
    return known.debounced if known else True


def about_source(name: str) -> bool:
    """A source's health, not the news: listed last in a digest."""
    known = KINDS.get(name)
    return known is not None and known.subject == "source"
