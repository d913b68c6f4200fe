"""Imports: preview with row errors, all-or-nothing commit, limits, fuzzed hostile files."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asis.accounts.models import Organisation
from asis.core.models import AuditEntry
from asis.observatory import imports
from asis.observatory.filters import CatalogueQuery, apply
from asis.observatory.models import Challenge, Initiative
from tests.observatory.test_api import term

URL = "/en/observatory/import/"
COMMIT = "/en/observatory/import/commit/"


def to_csv(rows: list[dict[str, Any]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def initiative_row(**extra: Any) -> dict[str, Any]:
    return {"title": "Solar cooperative Bovec", "summary": "Villagers own their solar roofs.",
            "description": "Started by the municipality.", "language": "en", "regions": "SI04", "stage": "pilot",
            "start_date": "2021-05-01", "end_date": "", "challenges": "test-energy", "axes": "",
            "lead_organisation": "", "latitude": "46.33", "longitude": "13.55", "budget_eur": "25000",
            "people_reached": "300", "links": "https://solar.example.org", **extra}


def upload(client: Any, data: bytes, kind: str = "initiatives", name: str = "data.csv") -> Any:
    return client.post(URL, {"kind": kind, "file": SimpleUploadedFile(name, data)})


def token_of(response: Any) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


@pytest.fixture(autouse=True)
def _private_stash(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path  # uploads waiting for their commit go to a throw-away folder


@pytest.fixture
def editor(world: Any) -> Any:
    user = world.users["member"]
    user.is_editor = True
    user.save()
    term(Challenge, "test-energy")
    return world.client_for("member")


def counts() -> tuple[int, int, int]:
    return Initiative.objects.count(), Organisation.objects.count(), AuditEntry.objects.count()


def test_preview_then_commit_imports_every_row(editor, world):
    rows = [initiative_row(), initiative_row(title="Repair café Kranj", summary="Volunteers fix things.", regions="SI04;AT33",
                                             lead_organisation=world.org.name, latitude="", longitude="")]
    response = upload(editor, to_csv(rows))
    assert response.status_code == 200
    content = response.content.decode()
    assert "2 of 2 rows are valid" in content and "Solar cooperative Bovec" in content
    assert Initiative.objects.count() == 0  # the preview saves nothing
    response = editor.post(COMMIT, {"token": token_of(response)})
    assert response.status_code == 302
    solar = Initiative.objects.get(title="Solar cooperative Bovec")
    assert solar.status == "published" and solar.published_at and solar.submitted_by == world.users["member"]
    assert list(solar.regions.values_list("code", flat=True)) == ["SI04"]
    assert list(solar.challenges.values_list("code", flat=True)) == ["test-energy"]
    assert str(solar.budget_eur) == "25000.00" and solar.people_reached == 300 and solar.latitude == 46.33
    repair = Initiative.objects.get(title="Repair café Kranj")
    assert repair.organisation_links.get().organisation == world.org
    # searchable at once, in every language's document
    found = apply(CatalogueQuery(q="solar roofs"))
    assert list(found) == [solar]
    assert AuditEntry.objects.filter(action="asis.observatory.initiatives_imported").count() == 1
    # the token is used up
    assert editor.post(COMMIT, {"token": token_of(upload(editor, to_csv(rows[:1])))}).status_code == 302
    response = editor.post(COMMIT, {"token": token_of(upload(editor, to_csv(rows[:1])))})
    assert Initiative.objects.count() == 4


def test_semicolon_csv_and_bom(editor):
    data = b"\xef\xbb\xbf" + to_csv([initiative_row(budget_eur="1234,50")], delimiter=";")
    response = upload(editor, data)
    assert response.status_code == 200, response.content.decode()
    editor.post(COMMIT, {"token": token_of(response)})
    assert str(Initiative.objects.get().budget_eur) == "1234.50"


def test_xlsx_organisations_then_initiatives(editor):
    from datetime import datetime

    orgs = to_xlsx([["name", "type", "country", "region", "website", "description", "language"],
                    ["Občina Bovec", "public_authority", "SI", "SI04", "https://bovec.si", "Municipality", "sl"],
                    ["Alpine Lab", "NGO", "at", "at33", "", "", ""]])
    response = upload(editor, orgs, "organisations", "orgs.xlsx")
    assert response.status_code == 200, response.content.decode()
    editor.post(COMMIT, {"token": token_of(response)})
    bovec = Organisation.objects.get(name="Občina Bovec")
    assert bovec.status == "published" and bovec.region.code == "SI04" and bovec.original_language == "sl"
    assert Organisation.objects.get(name="Alpine Lab").type == "ngo"
    header = list(initiative_row())
    values = list(initiative_row(lead_organisation="Občina Bovec").values())
    values[header.index("start_date")] = datetime(2021, 5, 1)
    values[header.index("people_reached")] = 300.0
    response = upload(editor, to_xlsx([header, values]), name="initiatives.xlsx")
    assert response.status_code == 200, response.content.decode()
    editor.post(COMMIT, {"token": token_of(response)})
    initiative = Initiative.objects.get()
    assert initiative.start_date.isoformat() == "2021-05-01" and initiative.people_reached == 300
    assert initiative.organisation_links.get().organisation == bovec


def test_xlsx_formula_cells_are_row_errors(editor):
    header = list(initiative_row())
    values = list(initiative_row(title="=HYPERLINK(\"http://evil.example\",\"Click\")").values())
    response = upload(editor, to_xlsx([header, values]), name="evil.xlsx")
    assert response.status_code == 400
    assert "<td>2</td><td><code>title</code></td>" in response.content.decode()
    assert Initiative.objects.count() == 0


def test_row_errors_are_listed_and_nothing_is_saved(editor, world):
    before = counts()
    rows = [
        initiative_row(),
        initiative_row(title="", regions="XX99"),
        initiative_row(start_date="01/05/2021", latitude="north"),
        initiative_row(summary="=HYPERLINK(\"http://evil\")", stage="famous"),
        initiative_row(lead_organisation="Nobody GmbH", links="javascript:alert(1)"),
        initiative_row(end_date="2020-01-01", people_reached="-3", longitude=""),
    ]
    response = upload(editor, to_csv(rows))
    assert response.status_code == 400
    content = response.content.decode()
    assert "1 of 6 rows are valid" in content and 'name="token"' not in content
    errors = {(e.row, e.column) for e in imports.validate("initiatives",
                                                         imports.read_table(to_csv(rows), "x.csv", "initiatives"))[1]}
    assert {(3, "title"), (3, "regions"), (4, "start_date"), (4, "latitude"), (5, "summary"), (5, "stage"),
            (6, "lead_organisation"), (6, "links"), (7, "end_date"), (7, "people_reached")} <= errors
    assert "<td>5</td><td><code>summary</code></td>" in content
    assert counts() == before


@pytest.mark.parametrize(("data", "message"), [
    (b"title,summary\nA,B\n", "Required columns are missing: regions"),
    (b"title,summary,regions,colour\nA,B,AT33,red\n", "Unknown columns: colour"),
    (b"title,title,summary,regions\nA,A,B,AT33\n", "appear twice"),
    ("title,summary,regions\nCafé,B,AT33\n".encode("latin-1"), "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"", "empty"),
    (b"title,summary,regions\n", "no data"),
    (b"PK\x03\x04garbage", "not a readable XLSX"),
])
def test_file_errors_are_clear(editor, data, message):
    before = counts()
    response = upload(editor, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


def test_size_and_row_limits(editor, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    response = upload(editor, to_csv([initiative_row(title=f"T{n}") for n in range(4)]))
    assert "more than 3 rows" in response.content.decode()
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    response = upload(editor, to_csv([initiative_row()]))
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert Initiative.objects.count() == 0


def test_huge_cells_are_row_errors(editor):
    response = upload(editor, to_csv([initiative_row(description="x" * 25_000), initiative_row(title="t" * 300)]))
    content = response.content.decode()
    assert response.status_code == 400
    assert "25000 characters long; at most 20000" in content and "300 characters long; at most 200" in content


def test_commit_is_all_or_nothing(editor, monkeypatch):
    """A failure after the rows were inserted (here: while indexing them) rolls everything back."""
    from django.db import DatabaseError

    from asis.observatory import services

    rows = [initiative_row(title=f"Initiative {n}") for n in range(5)]
    token = token_of(upload(editor, to_csv(rows)))
    before = counts()

    def failing_index(initiatives: Any) -> int:
        assert Initiative.objects.filter(title__startswith="Initiative ").count() == 5  # inserted ...
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "index_initiatives", failing_index)
    response = editor.post(COMMIT, {"token": token})
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert counts() == before  # ... and rolled back


def test_large_files_are_imported_by_a_background_job(editor, world, monkeypatch):
    from asis.core.jobs import JobError
    from asis.core.models import Job

    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    rows = [initiative_row(title=f"Job initiative {n}") for n in range(3)]
    response = editor.post(COMMIT, {"token": token_of(upload(editor, to_csv(rows)))})
    job = Job.objects.get(kind="observatory.import")
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.owner == world.users["member"] and Initiative.objects.count() == 0
    reports: list[tuple[float, str]] = []
    assert imports.import_job(job, lambda f, m="": reports.append((f, m))) == {"kind": "Initiatives", "rows": 3}
    assert Initiative.objects.filter(title__startswith="Job initiative", status="published").count() == 3
    assert reports[-1] == (1.0, "3 rows imported")
    with pytest.raises(JobError, match="no longer on the server"):  # the file went with the import
        imports.import_job(job, lambda f, m="": None)


def test_a_background_import_is_all_or_nothing_too(editor, world, monkeypatch):
    from asis.core.jobs import JobError
    from asis.core.models import Job
    from tests.factories import OrganisationFactory

    monkeypatch.setattr(imports, "SYNC_ROWS", 1)
    org = OrganisationFactory(name="Vanishing partner")
    rows = [initiative_row(title="Fine"), initiative_row(title="Orphan", lead_organisation="Vanishing partner")]
    editor.post(COMMIT, {"token": token_of(upload(editor, to_csv(rows)))})
    org.delete()
    before = counts()
    with pytest.raises(JobError, match="Nothing was imported: 1 errors"):
        imports.import_job(Job.objects.get(kind="observatory.import"), lambda f, m="": None)
    assert counts() == before


def test_commit_validates_again(editor, world):
    from tests.factories import OrganisationFactory

    org = OrganisationFactory(name="Short-lived partner")
    token = token_of(upload(editor, to_csv([initiative_row(lead_organisation="Short-lived partner")])))
    org.delete()
    before = counts()
    response = editor.post(COMMIT, {"token": token})
    assert response.status_code == 400 and "Short-lived partner" in response.content.decode()
    assert counts() == before


def test_tokens_are_personal_and_tamper_proof(editor, world):
    token = token_of(upload(editor, to_csv([initiative_row()])))
    admin = world.client_for("platform_admin")
    for client, value in ((admin, token), (editor, token + "x"), (editor, "garbage")):
        response = client.post(COMMIT, {"token": value})
        assert response.status_code == 400 and "expired" in response.content.decode()
    assert Initiative.objects.count() == 0


def test_organisation_duplicates_and_region_mismatch(editor, world):
    rows = [{"name": world.org.name, "type": "ngo", "country": "AT", "region": "AT33"},
            {"name": "Twin", "type": "ngo", "country": "AT", "region": "AT33"},
            {"name": "twin", "type": "ngo", "country": "AT", "region": "AT33"},
            {"name": "Lost", "type": "emperor", "country": "FR", "region": "AT33"}]
    response = upload(editor, to_csv(rows), "organisations")
    content = response.content.decode()
    assert response.status_code == 400
    assert content.count("already exists in this country") == 2
    assert "not in the selected country" in content and "emperor" in content


def test_only_editors_import(world):
    response = upload(world.client_for("manager"), to_csv([initiative_row()]))
    assert response.status_code == 403
    response = upload(world.client_for("anonymous"), to_csv([initiative_row()]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_template_download(editor):
    response = editor.get("/en/observatory/import/template-organisations.csv")
    assert response.content.decode().strip() == ",".join(imports.ORGANISATION_COLUMNS)


def test_an_export_imports_again(editor, world):
    from asis.observatory import exports
    from tests.observatory.test_api import make_initiative

    make_initiative(title="Round trip", regions=("AT33",), organisations=[(world.org, "lead")])
    data = b"".join(world.client_for("anonymous").get("/en/observatory/export.csv").streaming_content)
    table = imports.read_table(data, "export.csv", "initiatives")
    assert set(exports.COLUMNS) - set(imports.INITIATIVE_COLUMNS) <= imports.EXPORT_ONLY
    valid, errors = imports.validate("initiatives", table)
    assert not errors and valid[0].fields["title"] == "Round trip"


# --- fuzzing -----------------------------------------------------------------------------------

FORMULA = st.sampled_from(["=", "+", "-", "@", "\t", "\r"])
HOSTILE_CELL = st.one_of(
    st.text(max_size=50),
    st.builds(lambda p, t: p + t, FORMULA, st.text(max_size=20)),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=201, max_size=400),
    st.sampled_from(["", "AT33", "XX", "2021-13-45", "1e999", "NaN", "-1", "4.5", "Infinity", "2021-05-01"]),
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(cells=st.dictionaries(st.sampled_from(imports.INITIATIVE_COLUMNS), HOSTILE_CELL, min_size=1),
       poison=st.sampled_from(["title", "summary", "description", "regions", "latitude", "budget_eur",
                               "people_reached", "start_date", "links"]),
       prefix=FORMULA)
def test_fuzzed_rows_give_row_errors_and_save_nothing(cells, poison, prefix):
    """One good row and one hostile row: never a crash, errors only on the hostile row, and a
    file with an error is refused as a whole. A text cell starting with = + - @ is an error; in a
    number column + and - are signs; leading tabs and returns are trimmed away."""
    term(Challenge, "test-energy")
    hostile = {**initiative_row(), **{k: v.replace("\x00", "") for k, v in cells.items()}}
    hostile[poison] = prefix + str(hostile[poison] or "1")
    data = to_csv([initiative_row(), hostile])
    before = counts()
    try:
        table = imports.read_table(data, "fuzz.csv", "initiatives")
    except imports.ImportFileError as exc:
        assert str(exc)
    else:
        valid, errors = imports.validate("initiatives", table)
        assert all(e.row == 3 for e in errors) and len(valid) == (1 if errors else 2), (errors, hostile)
        if prefix in "=@" or (prefix in "+-" and poison not in ("latitude", "budget_eur", "people_reached")):
            assert any(e.column == poison for e in errors), errors
        if errors:
            with pytest.raises(imports.ImportRejected):
                imports.import_commit(actor=None, kind="initiatives", table=table)
            assert counts() == before


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b),
    st.text(max_size=300).map(lambda t: ("title,summary,regions\n" + t).encode("utf-8")),
    st.text(alphabet=st.characters(max_codepoint=255), max_size=200).map(
        lambda t: ("title;summary;regions\n" + t + ";é;AT33").encode("latin-1")),
    st.text(max_size=200).map(lambda t: ("name,type,country,region\n" + t).encode("utf-16")),
))
def test_fuzzed_files_never_crash_the_upload(data):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(email="fuzz-editor@example.org", is_editor=True))
    before = counts()
    for kind in ("initiatives", "organisations"):
        response = upload(client, data, kind, "fuzz.csv")
        assert response.status_code in (200, 400)
    assert counts() == before


# --- bounded reading of what is sent -----------------------------------------------------------------

def _xlsx_bomb(megabytes: int) -> bytes:
    """A real workbook whose sheet holds one cell of hundreds of MB, written in chunks."""
    import zipfile

    from tests.core.zipbombs import MB

    source = zipfile.ZipFile(io.BytesIO(to_xlsx([["title", "summary", "regions"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, source.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                         b'<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c>'
                         b'<c r="B1" t="inlineStr"><is><t>summary</t></is></c>'
                         b'<c r="C1" t="inlineStr"><is><t>regions</t></is></c></row>'
                         b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
            for _ in range(megabytes):
                member.write(b"a" * MB)
            member.write(b"</t></is></c></row></sheetData></worksheet>")
    return buffer.getvalue()


def _peak_of(call: Any) -> tuple[Any, int]:
    import tracemalloc

    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_xlsx_bomb_is_refused_with_bounded_memory(editor):
    from tests.core.zipbombs import MB

    data = _xlsx_bomb(300)
    assert len(data) < MB
    before = counts()
    response, peak = _peak_of(lambda: upload(editor, data, name="bomb.xlsx"))
    assert peak < 50 * MB, f"peak {peak / MB:.0f} MB"
    assert response.status_code == 400
    assert "The workbook is refused" in response.content.decode()
    assert counts() == before


def test_csv_of_millions_of_separators_is_refused_with_bounded_memory(editor):
    from tests.core.zipbombs import MB

    data = b"title,summary,regions\n" + b"," * (9 * MB)

    def read() -> str:
        with pytest.raises(imports.ImportFileError) as refused:
            imports.read_table(data, "wide.csv", "initiatives")
        return str(refused.value)

    message, peak = _peak_of(read)
    assert peak < 20 * MB, f"peak {peak / MB:.0f} MB"  # not a list of nine million cells
    assert message == "Line 2 has more than 1024 columns; is it the right file?"
    response = upload(editor, data)
    assert response.status_code == 400 and "more than 1024 columns" in response.content.decode()


def test_blank_rows_count_towards_the_row_limit(editor, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    monkeypatch.setattr(imports, "MAX_BLANK_ROWS", 5)
    data = b"title,summary,regions\n" + b",,\n" * 20 + b"A,B,AT33\n"
    response = upload(editor, data)
    assert response.status_code == 400 and "more than 3 rows" in response.content.decode()


def test_a_sheet_declaring_a_million_rows_stops_at_the_row_limit(editor, monkeypatch):
    """A tiny sheet declaring 1,048,576 rows makes openpyxl yield a million empty rows (padded to the
    declared width, up to 16,384 columns each); they count towards the limit."""
    import zipfile

    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    monkeypatch.setattr(imports, "MAX_BLANK_ROWS", 5)
    source = zipfile.ZipFile(io.BytesIO(to_xlsx([["title", "summary", "regions"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:C1"', b'<dimension ref="A1:C1048576"')
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t>'
                                    b"</is></c></row></sheetData>")
            archive.writestr(info, data)
    response = upload(editor, buffer.getvalue(), name="tall.xlsx")
    assert response.status_code == 400 and "more than 3 rows" in response.content.decode()
