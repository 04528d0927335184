"""The web app: the whole journey in a browser, served locally (FastAPI + Jinja2)."""

from glutewake.web.app import create_app

__all__ = ["create_app"]
