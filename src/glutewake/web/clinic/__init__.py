"""The clinic server's web app: the patient's pages (the personal app's, for their own records),
signing in, staff and admin pages. `glutewake clinic serve` runs it with several workers."""

from glutewake.web.clinic.app import create_clinic_app

__all__ = ["create_clinic_app"]
