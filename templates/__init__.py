"""The bundled template library (paper .docx templates, GB/T 9704 stylesheet, dossier pages).

Shipped as package data so that a plain ``pip install .`` can render papers.
"""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent
