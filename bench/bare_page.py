"""A bare FastAPI app serving one page of a given size, as bench/web.py's yardstick: the least
any FastAPI page costs on this machine. The route is a plain `def`, as a page that reads
records is, and it is served by uvicorn with the same HTTP parser glutewake uses (h11).

    python3 bench/bare_page.py PORT SIZE [--async]
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse


def make_app(size: int, *, asynchronous: bool) -> FastAPI:
    page = ("<!doctype html><title>bare</title>" + "x" * size)[:size]
    app = FastAPI()
    if asynchronous:

        @app.get("/", response_class=HTMLResponse)
        async def start_async() -> str:
            return page

    else:

        @app.get("/", response_class=HTMLResponse)
        def start() -> str:
            return page

    return app


if __name__ == "__main__":
    port, size = int(sys.argv[1]), int(sys.argv[2])
    app = make_app(size, asynchronous="--async" in sys.argv)
    uvicorn.run(app, host="127.0.0.1", port=port, http="h11", log_level="warning")
