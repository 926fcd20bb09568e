"""Where the bars of the month trend charts (server-drawn SVG) go, mirrored right to left.

A bar's height comes from the figure as shown (its rounded value), never from the true count,
so a chart tells no more than the table beside it. A suppressed month ("fewer than 5" or
"suppressed") is drawn as a hatched marker on the axis, with no height.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.evidence.disclosure import Figure
from app.i18n import _

SLOT = 52
BAR = 30
LEFT = 12
TOP = 18
PLOT = 120
LABELS = 22
MARKER = 8
HEIGHT = TOP + PLOT + LABELS


@dataclass(frozen=True)
class Bar:
    """One month: its bar (or hatched marker), its shown figure and its label."""

    x: int
    y: int
    height: int
    text: str
    label: str
    suppressed: bool

    @property
    def middle(self) -> int:
        """The middle of the bar, where its texts are centred."""
        return self.x + BAR // 2


@dataclass(frozen=True)
class Chart:
    """A bar chart of one series by month."""

    key: str
    title: str
    width: int
    bars: list[Bar]

    @property
    def height(self) -> int:
        """The chart's height, the same for every chart."""
        return HEIGHT

    @property
    def baseline(self) -> int:
        """Where the bars stand."""
        return TOP + PLOT


def bar_chart(key: str, title: str, points: list[tuple[str, Figure]], rtl: bool) -> Chart:
    """A chart of `points` (a month's label and its figure), first month at the start side."""
    width = 2 * LEFT + max(len(points), 1) * SLOT
    top = max((shown.value or 0 for _label, shown in points), default=0) or 1
    bars = []
    for index, (label, shown) in enumerate(points):
        x = LEFT + index * SLOT + (SLOT - BAR) // 2
        if rtl:
            x = width - x - BAR
        height = MARKER if shown.suppressed else round(PLOT * (shown.value or 0) / top)
        bars.append(
            Bar(
                x=x,
                y=TOP + PLOT - height,
                height=height,
                text=str(shown),
                label=label,
                suppressed=shown.suppressed,
            )
        )
    return Chart(key=key, title=title, width=width, bars=bars)


def trend_charts(months, rtl: bool) -> list[Chart]:
    """The three trend charts of the participation report: ideas, votes and people by month."""
    return [
        bar_chart(
            "ideas",
            _("Ideas by month"),
            [(m.label, m.ideas) for m in months],
            rtl,
        ),
        bar_chart("votes", _("Votes by month"), [(m.label, m.votes) for m in months], rtl),
        bar_chart(
            "people",
            _("Young people taking part by month"),
            [(m.label, m.people) for m in months],
            rtl,
        ),
    ]
