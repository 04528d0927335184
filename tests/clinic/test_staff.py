"""What staff do on the clinic server: add patients, hand out codes, manage colleagues, read the audit log."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient

from tests.clinic.conftest import PASSWORD, World, form_token, sign_in


def test_a_clinician_adds_a_patient_who_gets_a_code_and_an_emailed_link(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    token = form_token(client, "/staff")
    added = client.post(
        "/staff/patients",
        data={"name": "  Nia   New ", "birth_year": "1975", "email": "Nia@Example.org", "csrf_token": token},
    )
    assert added.status_code == 200
    assert "A sign-in link is on its way to nia@example.org" in added.text
    assert re.search(r'class="paper-code"><code>[A-Z0-9]{5}-[A-Z0-9]{5}</code>', added.text)
    email = world.outbox.sent[-1]
    assert email.to == "nia@example.org"
    assert "Cleo Clinician" in email.body
    assert "Riverside Physio" in email.subject
    listed = client.get("/staff").text
    assert "Nia New" in listed
    assert "Pat Patient" in listed
    assert "Peg Patient" not in listed, "Cal's patient"


def test_adding_a_patient_with_wrong_details_says_what_to_fix_and_keeps_what_was_typed(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    for data, message in [
        ({"name": "Nia", "birth_year": "75", "email": ""}, "four digits"),
        ({"name": "Nia", "birth_year": "1850", "email": ""}, "not possible"),
        ({"name": " ", "birth_year": "1975", "email": ""}, "Give a name"),
        ({"name": "Nia", "birth_year": "1975", "email": "nia at example"}, "not an email address"),
        ({"name": "Nia", "birth_year": "1975", "email": "pat@example.org"}, "already has an account"),
    ]:
        refused = client.post("/staff/patients", data={**data, "csrf_token": form_token(client, "/staff")})
        assert refused.status_code == 422, data
        assert message in refused.text, (data, refused.text[:2000])
        if data["name"].strip():
            assert f'value="{data["name"]}"' in refused.text
    assert [p.display_name for p in world.store.patients_of(world.cleo.id)] == ["Pat Patient"]


def test_a_new_code_replaces_the_old_one(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.cleo)
    added = client.post(
        "/staff/patients",
        data={"name": "Nia New", "birth_year": "1975", "csrf_token": form_token(client, "/staff")},
    )
    old = re.search(r"<code>([A-Z0-9-]{11})</code>", added.text).group(1)  # type: ignore[union-attr]
    patient = world.store.patients_of(world.cleo.id)[0]
    assert patient.display_name == "Nia New"
    page = f"/staff/patients/{patient.id}"
    renewed = client.post(f"{page}/code", data={"csrf_token": form_token(client, page)})
    new = re.search(r"<code>([A-Z0-9-]{11})</code>", renewed.text).group(1)  # type: ignore[union-attr]
    assert new != old
    sign_in(client, world.store, None)
    assert client.post("/signin/code", data={"code": old, "birth_year": "1975"}).status_code == 401
    assert client.post("/signin/code", data={"code": new, "birth_year": "1975"}).status_code == 303


def test_removing_a_clinician_signs_them_out_and_closes_the_account(client: TestClient, world: World) -> None:
    cal = TestClient(client.app, base_url=str(client.base_url), follow_redirects=False)
    sign_in(cal, world.store, world.cal)
    assert cal.get("/staff").status_code == 200
    sign_in(client, world.store, world.admin)
    token = form_token(client, "/admin")
    asked = client.post(f"/admin/clinicians/{world.cal.id}/remove", data={"csrf_token": token})
    assert asked.status_code == 200
    assert "Remove Cal Clinician?" in asked.text
    assert cal.get("/staff").status_code == 200, "nothing happens before the admin confirms"
    done = client.post(
        f"/admin/clinicians/{world.cal.id}/remove", data={"csrf_token": token, "confirm": "yes"}
    )
    assert done.headers["location"] == "/admin?done=remove"
    assert cal.get("/staff").headers["location"] == "/signin"
    assert (
        client.post(
            "/signin/staff", data={"email": "cal@riverside.example", "password": PASSWORD}
        ).status_code
        == 401
    )
    assert "Cal Clinician" not in client.get("/admin").text
    own = client.post(
        f"/admin/clinicians/{world.admin.id}/remove",
        data={"csrf_token": form_token(client, "/admin"), "confirm": "yes"},
    )
    assert own.status_code == 422
    assert "cannot remove your own account" in own.text


def test_resetting_a_second_factor_makes_them_set_up_a_new_one(client: TestClient, world: World) -> None:
    world.store.update_account(world.cal.id, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DP")
    sign_in(client, world.store, world.admin)
    client.post(
        f"/admin/clinicians/{world.cal.id}/reset-second-factor",
        data={"csrf_token": form_token(client, "/admin")},
    )
    sign_in(client, world.store, None)
    signed = client.post("/signin/staff", data={"email": "cal@riverside.example", "password": PASSWORD})
    assert signed.headers["location"] == "/signin/enrol"


def test_the_audit_log_records_who_read_and_changed_a_patients_records(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.pat)
    client.post("/api/checkins", json={"pain": 2, "numbness": 3, "psfs": {"sitting at work": 5}})
    sign_in(client, world.store, world.cleo)
    client.get(f"/staff/patients/{world.pat.id}")
    sign_in(client, world.store, world.admin)
    page = client.get("/admin/audit")
    assert page.status_code == 200
    rows = re.findall(r"<tr>.*?</tr>", page.text, re.S)
    assert any("clinician Cleo Clinician" in r and "read" in r and "Pat Patient" in r for r in rows)
    assert any("patient Pat Patient" in r and "change" in r and "POST /api/checkins" in r for r in rows)
    exported = client.get("/admin/audit.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(exported.text)))
    assert table[0][:3] == ["at (UTC)", "who", "action"]
    assert any(row[2] == "read" and row[4] == "Pat Patient" for row in table[1:])
    sign_in(client, world.store, world.b_admin)
    assert "Pat Patient" not in client.get("/admin/audit").text, "another clinic's admin sees nothing of it"
