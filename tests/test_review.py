"""The QLP reviewer's dashboard: ideas under the outcomes they serve."""

import re

from app.models import IdeaStatus, Role
from app.moderation.services import link_outcome
from app.review.services import ideas_by_outcome, unlinked_ideas


def section_for(code: str):
    """The dashboard row of one outcome."""
    for _framework, sections in ideas_by_outcome():
        for section in sections:
            for row in section.rows:
                if row.outcome.code == code:
                    return section, row
    raise AssertionError(code)


def test_linked_idea_is_listed_under_each_outcome_it_serves(make):
    """An idea linked to QLP aim c and Promise vision 5 appears under both."""
    idea, staff = make.idea(title="Teen advisory board"), make.user(Role.STAFF)
    link_outcome(idea, "qlp.aim.c", staff, "Planned with young people.")
    link_outcome(idea, "promise.vision.5", staff, "They decide on service developments.")
    for code in ("qlp.aim.c", "promise.vision.5"):
        section, row = section_for(code)
        assert [i.title for i in row.ideas] == ["Teen advisory board"]
        assert section.idea_count == 1
    assert section_for("qlp.aim.a")[1].ideas == []
    assert unlinked_ideas() == []


def test_ideas_under_an_outcome_are_ordered_by_votes(make):
    """The most supported idea comes first."""
    from app.ideas.services import cast_vote

    staff = make.user(Role.STAFF)
    quiet, popular = make.idea(title="Quiet"), make.idea(title="Popular")
    cast_vote(make.user(), popular)
    for idea in (quiet, popular):
        link_outcome(idea, "qlp.outcome.c", staff, "New service for unmet needs.")
    assert [i.title for i in section_for("qlp.outcome.c")[1].ideas] == ["Popular", "Quiet"]


def test_hidden_ideas_leave_the_dashboard(make):
    """An idea hidden after linking no longer counts towards an outcome."""
    from app.ideas.services import change_status

    idea, staff = make.idea(), make.user(Role.STAFF)
    link_outcome(idea, "qlp.aim.d", staff, "Brings communities together.")
    change_status(idea, staff, IdeaStatus.HIDDEN, "Contains a phone number.")
    assert section_for("qlp.aim.d")[1].ideas == []


def test_dashboard_page_shows_votes_and_status_under_the_aim(client, make, login):
    """The reviewer sees the idea, its status and its votes under the QLP aim's wording."""
    idea, staff = make.idea(title="Refugee welcome reading group"), make.user(Role.STAFF)
    link_outcome(idea, "qlp.aim.c", staff, "Co-designed with the youth group.")
    make.idea(title="Not yet linked idea")
    login(make.user(Role.QLP_REVIEWER))
    html = client.get("/review/").get_data(as_text=True)
    aim_c = html.index("Develop, plan and implement new services for young people")
    aim_d = html.index("To increase social cohesion")
    block = html[aim_c:aim_d]
    assert "Refugee welcome reading group" in block
    assert re.search(r"Published</span> · 0 votes", block)
    assert "Not yet linked idea" in html[html.index("not yet linked to an outcome") :]


def test_dashboard_puts_qlp_first_and_folds_groups_without_ideas(client, make, login):
    """QLP aims come before the Promise; only groups with linked ideas start open."""
    idea, staff = make.idea(), make.user(Role.STAFF)
    link_outcome(idea, "qlp.aim.a", staff, "Mainstreams services for young people.")
    login(make.user(Role.QLP_REVIEWER))
    html = client.get("/review/").get_data(as_text=True)
    assert html.index("Aims of the QLP-Youth Project") < html.index("Vision")
    assert re.search(r'<details class="group" open>\s*<summary><h3>Aims of the QLP', html)
    assert re.search(r'<details class="group">\s*<summary><h3>Vision', html)
