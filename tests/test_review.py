"""Ideas by outcome for QLP teams: how many ideas serve each outcome, and which, on demand."""

import re

import pytest

from app.models import IdeaStatus, Role
from app.moderation.services import link_outcome
from app.review.services import (
    find_outcome,
    ideas_for_outcome,
    outcome_counts,
    unlinked_count,
    unlinked_ideas,
)


def counted(code: str):
    """The dashboard's group section and row for one outcome."""
    for _framework, sections in outcome_counts():
        for section in sections:
            for row in section.rows:
                if row.outcome.code == code:
                    return section, row
    raise AssertionError(code)


def titles(code: str) -> list[str]:
    """The titles listed under an outcome, in order."""
    return [idea.title for idea in ideas_for_outcome(find_outcome(code)).items]


def test_linked_idea_is_counted_and_listed_under_each_outcome_it_serves(make):
    """An idea linked to QLP aim c and Promise vision 5 counts under both and is listed there."""
    idea = make.idea(title="Teen advisory board")
    staff = make.staff(idea.consultation.library_service)
    link_outcome(idea, "qlp.aim.c", staff, "Planned with young people.")
    link_outcome(idea, "promise.vision.5", staff, "They decide on service developments.")
    for code in ("qlp.aim.c", "promise.vision.5"):
        section, row = counted(code)
        assert (row.idea_count, section.idea_count) == (1, 1)
        assert titles(code) == ["Teen advisory board"]
    assert counted("qlp.aim.a")[1].idea_count == 0
    assert titles("qlp.aim.a") == []
    assert unlinked_ideas().items == []
    assert unlinked_count() == 0


def test_an_idea_serving_two_outcomes_of_a_group_counts_once_for_the_group(make):
    """Group counts are of distinct ideas."""
    idea = make.idea()
    staff = make.staff(idea.consultation.library_service)
    link_outcome(idea, "qlp.aim.a", staff, "Mainstreams a service.")
    link_outcome(idea, "qlp.aim.b", staff, "Staff learn new skills.")
    section, row = counted("qlp.aim.a")
    assert (row.idea_count, section.idea_count) == (1, 1)


def test_ideas_under_an_outcome_are_ordered_by_votes(make):
    """The most supported idea comes first."""
    from app.ideas.services import cast_vote

    quiet, popular = make.idea(title="Quiet"), make.idea(title="Popular")
    staff = make.staff(quiet.consultation.library_service, popular.consultation.library_service)
    cast_vote(make.user(), popular)
    for idea in (quiet, popular):
        link_outcome(idea, "qlp.outcome.c", staff, "New service for unmet needs.")
    assert titles("qlp.outcome.c") == ["Popular", "Quiet"]


def test_hidden_ideas_leave_ideas_by_outcome(make):
    """An idea hidden after linking no longer counts towards an outcome or is listed."""
    from app.ideas.services import change_status

    idea = make.idea()
    staff = make.staff(idea.consultation.library_service)
    link_outcome(idea, "qlp.aim.d", staff, "Brings communities together.")
    change_status(idea, staff, IdeaStatus.HIDDEN, "Contains a phone number.")
    assert counted("qlp.aim.d")[1].idea_count == 0
    assert titles("qlp.aim.d") == []


def test_ideas_by_outcome_shows_counts_and_opens_an_outcomes_ideas_on_demand(client, make, login):
    """The dashboard counts ideas per outcome and links to them; the outcome page lists them."""
    idea = make.idea(title="Refugee welcome reading group")
    staff = make.staff(idea.consultation.library_service)
    link_outcome(idea, "qlp.aim.c", staff, "Co-designed with the youth group.")
    make.idea(title="Not yet linked idea")
    login(make.user(Role.QLP_REVIEWER))
    html = client.get("/review/ideas").get_data(as_text=True)
    aim_c = html.index("Develop, plan and implement new services for young people")
    aim_d = html.index("To increase social cohesion")
    block = html[aim_c:aim_d]
    assert "<summary>1 idea</summary>" in block
    assert 'hx-get="/review/outcomes/qlp.aim.c" hx-trigger="intersect once"' in block
    assert "Refugee welcome reading group" not in block  # loaded only when opened
    assert "Not yet linked idea" in html[html.index("not yet linked to an outcome") :]
    page = client.get("/review/outcomes/qlp.aim.c").get_data(as_text=True)
    assert "Refugee welcome reading group" in page
    assert re.search(r"Published</span> · 0 votes", page)


def test_an_outcome_opened_with_htmx_gets_the_list_alone(client, make, login):
    """What htmx loads into the dashboard is the list and its pager, not a whole page."""
    idea = make.idea(title="Homework club")
    staff = make.staff(idea.consultation.library_service)
    link_outcome(idea, "qlp.aim.c", staff, "Young people run it.")
    login(make.user(Role.QLP_REVIEWER))
    response = client.get("/review/outcomes/qlp.aim.c", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<div class="listing" id="outcome-')
    assert "Homework club" in html


@pytest.mark.parametrize("code", ["qlp.aim.z", "nothing"])
def test_an_unknown_outcome_is_not_found(client, make, login, code):
    """A made-up outcome code is a 404."""
    login(make.user(Role.QLP_REVIEWER))
    assert client.get(f"/review/outcomes/{code}").status_code == 404


def test_ideas_by_outcome_puts_qlp_first_and_folds_groups_without_ideas(client, make, login):
    """QLP aims come before the Promise; only groups with linked ideas start open."""
    idea = make.idea()
    staff = make.staff(idea.consultation.library_service)
    link_outcome(idea, "qlp.aim.a", staff, "Mainstreams services for young people.")
    login(make.user(Role.QLP_REVIEWER))
    html = client.get("/review/ideas").get_data(as_text=True)
    assert html.index("Aims of the QLP-Youth Project") < html.index("Vision")
    assert re.search(r'<details class="group" open>\s*<summary><h3>Aims of the QLP', html)
    assert re.search(r'<details class="group">\s*<summary><h3>Vision', html)


def test_the_qlp_dashboard_links_to_ideas_by_outcome_and_back(client, make, login):
    """Ideas by outcome moved off the dashboard: a link leads there, and its pages lead back."""
    login(make.user(Role.QLP_REVIEWER))
    dashboard = client.get("/review/").get_data(as_text=True)
    assert 'href="/review/ideas"' in dashboard
    ideas = client.get("/review/ideas").get_data(as_text=True)
    assert "<h1>Ideas by outcome</h1>" in ideas
    assert 'href="/review/"' in ideas
    for page in ("/review/outcomes/qlp.aim.c", "/review/unlinked"):
        assert 'href="/review/ideas"' in client.get(page).get_data(as_text=True)
