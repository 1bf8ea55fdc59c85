"""The office web app: server-rendered pages (Jinja2) and their JSON twins under /api.

``create_app(ws)`` → a FastAPI app over one workspace; ``docgen serve`` runs it under uvicorn.
Pages call the same domain functions as the CLI (``archive.*``, ``docgen.archive.papers``).
"""

from __future__ import annotations

from docgen.web.app import create_app

__all__ = ["create_app"]
