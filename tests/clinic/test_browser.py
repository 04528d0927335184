"""The clinic in Chromium, end to end, on the real server (two workers, the queue worker, a real
SMTP server): the admin invites a clinician, who sets up an authenticator and adds a patient; the
patient signs in from the emailed link at phone width and does a check-in; nobody sees what
they may not. axe-core checks every page on the way; screenshots at both widths."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyotp
from playwright.sync_api import Browser, Page, expect

from tests.clinic.serving import PASSWORD, Mailbox, clinic_running, email_link
from tests.web.browsing import DESKTOP, PHONE, browser, serious_violations, shoot

__all__ = ["browser"]  # the fixture


def _checked(page: Page, name: str) -> None:
    assert serious_violations(page) == [], name
    shoot(page, f"clinic-{name}")


def _virtual_authenticator(page: Page) -> None:
    """Chromium's virtual authenticator (through the DevTools protocol): a platform passkey
    store that verifies its user, as a phone's screen lock does."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
               "isUserVerified": True, "automaticPresenceSimulation": True}  # fmt: skip
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})


def _enrol_authenticator(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("second factor")
    _checked(page, f"{name}-enrol")
    key = page.locator("figcaption code").inner_text().replace(" ", "")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Save and continue").click()


def test_from_an_admin_to_a_patients_check_in(
    browser: Browser, server_db: str, mailbox: tuple[Mailbox, int], tmp_path: Path
) -> None:
    box, smtp_port = mailbox
    with clinic_running(server_db, smtp_port, tmp_path, host="localhost") as (url, _port):
        staff = browser.new_context(viewport=DESKTOP, base_url=url)
        admin = staff.new_page()
        admin.goto("/")
        expect(admin).to_have_url(re.compile(r"/signin$"))
        _checked(admin, "signin")
        admin.get_by_role("link", name="sign in with your password").click()
        _checked(admin, "staff-signin")
        admin.get_by_label("Email address").fill("admin@riverside.example")
        admin.get_by_label("Password").fill(PASSWORD)
        admin.get_by_role("button", name="Next").click()
        _enrol_authenticator(admin, "admin")
        expect(admin.get_by_role("heading", level=1)).to_have_text("Clinic admin")
        admin.get_by_label("Full name").fill("Cleo Clinician")
        admin.get_by_label("Work email address").fill("cleo@riverside.example")
        admin.get_by_role("button", name="Send invitation").click()
        expect(admin.get_by_role("status")).to_contain_text("invitation is on its way")
        _checked(admin, "admin")
        staff.close()

        invited = browser.new_context(viewport=DESKTOP, base_url=url)
        cleo = invited.new_page()
        cleo.goto(email_link(box.wait_for("cleo@riverside.example")))
        expect(cleo.get_by_role("heading", level=1)).to_contain_text("Cleo Clinician")
        _checked(cleo, "invite")
        cleo.get_by_label(re.compile("New password")).fill("a long new password")
        cleo.get_by_role("button", name="Save password").click()
        # The clinician's second factor is a passkey, not an authenticator app.
        _virtual_authenticator(cleo)
        expect(cleo.get_by_role("heading", level=1)).to_contain_text("second factor")
        _checked(cleo, "clinician-enrol")
        cleo.get_by_role("button", name="Add a passkey").click()
        expect(cleo.get_by_role("heading", level=1)).to_have_text("My patients")
        cleo.goto("/account")
        cleo.get_by_role("button", name="Sign out of this device").click()
        cleo.get_by_role("button", name="Sign in with a passkey").click()  # a patient's way, not staff's
        expect(cleo.locator("#passkey-status")).to_contain_text("Staff sign in with their password first")
        cleo.goto("/signin/staff")
        cleo.get_by_label("Email address").fill("cleo@riverside.example")
        cleo.get_by_label("Password").fill("a long new password")
        cleo.get_by_role("button", name="Next").click()
        _checked(cleo, "clinician-second-factor")
        cleo.get_by_role("button", name="Use my passkey").click()
        expect(cleo.get_by_role("heading", level=1)).to_have_text("My patients")
        for name, email in (("Pat Patient", "pat@example.org"), ("Peg Patient", "")):
            cleo.goto("/staff")
            cleo.get_by_label("Full name").fill(name)
            cleo.get_by_label(re.compile("Year of birth")).fill("1980")
            cleo.get_by_label(re.compile("Email address")).fill(email)
            cleo.get_by_role("button", name="Add patient").click()
            expect(cleo.locator(".paper-code code")).to_have_text(re.compile(r"^[A-Z0-9]{5}-[A-Z0-9]{5}$"))
        _checked(cleo, "patient-code")
        cleo.goto("/staff")
        _checked(cleo, "staff")
        peg_page = cleo.get_by_role("link", name="Peg Patient").get_attribute("href")
        assert peg_page is not None
        cleo.goto(peg_page)
        _checked(cleo, "patient")

        phone = browser.new_context(viewport=PHONE, base_url=url, is_mobile=True, has_touch=True)
        pat = phone.new_page()
        pat.goto(email_link(box.wait_for("pat@example.org")))
        _checked(pat, "link")
        pat.get_by_role("button", name="Sign in").click()
        expect(pat).to_have_url(url)
        pat.goto("/checkin")
        pat.get_by_label(re.compile("^Pain right now")).fill("3")
        pat.get_by_label(re.compile("^Numbness when you sit")).fill("4")
        pat.locator("#activity_0").fill("Sitting through a film")
        pat.locator("#activity_0_score").fill("5")
        for group in pat.locator("fieldset.sign").all():
            group.get_by_label("No", exact=True).check()
        pat.get_by_role("button", name="Save my check-in").click()
        expect(pat.get_by_role("heading", level=1)).not_to_have_text("How are you today?")
        _checked(pat, "checkin-saved")
        pat.goto("/account")
        expect(pat.get_by_text("Cleo Clinician")).to_be_visible()
        _checked(pat, "account")
        # On the phone, a passkey replaces the emailed link from then on.
        _virtual_authenticator(pat)
        pat.get_by_role("button", name="Add a passkey on this device").click()
        expect(pat.get_by_role("status").first).to_contain_text("passkey is saved")
        pat.get_by_role("button", name="Sign out of this device").click()
        expect(pat).to_have_url(re.compile(r"/signin$"))
        pat.get_by_role("button", name="Sign in with a passkey").click()
        expect(pat).to_have_url(url)
        pat.goto("/account")
        expect(pat.get_by_text("Pat Patient")).to_be_visible()
        # The patient cannot open another patient's page, nor any staff page.
        for path in (peg_page, "/staff", "/admin", "/admin/audit"):
            response: Any = pat.goto(path)
            assert response.status == 404, path
        phone.close()

        nobody = browser.new_context(viewport=PHONE, base_url=url).new_page()
        for path in ("/", "/plan", "/progress", "/staff", "/admin", peg_page):
            nobody.goto(path)
            expect(nobody).to_have_url(re.compile(r"/signin$"))
        assert "Pat Patient" not in nobody.content()
        nobody.context.close()
