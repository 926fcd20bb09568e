"""Which outcomes staff are offered for one idea, and in what order.

The journey stages that fit the idea (by its consultation's words and its author's age band)
come first; the early years are left out unless staff ask for every outcome.
"""

from dataclasses import dataclass

from wtforms import SelectChoice

from app.models import AGE_BANDS, Consultation, Idea, Outcome, OutcomeFramework
from app.outcomes import all_frameworks

# The ages (in years, from and to) each stage of the Promise's library journey is for; the
# stage before birth is for babies not yet born.
JOURNEY_AGES: dict[str, tuple[int, int]] = {
    "promise.journey.1": (-1, 0),  # pre-natal to birth
    "promise.journey.2": (0, 4),  # pre-school
    "promise.journey.3": (4, 5),  # transition to primary school
    "promise.journey.4": (5, 11),  # out of school, primary aged children
    "promise.journey.5": (10, 12),  # transition to secondary school
    "promise.journey.6": (11, 18),  # out of school, secondary school children
}
# Stages for the early years end by this age. Young people on the platform are 8 or older, so
# an idea's outcomes leave them out unless staff ask to see every outcome.
EARLY_YEARS_END = 5
# Words in a consultation's question or description that say a stage is what it is about.
JOURNEY_WORDS: dict[str, tuple[str, ...]] = {
    "promise.journey.3": ("starting primary", "start primary", "reception class"),
    "promise.journey.4": ("primary school", "primary-school", "year 6", "summer reading"),
    "promise.journey.5": ("secondary school", "new school", "big school", "year 7", "moving up"),
    "promise.journey.6": ("secondary", "teen", "gcse", "exams"),
}
# Whom an idea is for when its author's age band is not known (a deleted account, staff).
EVERY_AGE = (int(AGE_BANDS[0].split("-")[0]), int(AGE_BANDS[-1].split("-")[1]))


@dataclass(frozen=True)
class OutcomeChoiceGroup:
    """One group of a picker's outcomes: a journey stage or another heading of a framework."""

    code: str
    label: str  # "Framework: heading"
    fits: bool  # a journey stage that fits the idea's consultation or its author's age
    outcomes: list[Outcome]


@dataclass(frozen=True)
class OutcomePicker:
    """The outcomes offered for one idea, grouped, the best fitting first."""

    groups: list[OutcomeChoiceGroup]
    left_out: int  # outcomes not offered (early years) until staff ask for them all
    show_all: bool

    def choices(self) -> list[SelectChoice]:
        """The picker as choices of a grouped select."""
        return [
            SelectChoice(o.code, f"{o.code} {o.wording}", optgroup=group.label)
            for group in self.groups
            for o in group.outcomes
        ]


def _ages_of(idea: Idea) -> tuple[int, int]:
    """The ages the idea's author's age band spans, or every age on the platform if unknown."""
    band = idea.author.age_band if idea.author else None
    if band and band in AGE_BANDS:
        low, high = band.split("-")
        return int(low), int(high)
    return EVERY_AGE


def _stages_named_by(consultation: Consultation) -> set[str]:
    """The journey stages a consultation's words say it is about."""
    text = f"{consultation.question} {consultation.description}".casefold()
    return {code for code, words in JOURNEY_WORDS.items() if any(w in text for w in words)}


def outcome_picker(
    idea: Idea, frameworks: list[OutcomeFramework] | None = None, show_all: bool = False
) -> OutcomePicker:
    """The outcomes staff may link `idea` to, in the order that helps them find the right one.

    First the journey stages that fit: those the idea's consultation is about, and those for
    the age band of the young person who wrote it (for a 14-year-old, secondary school). Then
    the frameworks' other headings in source order (vision, offers, quality principles, the QLP
    aims and outcomes), then the other stages. Early-years stages (before birth to starting
    school) are left out unless `show_all`, as no young person here is that young.
    `frameworks` is `all_frameworks()`, passed in when one page shows many pickers.
    """
    low, high = _ages_of(idea)
    named = _stages_named_by(idea.consultation)
    fitting, general, other, early = [], [], [], []
    for framework in frameworks if frameworks is not None else all_frameworks():
        for group in framework.groups:
            ages = JOURNEY_AGES.get(group.code)
            fits = group.code in named or (ages is not None and ages[0] <= high and ages[1] >= low)
            choice = OutcomeChoiceGroup(
                group.code, f"{framework.name}: {group.title}", fits, list(group.outcomes)
            )
            if ages is None:
                general.append(choice)
            elif fits:
                fitting.append(choice)
            elif ages[1] <= EARLY_YEARS_END < low:
                early.append(choice)
            else:
                other.append(choice)
    groups = fitting + general + other + (early if show_all else [])
    left_out = 0 if show_all else sum(len(group.outcomes) for group in early)
    return OutcomePicker(groups, left_out, show_all)
