"""The outcome frameworks module encodes both source documents completely and faithfully."""

import re

import pytest

from app.outcome_frameworks import FRAMEWORKS


def _framework(code):
    return next(framework for framework in FRAMEWORKS if framework["code"] == code)


def _group(code):
    return next(
        group for framework in FRAMEWORKS for group in framework["groups"] if group["code"] == code
    )


def _outcomes():
    return [
        outcome
        for framework in FRAMEWORKS
        for group in framework["groups"]
        for outcome in group["outcomes"]
    ]


def _wording(code):
    return next(outcome["wording"] for outcome in _outcomes() if outcome["code"] == code)


def _journey_stages():
    return [
        group
        for group in _framework("promise")["groups"]
        if group["code"].startswith("promise.journey.")
    ]


def test_frameworks_are_the_promise_and_the_qlp_youth_strand():
    """Exactly two frameworks exist, the Promise first and the QLP youth strand second."""
    assert [framework["code"] for framework in FRAMEWORKS] == ["promise", "qlp"]
    for framework in FRAMEWORKS:
        assert framework["name"]
        assert framework["source"]


def test_every_outcome_code_is_unique():
    """No code is used twice across frameworks, groups and outcomes."""
    codes = [framework["code"] for framework in FRAMEWORKS]
    codes += [group["code"] for framework in FRAMEWORKS for group in framework["groups"]]
    codes += [outcome["code"] for outcome in _outcomes()]
    assert len(codes) == len(set(codes))


def test_every_code_is_prefixed_by_its_parent_code():
    """Group codes start with their framework code and outcome codes with their group code."""
    for framework in FRAMEWORKS:
        for group in framework["groups"]:
            assert group["code"].startswith(framework["code"] + ".")
            for outcome in group["outcomes"]:
                assert outcome["code"].startswith(group["code"] + ".")


@pytest.mark.parametrize(
    ("group_code", "count"),
    [
        ("promise.vision", 6),
        ("promise.offer", 5),
        ("promise.ace", 7),
        ("qlp.aim", 4),
        ("qlp.outcome", 6),
    ],
)
def test_each_group_holds_every_statement_of_its_source_list(group_code, count):
    """Vision, offers, ACE principles, QLP aims and QLP outcomes have their source counts."""
    assert len(_group(group_code)["outcomes"]) == count


def test_the_library_journey_has_six_stages_in_source_order():
    """The six journey stages appear in the order the source table lists them."""
    stages = _journey_stages()
    assert [stage["code"] for stage in stages] == [f"promise.journey.{n}" for n in range(1, 7)]
    assert [stage["title"] for stage in stages] == [
        "Pre-natal to birth",
        "Pre-school",
        "Transition to primary school",
        "Out of school engagement with primary aged children",
        "Transition to secondary school",
        "Out of school engagement with secondary school children",
    ]


def test_every_journey_stage_has_outcomes_and_a_description():
    """Each journey stage carries its 'What does this look like?' text and at least one outcome."""
    for stage in _journey_stages():
        assert stage["description"]
        assert stage["outcomes"]


def test_journey_stage_outcome_counts_match_the_source():
    """Each journey stage holds exactly as many bullet outcomes as the source table."""
    assert [len(stage["outcomes"]) for stage in _journey_stages()] == [2, 2, 3, 8, 5, 4]


def test_numbered_outcome_codes_run_in_order_from_one():
    """Vision, journey and ACE outcomes are numbered 1, 2, 3 ... in source order."""
    for group in _framework("promise")["groups"]:
        if group["code"] == "promise.offer":
            continue
        numbers = [outcome["code"].rsplit(".", 1)[1] for outcome in group["outcomes"]]
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)]


def test_lettered_qlp_codes_run_in_order_from_a():
    """QLP aims and outcomes keep the source's a, b, c ... lettering."""
    for group in _framework("qlp")["groups"]:
        letters = [outcome["code"].rsplit(".", 1)[1] for outcome in group["outcomes"]]
        assert letters == list("abcdef"[: len(letters)])


def test_universal_offer_codes_are_named_after_the_offers():
    """The five SCL Universal Offers keep their named codes in source order."""
    assert [outcome["code"] for outcome in _group("promise.offer")["outcomes"]] == [
        "promise.offer.reading",
        "promise.offer.learning-digital",
        "promise.offer.health",
        "promise.offer.information",
        "promise.offer.six-steps",
    ]


def test_wording_is_clean_of_bullets_list_markers_and_extra_whitespace():
    """No wording keeps a bullet, an 'a..' marker, or surrounding or repeated whitespace."""
    for outcome in _outcomes():
        wording = outcome["wording"]
        assert wording
        assert wording == wording.strip()
        assert "  " not in wording
        assert "·" not in wording
        assert not re.match(r"[a-z]\.\.", wording)


def test_wording_matches_the_source_exactly():
    """A sample of statements reads word for word as in the source documents."""
    assert _wording("promise.vision.5") == (
        "They are actively involved in decisions about service developments and are offered "
        "opportunities to volunteer."
    )
    assert _wording("promise.vision.6") == (
        "They are supported through library services and activities to improve their health "
        "and wellbeing"
    )
    assert _wording("promise.journey.4.7") == (
        "Digital fluency –(citizenship, STEM Agenda and supporting combating extremism)"
    )
    assert _wording("promise.journey.6.4") == (
        "Improving and supporting young people’s mental health and wellbeing?"
    )
    assert _wording("promise.offer.reading") == (
        "Reading Offer: Books and reading focused promotions for under-fives and older "
        "children linking to the calendar spikes of the reading offer"
    )
    assert _wording("promise.ace.3") == "being inspiring, and engaging"
    assert _wording("qlp.aim.c") == (
        "Develop, plan and implement new services for young people in partnership with the "
        "youth themselves, and with other stakeholders."
    )
    assert _wording("qlp.outcome.c") == (
        "Service development/improvement: new services to meet new or unmet needs of young "
        "people, especially from excluded communities and potential users who may not have "
        "been reached by their authorities."
    )
