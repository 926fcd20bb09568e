"""Join codes: staff make one for a session, print its QR poster, end it; a group joins with it.

Only a count is kept: no account records the code it was made with.
"""

import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import segno
from flask_babel import to_user_timezone
from sqlalchemy import func, select

from app import create_app
from app.auth.services import check_new_password
from app.extensions import db
from app.joincodes import services
from app.joincodes.services import ALPHABET, CodeNotWorking, CodeState
from app.models import (
    AuditEntry,
    Branch,
    Consultation,
    JoinCode,
    LibraryService,
    Phase,
    Role,
    User,
    utcnow,
)
from app.passwords import PASSPHRASE_WORDS, suggest_passphrase, weak_password_reason
from app.rules import RuleError
from tests.conftest import PASSWORD, csrf_token

PASSPHRASE = "otter rocket plum daisy"
CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"


def service_with_library(make, name: str, library: str) -> LibraryService:
    """A library service with one library."""
    service = make.library_service(name)
    db.session.add(Branch(library_service=service, name=library))
    db.session.commit()
    return service


@pytest.fixture
def riverside(make) -> LibraryService:
    """A library service with one library."""
    return service_with_library(make, "Riverside Libraries", "Riverside Central")


@pytest.fixture
def hillside(make) -> LibraryService:
    """Another library service, with a library of its own."""
    return service_with_library(make, "Hillside Libraries", "Hillside Library")


@pytest.fixture
def staff(make, riverside):
    """A member of Riverside's staff."""
    return make.staff(riverside, username="Rita_staff")


def make_code(actor, service, **values) -> JoinCode:
    """A code made through the rules, for `service`."""
    values.setdefault("label", "Year 7 visit")
    return services.create_join_code(actor, library_service_id=service.id, **values)


def codes() -> list[JoinCode]:
    """Every join code, oldest first, read afresh."""
    db.session.expire_all()
    return list(db.session.execute(select(JoinCode).order_by(JoinCode.id)).scalars())


def people() -> int:
    """How many accounts there are."""
    return db.session.scalar(select(func.count(User.id)))


def audit(action: str) -> list[AuditEntry]:
    """The audit entries of one action, oldest first."""
    return list(
        db.session.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).scalars()
    )


def join_form(client, **values) -> dict:
    """The join form filled in well, with any field changed."""
    return {
        "csrf_token": csrf_token(client),
        "username": "otter_kid",
        "password": PASSPHRASE,
        "confirm": PASSPHRASE,
        "age_band": "11-13",
        **values,
    }


# --- The codes themselves ----------------------------------------------------------------------


def test_new_codes_are_8_characters_with_no_look_alikes():
    """No 0 or O, no 1, I or L: nothing to misread off a poster."""
    drawn = {services.new_code() for _ in range(300)}
    assert len(drawn) == 300
    assert all(len(code) == 8 and set(code) <= set(ALPHABET) for code in drawn)
    assert not set("0O1IL") & set(ALPHABET)


def test_a_code_is_read_in_any_case_with_or_without_dash_or_spaces():
    """However it is typed, it is the same code; what cannot be a code is nothing."""
    for typed in ["ABCD-EFGH", "abcdefgh", " abcd efgh ", "AbCd–eFgH", "ab cd-ef gh"]:
        assert services.normalise_code(typed) == "ABCDEFGH"
    for typed in ["", None, "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "OBCDEFGH", "ABCD/EFGH"]:
        assert services.normalise_code(typed) is None
    assert services.display_code("ABCDEFGH") == "ABCD-EFGH"
    assert services.tidy_code("abcd efgh") == "ABCD-EFGH"
    assert services.tidy_code("<b>no?//</b>") == "BNOB"
    assert services.tidy_code("  ") == ""


# --- Making codes (staff) ----------------------------------------------------------------------


def test_staff_make_a_code_for_their_library_service_and_it_is_audited(app, staff, riverside):
    """35 uses and the end of today unless chosen; the label, place and limits are kept."""
    branch = riverside.branches[0]
    consultation = make_consultation(riverside)
    join_code = make_code(staff, riverside, branch_id=branch.id, consultation_id=consultation.id)
    assert (join_code.label, join_code.max_uses, join_code.uses) == ("Year 7 visit", 35, 0)
    assert (join_code.branch_id, join_code.consultation_id) == (branch.id, consultation.id)
    local_expiry = to_user_timezone(join_code.expires_at)
    assert local_expiry.date() == to_user_timezone(utcnow()).date()
    assert (local_expiry.hour, local_expiry.minute) == (23, 59)
    assert services.state_of(join_code) is CodeState.ACTIVE
    [entry] = audit("join_code.create")
    assert entry.actor_id == staff.id and entry.subject_id == join_code.id
    assert entry.detail["library_service"] == "Riverside Libraries"
    assert entry.detail["max_uses"] == 35


def make_consultation(service, phase: Phase = Phase.PROPOSALS_OPEN) -> Consultation:
    """A consultation of `service`."""
    consultation = Consultation(
        question="What should we add?", phase=phase, library_service=service
    )
    db.session.add(consultation)
    db.session.commit()
    return consultation


def test_every_expiry_choice_is_in_the_future_and_within_90_days(app, staff, riverside):
    """From an hour to 90 days, never more."""
    for choice in services.EXPIRY_CHOICES:
        before = utcnow()
        expires_at = make_code(staff, riverside, expires_in=choice).expires_at
        assert before < expires_at <= utcnow() + timedelta(days=90), choice
    with pytest.raises(RuleError) as refusal:
        make_code(staff, riverside, expires_in="365d")
    assert refusal.value.field == "expires_in"


def test_a_clash_with_a_code_already_made_draws_another(app, staff, riverside, monkeypatch):
    """The rare code drawn twice is drawn again, not refused."""
    first = make_code(staff, riverside).code
    draws = iter([first, first, "ZZZZ2222"])
    monkeypatch.setattr(services, "new_code", lambda: next(draws))
    assert make_code(staff, riverside).code == "ZZZZ2222"
    assert [c.code for c in codes()] == [first, "ZZZZ2222"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"max_uses": 0}, "max_uses"),
        ({"max_uses": 501}, "max_uses"),
        ({"max_uses": 10**30}, "max_uses"),
        ({"max_uses": None}, "max_uses"),
        ({"label": "   "}, "label"),
        ({"label": "x" * 81}, "label"),
        ({"branch_id": 10**30}, "branch"),
        ({"consultation_id": -1}, "consultation"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_made(app, staff, riverside, values, field):
    """Each refusal names its field."""
    with pytest.raises(RuleError) as refusal:
        make_code(staff, riverside, **values)
    assert refusal.value.field == field
    assert codes() == [] and audit("join_code.create") == []


def test_staff_make_codes_only_in_their_own_library_services(app, make, staff, riverside, hillside):
    """Another library service, its library or its consultation: refused, nothing made."""
    with pytest.raises(RuleError) as refusal:
        make_code(staff, hillside)
    assert refusal.value.field == "library_service"
    with pytest.raises(RuleError) as refusal:
        make_code(staff, riverside, branch_id=hillside.branches[0].id)
    assert refusal.value.field == "branch"
    with pytest.raises(RuleError) as refusal:
        make_code(staff, riverside, consultation_id=make_consultation(hillside).id)
    assert refusal.value.field == "consultation"
    with pytest.raises(RuleError) as refusal:
        make_code(staff, riverside, consultation_id=make_consultation(riverside, Phase.CLOSED).id)
    assert refusal.value.field == "consultation"
    for role in (Role.YOUNG_PERSON, Role.QLP_REVIEWER):
        with pytest.raises(RuleError):
            make_code(make.user(role), riverside)
    assert codes() == []


def test_the_list_shows_the_codes_of_ones_own_library_services_newest_first(
    app, make, staff, riverside, hillside
):
    """Staff see their own services' codes; admins see every code."""
    first, second = make_code(staff, riverside), make_code(staff, riverside, label="Second")
    make_code(make.staff(hillside), hillside, label="Hillside's")
    assert [c.id for c in services.join_codes_page(staff).items] == [second.id, first.id]
    assert len(services.join_codes_page(make.user(Role.ADMIN)).items) == 3
    assert services.join_codes_page(make.staff()).items == []


# --- Ending codes ------------------------------------------------------------------------------


def test_staff_end_a_code_early_once_and_it_is_audited(app, make, staff, riverside, hillside):
    """Ended: it no longer works; a second end, or staff of another service, are refused."""
    join_code = make_code(staff, riverside)
    with pytest.raises(RuleError):
        services.end_join_code(make.staff(hillside), join_code)
    services.end_join_code(staff, join_code)
    assert services.state_of(codes()[0]) is CodeState.ENDED
    with pytest.raises(RuleError):
        services.end_join_code(staff, codes()[0])
    [entry] = audit("join_code.end")
    assert entry.actor_id == staff.id and entry.detail == {"label": "Year 7 visit", "uses": 0}


# --- Joining with a code -----------------------------------------------------------------------


def test_joining_counts_one_use_and_nothing_links_the_account_to_the_code(app, staff, riverside):
    """Staff see a number; the data itself cannot say who joined with which code."""
    join_code = make_code(staff, riverside, max_uses=2)
    user = services.join_with_code(join_code, "otter_kid", PASSPHRASE, "8-10")
    assert (user.role, user.age_band) == (Role.YOUNG_PERSON, "8-10")
    assert codes()[0].uses == 1
    references = [
        (table.name, key.parent.name)
        for table in db.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "join_codes"
    ]
    assert references == []


def test_an_account_refused_uses_nothing(app, staff, riverside):
    """A weak password or a taken name: the count is taken back with the account."""
    join_code = make_code(staff, riverside)
    before = people()
    with pytest.raises(RuleError) as refusal:
        services.join_with_code(join_code, "otter_kid", "password", "11-13")
    assert refusal.value.field == "password"
    with pytest.raises(RuleError):
        services.join_with_code(join_code, staff.username, PASSPHRASE, "11-13")
    assert codes()[0].uses == 0 and people() == before


@pytest.mark.parametrize(
    ("change", "state"),
    [
        ({"expires_at": datetime(2020, 1, 1, tzinfo=UTC)}, CodeState.EXPIRED),
        ({"uses": 3}, CodeState.USED_UP),
        ({"ended_at": datetime(2020, 1, 1, tzinfo=UTC)}, CodeState.ENDED),
    ],
)
def test_expired_used_up_and_ended_codes_let_nobody_join(app, staff, riverside, change, state):
    """The refusal says why; no account is made and the count stays."""
    join_code = make_code(staff, riverside, max_uses=3)
    for name, value in change.items():
        setattr(join_code, name, value)
    db.session.commit()
    uses, before = join_code.uses, people()
    with pytest.raises(CodeNotWorking) as refusal:
        services.join_with_code(join_code, "otter_kid", PASSPHRASE, "11-13")
    assert refusal.value.state is state
    assert codes()[0].uses == uses and people() == before


# A connection for each of the 40, all open at the same moment.
@pytest.mark.committing
@pytest.mark.parametrize(
    "app_settings", [{"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 40}}]
)
def test_forty_people_joining_at_once_never_go_past_the_maximum(app, staff, riverside):
    """A class of 40 with a code for 30: exactly 30 accounts, and the count says 30."""
    code_id = make_code(staff, riverside, max_uses=30).id
    barrier, results, errors = threading.Barrier(40), [], []

    def join(number: int) -> None:
        with app.app_context():
            try:
                join_code = db.session.get(JoinCode, code_id)
                barrier.wait(timeout=20)
                services.join_with_code(join_code, f"pupil_{number}", PASSPHRASE, "11-13")
                results.append("joined")
            except CodeNotWorking:
                results.append("refused")
            except BaseException as error:  # reported to the test, never swallowed
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=join, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(results) == ["joined"] * 30 + ["refused"] * 10
    assert codes()[0].uses == 30
    assert db.session.scalar(select(func.count(User.id)).where(User.username.like("pupil_%"))) == 30


def test_suggested_passphrases_pass_the_password_checks():
    """Four different easy words, never refused as easy to guess."""
    for _ in range(200):
        suggestion = suggest_passphrase()
        words = suggestion.split(" ")
        assert len(words) == 4 and len(set(words)) == 4
        assert set(words) <= set(PASSPHRASE_WORDS)
        assert weak_password_reason(suggestion) is None
        check_new_password(suggestion, "otter_kid", field="password")


def qr_matrix(svg: str) -> list[list[bool]]:
    """The dark modules an SVG of segno's draws: each `h` is a run of dark modules in a row."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    grid = [[False] * size for _ in range(size)]
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            for column in range(int(x), int(x + float(first))):
                grid[int(y)][column] = True
            x += float(first)
    return grid


def test_the_qr_code_is_plain_svg_of_the_address_and_named_for_screen_readers(app):
    """No style attribute, link or outside reference; its squares are the address's QR code."""
    url = "https://libraries.example/join/ABCD-EFGH"
    svg = str(services.qr_code_svg(url, "QR code <for> you"))
    assert svg.startswith('<svg role="img" aria-label="QR code &lt;for&gt; you" ')
    assert "<title>QR code &lt;for&gt; you</title>" in svg
    for forbidden in ("style=", "href", "url(", "<image", "<script", "<foreignObject"):
        assert forbidden not in svg
    expected = segno.make(url, error="m")
    border = 4
    drawn = qr_matrix(svg)
    inner = [row[border:-border] for row in drawn[border:-border]]
    assert inner == [[bool(module) for module in row] for row in expected.matrix]
    assert not any(drawn[0]) and not any(drawn[-1])


# --- Staff pages -------------------------------------------------------------------------------


def test_staff_make_a_code_with_the_form_and_land_on_its_poster(client, login, staff, riverside):
    """A 303 to the poster, with the code announced."""
    login(staff)
    branch = riverside.branches[0]
    response = client.post(
        "/staff/join-codes/new",
        data={
            "csrf_token": csrf_token(client),
            "label": "Homework club",
            "library_service": riverside.id,
            "branch": branch.id,
            "consultation": "",
            "expires_in": "3h",
            "max_uses": "12",
        },
    )
    [join_code] = codes()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/join-codes/{join_code.id}/poster"
    assert (join_code.label, join_code.branch_id, join_code.max_uses) == (
        "Homework club",
        branch.id,
        12,
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert services.display_code(join_code.code) in html and "is ready" in html


def test_the_new_code_form_offers_35_uses_and_the_end_of_today(client, login, staff):
    """Sensible defaults, and only the person's own library services."""
    login(staff)
    html = client.get("/staff/join-codes/new").get_data(as_text=True)
    assert 'value="35"' in html
    assert re.search(r'<option selected value="today">', html)
    assert "Riverside Libraries" in html and "Hillside" not in html


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"branch": "999999"}, "branch"),
        ({"max_uses": "99999999999999999999999"}, "max_uses"),
        ({"max_uses": "-3"}, "max_uses"),
        ({"label": ""}, "label"),
        ({"library_service": "abc"}, "library_service"),
        ({"expires_in": "forever"}, "expires_in"),
    ],
)
def test_bad_input_to_the_form_is_a_400_with_a_message_and_nothing_made(
    client, login, staff, riverside, change, field
):
    """Each mistake is said beside its field; nothing is made or audited."""
    login(staff)
    data = {
        "csrf_token": csrf_token(client),
        "label": "Visit",
        "library_service": riverside.id,
        "expires_in": "today",
        "max_uses": "30",
        **change,
    }
    response = client.post("/staff/join-codes/new", data=data)
    assert response.status_code == 400
    assert f'class="error" id="{field}-error"' in response.get_data(as_text=True)
    assert codes() == [] and audit("join_code.create") == []


def test_a_nul_byte_is_refused_before_anything(client, login, staff, riverside):
    """A 400, nothing made."""
    login(staff)
    data = {"csrf_token": csrf_token(client), "label": "Vis\x00it", "library_service": riverside.id}
    assert client.post("/staff/join-codes/new", data=data).status_code == 400
    assert codes() == []


def test_another_services_library_or_consultation_is_refused_with_a_message(
    client, make, login, riverside, hillside
):
    """Staff of both services may pick either; mixing them is refused and says why."""
    login(make.staff(riverside, hillside))
    elsewhere = make_consultation(hillside)
    for change, message in [
        ({"branch": hillside.branches[0].id}, "Please choose a library of the library service"),
        ({"consultation": elsewhere.id}, "Please choose a consultation of the library service"),
    ]:
        data = {
            "csrf_token": csrf_token(client),
            "label": "Visit",
            "library_service": riverside.id,
            "expires_in": "today",
            "max_uses": "30",
            **change,
        }
        response = client.post("/staff/join-codes/new", data=data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert codes() == []


def test_the_list_says_how_many_joined_and_whether_each_code_works(client, login, staff, riverside):
    """ "12 of 30 joined", the state in plain words, and a way to end only working codes."""
    used = make_code(staff, riverside, label="Used", max_uses=30)
    used.uses = 12
    ended = make_code(staff, riverside, label="Over")
    services.end_join_code(staff, ended)
    db.session.commit()
    login(staff)
    html = client.get("/staff/join-codes").get_data(as_text=True)
    assert "12 of 30 joined" in html and "0 of 35 joined" in html
    assert "Active" in html and "Ended" in html
    assert f"/staff/join-codes/{used.id}/end" in html
    assert f"/staff/join-codes/{ended.id}/end" not in html
    assert "otter" not in html  # nobody's name: no one joined by name


def test_the_list_is_paged_and_htmx_gets_only_the_items_to_append(client, login, staff, riverside):
    """20 a page; "Show more" under htmx answers with the next items alone."""
    for n in range(25):
        make_code(staff, riverside, label=f"Session {n}")
    login(staff)
    html = client.get("/staff/join-codes").get_data(as_text=True)
    assert "Session 24" in html and "Session 0" not in html
    assert html.count('class="card join-code"') == 20
    more = re.search(r'href="(/staff/join-codes\?after=[^"]+)"', html).group(1)
    response = client.get(more.replace("&amp;", "&"), headers={"HX-Request": "true"})
    partial = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in partial
    assert partial.count('class="card join-code"') == 5 and "Session 0" in partial
    assert "HX-Request" in response.headers["Vary"]


def test_the_list_costs_the_same_queries_at_3_codes_as_at_30(
    app, client, make, login, staff, riverside, count_queries
):
    """Each code's library service, library and consultation come with the page."""
    login(staff)

    def measure() -> int:
        with count_queries() as counted:
            assert client.get("/staff/join-codes").status_code == 200
        return len(counted)

    def add(number: int) -> None:
        for _ in range(number):
            db.session.add(Branch(library_service=riverside, name=f"Branch {make._next()}"))
            db.session.commit()
            make_code(
                staff,
                riverside,
                branch_id=riverside.branches[-1].id,
                consultation_id=make_consultation(riverside).id,
            )

    add(3)
    at_3 = measure()
    add(27)
    assert measure() == at_3


def test_the_poster_shows_the_code_its_address_and_its_qr_code(client, login, staff, riverside):
    """Large code, absolute join address, inline SVG QR codes, nothing loaded from elsewhere."""
    join_code = make_code(staff, riverside, branch_id=riverside.branches[0].id)
    login(staff)
    response = client.get(f"/staff/join-codes/{join_code.id}/poster")
    html = response.get_data(as_text=True)
    code = services.display_code(join_code.code)
    url = f"http://localhost/join/{code}"
    assert response.status_code == 200
    assert f'<p class="poster-code">{code}</p>' in html
    # It may break after a slash on a narrow screen, and reads the same.
    shown = url.replace("/", "/<wbr>")
    assert f'<p class="poster-url">{shown}</p>' in html
    assert "Riverside Central, Riverside Libraries" in html
    svgs = re.findall(r"<svg role=\"img\".*?</svg>", html, re.S)
    assert len(svgs) == 1 + 8  # the poster's and one on each card
    expected = segno.make(url, error="m").matrix
    for svg in svgs:
        assert 'role="img"' in svg and f'aria-label="QR code that opens {url}"' in svg
        assert "style=" not in svg and "href" not in svg
        assert [row[4:-4] for row in qr_matrix(svg)[4:-4]] == [
            [bool(module) for module in row] for row in expected
        ]
    assert "style=" not in html


FORGED = "http://evil.example"
PUBLIC_URL = "https://ideas.example-library.org.uk"


def poster_from(client, staff, join_code, base_url: str) -> str:
    """The poster, for staff signed in through an address with the given host."""
    token = csrf_token_at(client, base_url)
    form = {"csrf_token": token, "username": staff.username, "password": PASSWORD}
    assert client.post("/sign-in", data=form, base_url=base_url).status_code == 303
    response = client.get(f"/staff/join-codes/{join_code.id}/poster", base_url=base_url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def csrf_token_at(client, base_url: str) -> str:
    """The CSRF token a page gives under the given host."""
    html = client.get("/sign-in", base_url=base_url).get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


@pytest.mark.parametrize("app_settings", [{"PUBLIC_URL": PUBLIC_URL + "/"}])
def test_the_poster_and_its_qr_code_carry_the_public_address_whatever_the_host(
    client, staff, riverside
):
    """A forged Host header never reaches the address printed, nor the one in the QR codes."""
    join_code = make_code(staff, riverside)
    html = poster_from(client, staff, join_code, FORGED)
    url = f"{PUBLIC_URL}/join/{services.display_code(join_code.code)}"
    assert "evil.example" not in html
    assert f'<p class="poster-url">{url.replace("/", "/<wbr>")}</p>' in html
    expected = segno.make(url, error="m").matrix
    svgs = re.findall(r"<svg role=\"img\".*?</svg>", html, re.S)
    assert len(svgs) == 1 + 8
    for svg in svgs:
        assert [row[4:-4] for row in qr_matrix(svg)[4:-4]] == [
            [bool(module) for module in row] for row in expected
        ]


def test_without_a_public_address_a_forged_host_gets_a_poster_with_the_code_alone(
    client, staff, riverside
):
    """No address and no QR code rather than someone else's; staff are told what to set."""
    join_code = make_code(staff, riverside)
    html = poster_from(client, staff, join_code, FORGED)
    assert "evil.example" not in html
    assert (
        '<svg role="img"' not in html and "poster-url" not in html and "join-card-url" not in html
    )
    assert f'<p class="poster-code">{services.display_code(join_code.code)}</p>' in html
    assert "set PUBLIC_URL" in html


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:5000", "http://[::1]:5000"])
def test_without_a_public_address_this_machines_own_address_is_printed(
    client, staff, riverside, base_url
):
    """`make run` on a fresh machine: the poster works at the address it is served from."""
    join_code = make_code(staff, riverside)
    html = poster_from(client, staff, join_code, base_url)
    url = f"{base_url}/join/{services.display_code(join_code.code)}"
    assert f'<p class="poster-url">{url.replace("/", "/<wbr>")}</p>' in html
    assert len(re.findall(r"<svg (?!class=\"globe\")", html)) == 1 + 8


@pytest.mark.parametrize(
    "value",
    [
        "ideas.example.org",
        "ftp://ideas.example.org",
        "https://",
        "https://ideas.example.org/youth",
        "https://ideas.example.org/?next=/",
        "https://someone@ideas.example.org",
        "https://ideas.example.org:port",
    ],
)
def test_a_public_address_that_is_not_a_sites_origin_stops_the_app_starting(database_uri, value):
    """A mistake would be printed on every poster: the app refuses to start, naming it."""
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        create_app(
            {"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "x", "PUBLIC_URL": value}
        )


def test_printing_shows_the_poster_and_cards_alone():
    """The print stylesheet hides the navigation, the messages and the screen-only words."""
    css = CSS.read_text()
    printed = css[css.index("@media print") :]
    assert ".site-header" in printed and ".screen-only" in printed and "display: none" in printed
    assert "size: A4" in printed


def test_staff_end_a_code_after_saying_they_mean_it(client, login, staff, riverside):
    """A page asks; its POST ends the code (303); a second POST is refused (400)."""
    join_code = make_code(staff, riverside)
    login(staff)
    page = client.get(f"/staff/join-codes/{join_code.id}/end").get_data(as_text=True)
    assert "Yes, end the code now" in page
    url = f"/staff/join-codes/{join_code.id}/end"
    response = client.post(url, data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/join-codes"
    assert codes()[0].ended_at is not None
    again = client.post(url, data={"csrf_token": csrf_token(client)})
    assert again.status_code == 400
    assert "This code already no longer works" in again.get_data(as_text=True)
    assert len(audit("join_code.end")) == 1


def test_staff_of_another_service_cannot_see_or_end_a_code(
    client, make, login, staff, riverside, hillside
):
    """403 for the poster and for ending; the code still works."""
    join_code = make_code(staff, riverside)
    login(make.staff(hillside))
    assert client.get(f"/staff/join-codes/{join_code.id}/poster").status_code == 403
    url = f"/staff/join-codes/{join_code.id}/end"
    assert client.post(url, data={"csrf_token": csrf_token(client)}).status_code == 403
    assert codes()[0].ended_at is None


# --- Joining with a code (pages) ---------------------------------------------------------------


def test_the_join_page_shows_the_library_and_suggests_an_easy_password(client, staff, riverside):
    """Typed in lower case without the dash, the code still opens its page."""
    join_code = make_code(staff, riverside, branch_id=riverside.branches[0].id)
    response = client.get(f"/join/{join_code.code.lower()}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Riverside Central, Riverside Libraries" in html
    suggestion = re.search(r'<p class="passphrase"[^>]*>([^<]+)</p>', html).group(1)
    assert len(suggestion.split()) == 4 and "under 13" in html and "easy to remember" in html
    assert 'name="username"' in html and 'name="password"' in html and 'name="age_band"' in html
    assert response.headers["Cache-Control"] == "no-store"


def test_joining_with_a_code_signs_in_and_goes_to_its_open_consultation(client, staff, riverside):
    """A welcome, the consultation, one use counted."""
    consultation = make_consultation(riverside)
    join_code = make_code(staff, riverside, consultation_id=consultation.id)
    response = client.post(f"/join/{services.display_code(join_code.code)}", data=join_form(client))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{consultation.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Welcome, otter_kid!" in page and "Sign out (otter_kid)" in page
    assert codes()[0].uses == 1


def test_a_code_whose_consultation_is_not_open_leads_to_the_start_page(client, staff, riverside):
    """A draft (or closed) consultation: the list of consultations instead."""
    consultation = make_consultation(riverside, Phase.DRAFT)
    join_code = make_code(staff, riverside, consultation_id=consultation.id)
    response = client.post(f"/join/{join_code.code}", data=join_form(client))
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_refused_join_form_says_why_and_uses_nothing(client, staff, riverside):
    """A weak password: 400, the message, the count unchanged."""
    join_code = make_code(staff, riverside)
    form = join_form(client, password="password", confirm="password")
    response = client.post(f"/join/{join_code.code}", data=form)
    assert response.status_code == 400
    assert "easy to guess" in response.get_data(as_text=True)
    assert codes()[0].uses == 0


def test_a_password_over_200_characters_is_refused_saying_so_and_uses_nothing(
    client, staff, riverside
):
    """The message says the password is too long, not too short."""
    join_code = make_code(staff, riverside)
    long = (PASSPHRASE + " ") * 9
    response = client.post(f"/join/{join_code.code}", data=join_form(client, password=long))
    assert response.status_code == 400
    assert "Your password can have up to 200 characters" in response.get_data(as_text=True)
    assert codes()[0].uses == 0 and people() == 1


@pytest.mark.parametrize("username", ["moderator", "rita-staff2"])
def test_a_name_that_passes_for_staff_is_refused_and_uses_nothing(
    client, staff, riverside, username
):
    """A role's name, or one like the staff's own (Rita_staff): 400, the message, no use."""
    join_code = make_code(staff, riverside)
    response = client.post(f"/join/{join_code.code}", data=join_form(client, username=username))
    assert response.status_code == 400
    assert "could make people think you work for the library" in response.get_data(as_text=True)
    assert codes()[0].uses == 0 and people() == 1


def test_someone_signed_in_goes_straight_to_the_consultation(client, login, make, staff, riverside):
    """No second account: the code just leads the way."""
    consultation = make_consultation(riverside, Phase.VOTING_OPEN)
    join_code = make_code(staff, riverside, consultation_id=consultation.id)
    login(make.user())
    response = client.get(f"/join/{join_code.code}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{consultation.id}"
    assert client.get("/join/NOPE").headers["Location"] == "/"


def test_an_unknown_code_is_a_friendly_404(client):
    """It says to check the code or ask staff, and offers to type it again."""
    response = client.get("/join/ABCD-EFGH")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "We could not find that code" in html and "ask library staff for a new code" in html
    assert 'name="code"' in html and 'value="ABCD-EFGH"' in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expires_at": datetime(2020, 1, 1, tzinfo=UTC)}, "This code has expired."),
        ({"uses": 35}, "used by as many people as it was made for"),
        ({"ended_at": datetime(2020, 1, 1, tzinfo=UTC)}, "Library staff have ended this code."),
    ],
)
def test_a_code_that_no_longer_works_is_a_friendly_410(client, staff, riverside, change, message):
    """Opened or sent, it says why and to ask staff for a new code; nothing is made."""
    join_code = make_code(staff, riverside)
    for name, value in change.items():
        setattr(join_code, name, value)
    db.session.commit()
    before = people()
    for response in (
        client.get(f"/join/{join_code.code}"),
        client.post(f"/join/{join_code.code}", data=join_form(client)),
    ):
        html = response.get_data(as_text=True)
        assert response.status_code == 410
        assert message in html and "Please ask library staff for a new code." in html
    assert people() == before


def test_a_code_used_up_while_the_form_was_filled_in_is_refused(client, staff, riverside):
    """The last place went to someone else first: 410, no account."""
    join_code = make_code(staff, riverside, max_uses=1)
    form = join_form(client)
    services.join_with_code(codes()[0], "quicker_kid", PASSPHRASE, "14-16")
    response = client.post(f"/join/{join_code.code}", data=form)
    assert response.status_code == 410
    assert db.session.scalar(select(func.count(User.id)).where(User.username == "otter_kid")) == 0


def test_the_join_page_offers_a_box_for_a_code_that_leads_to_its_page(client):
    """Typed any way, the code goes to its own join page; nothing typed, nothing happens."""
    html = client.get("/join").get_data(as_text=True)
    assert "Have a code from your library?" in html
    assert '<label for="code">' in html and 'name="code"' in html and 'method="get"' in html
    response = client.get("/join?code=abcd+efgh")
    assert response.status_code == 303 and response.headers["Location"] == "/join/ABCD-EFGH"
    assert client.get("/join?code=+").status_code == 200


@pytest.mark.parametrize(
    "app_settings", [{"RATELIMIT_ENABLED": True, "RATELIMIT_JOINS_PER_ADDRESS": "2 per hour"}]
)
def test_joining_with_a_code_counts_against_the_limit_on_joining(client, staff, riverside):
    """Joins with and without a code share one limit per address."""
    join_code = make_code(staff, riverside)
    url = f"/join/{join_code.code}"
    first = client.post(url, data=join_form(client, username="first_kid"))
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert first.status_code == 303
    second = client.post("/join", data=join_form(client, username="second_kid"))
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert second.status_code == 303
    assert client.post(url, data=join_form(client, username="third_kid")).status_code == 429
    assert codes()[0].uses == 1


def test_a_join_error_keeps_the_suggested_password_and_what_was_typed(client, staff, riverside):
    """Forgetting the age group: the same four words are suggested again, and the name and both
    password boxes still hold what was typed (the boxes are re-filled, not wiped)."""
    join_code = make_code(staff, riverside)
    page = client.get(f"/join/{join_code.code}").get_data(as_text=True)
    suggestion = re.search(r'<p class="passphrase"[^>]*>([^<]+)</p>', page).group(1)
    form = join_form(client, password=suggestion, confirm=suggestion, suggestion=suggestion)
    del form["age_band"]
    response = client.post(f"/join/{join_code.code}", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose your age group." in html
    assert re.search(r'<p class="passphrase"[^>]*>([^<]+)</p>', html).group(1) == suggestion
    assert re.search(r'<input[^>]*name="username"[^>]*value="otter_kid"', html)
    for box in ("password", "confirm"):
        assert re.search(rf'<input[^>]*name="{box}"[^>]*value="{suggestion}"', html), box
    assert response.headers["Cache-Control"] == "no-store"
    assert codes()[0].uses == 0 and people() == 1


def test_a_suggestion_that_is_not_ours_is_replaced_not_shown(client, staff, riverside):
    """A made-up "suggestion" posted back is never put on the page: a fresh one is."""
    join_code = make_code(staff, riverside)
    form = join_form(client, suggestion="<b>pwned</b> cat dog fox")
    del form["age_band"]
    html = client.post(f"/join/{join_code.code}", data=form).get_data(as_text=True)
    suggestion = re.search(r'<p class="passphrase"[^>]*>([^<]+)</p>', html).group(1)
    assert "pwned" not in html and len(suggestion.split()) == 4
    assert all(word in PASSPHRASE_WORDS for word in suggestion.split())


def test_a_password_that_was_refused_is_cleared_to_be_typed_again(client, staff, riverside):
    """Passwords that do not match: both boxes are emptied, so neither is kept by mistake."""
    join_code = make_code(staff, riverside)
    form = join_form(client, confirm="otter rocket plum daisies")
    html = client.post(f"/join/{join_code.code}", data=form).get_data(as_text=True)
    assert "The passwords do not match." in html
    assert PASSPHRASE not in html and "daisies" not in html
