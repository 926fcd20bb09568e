"""Exports of the evidence area: every idea, open data and the coverage matrix, in each format."""

import csv
import io
import json
import re
import zipfile
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from app.evidence import exports
from app.evidence.coverage import Scope
from app.extensions import db
from app.models import (
    AboutYouAnswer,
    AboutYouQuestion,
    AboutYouResponse,
    AuditEntry,
    IdeaStatus,
    Phase,
    Role,
    Vote,
)
from app.moderation.services import link_outcome
from tests.conftest import csrf_token

FORMATS = ("csv", "dictionary", "xlsx", "json")
KINDS = ("ideas", "open-ideas", "coverage", "participation")
# Pseudonyms no export may hold: authors and voters of every idea of the fixture.
PSEUDONYMS = ("Quillfeather_Zed", "Marmalade_Yonder", "Tangerine_Voter")
SPREADSHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def vote(idea, voters) -> None:
    """Votes for `idea` by each of `voters`, as rows (the exports count rows)."""
    for voter in voters:
        db.session.add(Vote(user_id=voter.id, idea_id=idea.id))
    idea.vote_count += len(voters)
    db.session.commit()


@pytest.fixture
def world(make):
    """Hand-counted: two library services A and B.

    A: "Homework club" (published, 7 votes: shown 5; qlp.aim.a and promise.vision.1),
       a formula-looking idea (published, 2 votes: fewer than 5; qlp.aim.a),
       "Secret pending" (pending, 0 votes), in a consultation with a branch-less question.
    B: "Far away" (published, 0 votes; qlp.aim.a) and "B pending" (pending).
    """
    author = make.user(username=PSEUDONYMS[0])
    other = make.user(username=PSEUDONYMS[1])
    first, far = make.consultation(), make.consultation()
    first.question = "What would make the library yours?"
    a = first.library_service
    staff_a = make.staff(a)
    staff_b = make.staff(far.library_service)
    homework = make.idea(first, title="Homework club", author=author)
    formula = make.idea(first, title='=HYPERLINK("https://evil.example")', author=other)
    pending = make.idea(first, published=False, title="Secret pending", author=author)
    away = make.idea(far, title="Far away", author=other)
    b_pending = make.idea(far, published=False, title="B pending", author=other)
    voters = [make.user(username=PSEUDONYMS[2])] + [make.user() for _ in range(6)]
    vote(homework, voters)
    vote(formula, voters[:2])
    for idea, staff in ((homework, staff_a), (formula, staff_a), (away, staff_b)):
        link_outcome(idea, "qlp.aim.a", staff, "Planned with young people.")
    link_outcome(homework, "promise.vision.1", staff_a, "They shape services.")
    return {
        "a": a,
        "first": first,
        "far": far,
        "staff_a": staff_a,
        "staff_b": staff_b,
        "homework": homework,
        "formula": formula,
        "pending": pending,
        "away": away,
        "b_pending": b_pending,
    }


def download(client, kind: str, format: str, **filter):
    """POST a download with the page's CSRF token."""
    data = {"csrf_token": csrf_token(client), "format": format, **filter}
    return client.post(f"/evidence/exports/{kind}", data=data)


def xlsx_sheets(content: bytes) -> dict[str, list[list[str]]]:
    """Each sheet of an XLSX file by name, as rows of cell texts (formulas marked "FORMULA")."""
    book = zipfile.ZipFile(io.BytesIO(content))
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    names = [sheet.get("name") for sheet in workbook.iter(f"{SPREADSHEET}sheet")]
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        strings = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{SPREADSHEET}t")) for si in strings]
    sheets = {}
    for number, name in enumerate(names, start=1):
        root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{number}.xml"))
        rows = []
        for row in root.iter(f"{SPREADSHEET}row"):
            cells: dict[int, str] = {}
            for cell in row.iter(f"{SPREADSHEET}c"):
                letters = re.match(r"[A-Z]+", cell.get("r")).group(0)
                column = 0
                for letter in letters:
                    column = column * 26 + ord(letter) - ord("A") + 1
                if cell.find(f"{SPREADSHEET}f") is not None:
                    text = "FORMULA"
                elif cell.get("t") == "inlineStr":
                    text = "".join(t.text or "" for t in cell.iter(f"{SPREADSHEET}t"))
                elif cell.get("t") == "s":
                    text = shared[int(cell.find(f"{SPREADSHEET}v").text)]
                else:
                    text = cell.find(f"{SPREADSHEET}v").text
                cells[column - 1] = text
            rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
        sheets[name] = rows
    return sheets


def read_rows(response, format: str) -> list[dict]:
    """The data rows of a CSV or JSON export of ideas, as dictionaries."""
    if format == "csv":
        return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    return json.loads(response.get_data(as_text=True))["rows"]


def all_text(response, format: str) -> str:
    """Everything a download holds, as text (an XLSX file's cells)."""
    if format == "xlsx":
        return json.dumps(xlsx_sheets(response.get_data()), ensure_ascii=False)
    return response.get_data(as_text=True)


# --- Every idea ------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "json"])
def test_every_idea_has_the_hand_counted_rows(client, make, login, world, format):
    """Staff of A get A's ideas, unpublished too, with controlled votes and outcome codes."""
    login(world["staff_a"])
    response = download(client, "ideas", format)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {int(row["id"]): row for row in read_rows(response, format)}
    assert set(rows) == {world["homework"].id, world["formula"].id, world["pending"].id}
    homework = rows[world["homework"].id]
    assert (homework["votes"], str(homework["votes_value"])) == ("5", "5")
    assert homework["outcomes"] == "promise.vision.1 qlp.aim.a"
    assert homework["status"] == "published" and homework["language"] == "en"
    assert homework["library_service"] == world["a"].name
    assert homework["consultation"] == "What would make the library yours?"
    assert re.fullmatch(r"\d{4}-\d{2}", homework["created_month"])
    formula = rows[world["formula"].id]
    assert formula["votes"] == "fewer than 5" and formula["votes_value"] in ("", None)
    pending = rows[world["pending"].id]
    assert (pending["votes"], pending["status"], pending["outcomes"]) == ("0", "pending", "")
    # No words of the idea: the staff export says nothing a child wrote.
    assert "title" not in homework and "description" not in homework
    assert "Homework club" not in response.get_data(as_text=True)


def test_every_idea_as_xlsx_has_a_sheet_of_rows_and_a_dictionary(client, make, login, world):
    """One sheet of ideas with votes as shown, and the data dictionary sheet."""
    login(world["staff_a"])
    response = download(client, "ideas", "xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheets = xlsx_sheets(response.get_data())
    assert list(sheets) == ["Every idea", "Data dictionary"]
    header, *rows = sheets["Every idea"]
    assert header[0] == "Idea" and "Votes" in header
    by_id = {int(row[0]): row for row in rows}
    assert set(by_id) == {world["homework"].id, world["formula"].id, world["pending"].id}
    votes = header.index("Votes")
    assert by_id[world["homework"].id][votes] == "5"
    assert by_id[world["formula"].id][votes] == "fewer than 5"
    names = [row[0] for row in sheets["Data dictionary"][1:] if row]
    assert {"id", "votes", "votes_value", "outcomes", "created_month"} <= set(names)


def test_reviewers_get_every_service_but_only_what_they_may_read(client, make, login, world):
    """A QLP reviewer reads every library service's public ideas, not pending ones."""
    login(make.user(Role.QLP_REVIEWER))
    ids = {int(row["id"]) for row in read_rows(download(client, "ideas", "csv"), "csv")}
    assert ids == {world["homework"].id, world["formula"].id, world["away"].id}


def test_admins_get_every_idea(client, make, login, world):
    """An admin reads every idea of every library service."""
    login(make.user(Role.ADMIN))
    ids = {int(row["id"]) for row in read_rows(download(client, "ideas", "csv"), "csv")}
    assert ids == {world[k].id for k in ("homework", "formula", "pending", "away", "b_pending")}


def test_staff_of_another_service_get_nothing_of_its_ideas(client, make, login, world):
    """Staff of B get B's ideas only, and cannot ask for A's."""
    login(world["staff_b"])
    ids = {int(row["id"]) for row in read_rows(download(client, "ideas", "csv"), "csv")}
    assert ids == {world["away"].id, world["b_pending"].id}
    refused = download(client, "ideas", "csv", library_service=world["a"].id)
    assert refused.status_code == 400
    refused = download(client, "ideas", "csv", consultation=world["first"].id)
    assert refused.status_code == 400


def test_the_filter_narrows_every_idea(client, make, login, world):
    """A consultation and a period narrow the rows."""
    login(make.user(Role.ADMIN))
    rows = read_rows(download(client, "ideas", "csv", consultation=world["far"].id), "csv")
    assert {int(row["id"]) for row in rows} == {world["away"].id, world["b_pending"].id}
    rows = read_rows(download(client, "ideas", "csv", start="2000-01-01", end="2000-12-31"), "csv")
    assert rows == []


# --- Open data -------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "json"])
def test_open_data_holds_published_ideas_words_and_no_one(client, make, login, world, format):
    """Published ideas only, with their words, question, status, votes and outcomes."""
    login(world["staff_b"])
    response = download(client, "open-ideas", format)
    assert response.status_code == 200
    rows = {int(row["id"]): row for row in read_rows(response, format)}
    assert set(rows) == {world["homework"].id, world["formula"].id, world["away"].id}
    homework = rows[world["homework"].id]
    assert homework["title"] == "Homework club"
    assert homework["description"] == "More comfy chairs and a games night."
    assert homework["consultation"] == "What would make the library yours?"
    assert (homework["votes"], homework["status"]) == ("5", "published")
    assert homework["outcomes"] == "promise.vision.1 qlp.aim.a"


def test_open_data_leaves_out_a_draft_consultations_ideas(client, make, login, world):
    """An idea whose consultation went back to draft is not public, so not open data."""
    world["far"].phase = Phase.DRAFT
    db.session.commit()
    login(make.user(Role.ADMIN))
    ids = {int(row["id"]) for row in read_rows(download(client, "open-ideas", "csv"), "csv")}
    assert ids == {world["homework"].id, world["formula"].id}


def test_open_data_dictionary_names_the_licence(client, make, login, world):
    """The dictionary, as a file and inline, says the data is open under a licence."""
    login(world["staff_a"])
    dictionary = download(client, "open-ideas", "dictionary").get_data(as_text=True)
    assert "Open Government Licence v3.0" in dictionary
    rows = list(csv.reader(io.StringIO(dictionary)))
    assert rows[0] == ["column", "heading", "meaning"]
    assert {"title", "description", "votes", "outcomes"} <= {row[0] for row in rows}
    inline = json.loads(download(client, "open-ideas", "json").get_data(as_text=True))
    assert any("Open Government Licence" in note for note in inline["notes"])
    assert {entry["column"] for entry in inline["dictionary"]} >= {"title", "votes"}


# --- Coverage --------------------------------------------------------------------------------


def page_figures(client) -> dict[str, tuple[str, str]]:
    """Each outcome's ideas and services figures as the coverage page shows them."""
    html = client.get("/evidence/coverage").get_data(as_text=True)
    figures = {}
    for code, row in re.findall(r'<span class="code">([^<]+)</span>(.*?)</tr>', html, re.S):
        cells = re.findall(r'<td data-label="[^"]*">(.*?)</td>', row, re.S)
        figures[code] = tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in cells[:2])
    return figures


def test_coverage_csv_is_tidy_and_matches_the_page(client, make, login, world):
    """A line per figure, each exactly the page's: the rows overlap, so there are no totals."""
    login(world["staff_a"])
    page = page_figures(client)
    response = download(client, "coverage", "csv")
    assert response.status_code == 200
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert set(lines[0]) == {"table", "row", "column", "figure", "value"}
    figures = {(line["row"], line["column"]): line for line in lines if line["row"] != "total"}
    assert figures["qlp.aim.a", "ideas"]["figure"] == "fewer than 5"
    assert figures["qlp.aim.a", "ideas"]["value"] == ""
    assert figures["promise.vision.1", "ideas"]["figure"] == "fewer than 5"
    assert figures["qlp.aim.c", "ideas"]["figure"] == "0"
    assert figures["qlp.aim.c", "ideas"]["value"] == "0"
    for (code, column), line in figures.items():
        assert line["figure"] == page[code][0 if column == "ideas" else 1], (code, column)
    assert {line["table"] for line in lines} == {"coverage-promise", "coverage-qlp"}
    assert not [line for line in lines if "total" in (line["row"], line["column"])]


def test_coverage_xlsx_has_a_sheet_per_framework_and_json_inline(client, make, login, world):
    """The XLSX has a sheet per table and the dictionary; the JSON has both inline."""
    login(world["staff_a"])
    sheets = xlsx_sheets(download(client, "coverage", "xlsx").get_data())
    assert len(sheets) == 3 and "Data dictionary" in sheets
    assert list(sheets) == ["coverage-promise", "coverage-qlp", "Data dictionary"]
    qlp = sheets["coverage-qlp"]
    assert qlp[0][:3] == ["Outcome", "Ideas", "Services"]
    aim_a = next(row for row in qlp if row[0] == "qlp.aim.a")
    assert aim_a[1] == "fewer than 5"
    assert qlp[-1][0] == "qlp.outcome.f"
    body = json.loads(download(client, "coverage", "json").get_data(as_text=True))
    assert [t["key"] for t in body["tables"]] == ["coverage-promise", "coverage-qlp"]
    assert {"ideas", "services", "figure", "value"} <= {e["column"] for e in body["dictionary"]}
    aim_a = next(r for r in body["tables"][1]["rows"] if r["name"] == "qlp.aim.a")
    assert aim_a["cells"][0] == {"shown": "fewer than 5", "how": "fewer_than", "value": None}


def test_coverage_export_follows_the_filter(client, make, login, world):
    """The coverage page's filter goes with the download: B alone has one idea on qlp.aim.a."""
    login(make.user(Role.ADMIN))
    response = download(client, "coverage", "csv", library_service=world["far"].library_service_id)
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    figures = {(line["row"], line["column"]): line["figure"] for line in lines}
    assert figures["promise.vision.1", "ideas"] == "0"
    assert figures["qlp.aim.a", "ideas"] == "fewer than 5"


# --- Every export ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_no_export_holds_a_pseudonym_or_a_true_small_count(client, make, login, world, kind):
    """Whatever the format, no pseudonym, and no figure shown as its true small count."""
    login(make.user(Role.ADMIN))
    for format in FORMATS:
        response = download(client, kind, format)
        assert response.status_code == 200, (kind, format)
        text = all_text(response, format)
        for name in (*PSEUDONYMS, world["staff_a"].username):
            assert name not in text, (kind, format, name)
        if kind not in ("coverage", "participation") and format != "dictionary":
            rows = (
                xlsx_sheets(response.get_data())
                if format == "xlsx"
                else read_rows(response, format)
            )
            assert rows, (kind, format)
        # Two votes and three ideas are true small counts: never shown as such.
        assert not re.search(r'"votes": "?2"?[,}]', text), (kind, format)
        assert not re.search(r'"value": [1-4][,}]', text), (kind, format)


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_formulas_are_defused(client, make, login, world, format):
    """A title a spreadsheet would run stays text: an apostrophe in CSV, a string in XLSX."""
    login(world["staff_a"])
    response = download(client, "open-ideas", format)
    if format == "csv":
        titles = [row["title"] for row in read_rows(response, "csv")]
        assert '\'=HYPERLINK("https://evil.example")' in titles
        assert '=HYPERLINK("https://evil.example")' not in titles
    else:
        text = all_text(response, format)
        assert "FORMULA" not in text and "=HYPERLINK" in text


def test_exports_are_audited_with_what_and_the_filter(client, make, login, world):
    """Each download is an audit entry naming the export, the format and the filter."""
    staff = login(world["staff_a"])
    download(client, "coverage", "xlsx", consultation=world["first"].id, start="2024-01-01")
    download(client, "ideas", "csv")
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "evidence.export").order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.detail["export"], e.detail["format"]) for e in entries] == [
        (staff.id, "coverage", "xlsx"),
        (staff.id, "ideas", "csv"),
    ]
    assert entries[0].detail["consultation"] == world["first"].id
    assert entries[0].detail["start"] == "2024-01-01"


@pytest.mark.parametrize("kind", KINDS)
def test_downloads_are_posts_with_csrf(client, make, login, world, kind):
    """GET is refused (405); a POST without the CSRF token is refused and not audited."""
    login(world["staff_a"])
    assert client.get(f"/evidence/exports/{kind}").status_code == 405
    refused = client.post(f"/evidence/exports/{kind}", data={"format": "csv"})
    assert refused.status_code == 400
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "evidence.export")
    ).all()


def test_an_unknown_format_is_refused(client, make, login, world):
    """Only the four formats."""
    login(world["staff_a"])
    assert download(client, "ideas", "pdf").status_code == 400


@pytest.mark.parametrize("kind", KINDS)
def test_young_people_and_strangers_are_refused(client, make, login, world, kind):
    """A young person gets 403; someone signed out is sent to sign in."""
    token = csrf_token(client)
    response = client.post(f"/evidence/exports/{kind}", data={"csrf_token": token})
    assert response.status_code == 302 and "/sign-in" in response.location
    login(make.user())
    assert download(client, kind, "csv").status_code == 403
    assert client.get("/evidence/exports").status_code == 403


def test_exports_page_lists_each_download_with_its_dictionary(client, make, login, world):
    """The page shows each export, a download form and its dictionary as a table."""
    login(world["staff_a"])
    html = client.get("/evidence/exports").get_data(as_text=True)
    for kind in KINDS:
        assert f'action="/evidence/exports/{kind}"' in html
    assert html.count("<caption>") == len(KINDS) and 'scope="col"' in html
    assert "Open Government Licence v3.0" in html and "<code>votes_value</code>" in html
    assert 'name="csrf_token"' in html


def test_coverage_page_offers_the_download_of_its_filter(client, make, login, world):
    """The coverage page's download block carries its filter."""
    login(world["staff_a"])
    html = client.get(f"/evidence/coverage?consultation={world['first'].id}").get_data(as_text=True)
    block = html.split('action="/evidence/exports/coverage"', 1)[1].split("</form>", 1)[0]
    assert f'name="consultation" value="{world["first"].id}"' in block
    assert 'name="format"' in block


# --- Streaming -------------------------------------------------------------------------------


def test_every_idea_reads_a_batch_at_a_time(make, world, count_queries, monkeypatch):
    """Rows come from one query per batch, whatever their number; a batch of 2 here."""
    monkeypatch.setattr(exports, "BATCH", 2)
    admin = make.user(Role.ADMIN)
    with count_queries() as counted:
        export = exports.every_idea(Scope(), admin)
        rows = list(export.rows())
    assert len(rows) == 5
    # Five ideas in batches of two: three batches and an empty one.
    assert len([s for s in counted.statements if "FROM ideas" in s]) == 4


def test_csv_chunks_are_batches(make, world, monkeypatch):
    """The CSV comes out a chunk per batch of rows, not as one string."""
    monkeypatch.setattr(exports, "BATCH", 2)
    admin = make.user(Role.ADMIN)
    chunks = list(exports.every_idea(Scope(), admin).csv())
    assert len(chunks) == 3
    assert [c for c in chunks if c]


def test_status_of_hidden_ideas_is_exported_to_their_staff_only(client, make, login, world):
    """A hidden idea shows in its own staff's export with its status, not in open data."""
    make._set_status(world["homework"], IdeaStatus.HIDDEN)
    login(world["staff_a"])
    rows = {int(r["id"]): r for r in read_rows(download(client, "ideas", "csv"), "csv")}
    assert rows[world["homework"].id]["status"] == "hidden"
    open_rows = read_rows(download(client, "open-ideas", "csv"), "csv")
    assert world["homework"].id not in {int(r["id"]) for r in open_rows}


@pytest.mark.parametrize("format", ["csv", "json"])
def test_participation_export_holds_about_you_totals_never_one_persons_answers(
    client, make, login, world, format
):
    """Where the library service asks, the export has the totals: one young carer among those
    who took part shows as "fewer than 5", and nothing in the file names who answered."""
    world["a"].asks_about_you = True
    author = world["homework"].author
    author.age_band = "14-16"
    db.session.add(
        AboutYouResponse(
            user_id=author.id, question=AboutYouQuestion.YOUNG_CARER, answer=AboutYouAnswer.YES
        )
    )
    db.session.commit()
    login(world["staff_a"])
    body = download(client, "participation", format).get_data(as_text=True)
    if format == "csv":
        lines = list(csv.DictReader(io.StringIO(body)))
        carers = [line for line in lines if line["table"] == "about-you"]
        yes = next(line for line in carers if line["column"] == "yes" and line["value"] == "")
        assert yes["figure"] in ("fewer than 5", "suppressed")
        assert not [line for line in carers if line["value"] not in ("", "0", "5", "10")]
    else:
        tables = {t["key"]: t for t in json.loads(body)["tables"]}
        assert "about-you" in tables
    for name in PSEUDONYMS:
        assert name not in body
