"""Package layout: one import name, ``docgen``, over the design card's top-level folders.

The folders ``archive/``, ``index/`` and ``templates/`` stay at the top of the repository and install
as ``docgen.archive``, ``docgen.index`` and ``docgen.templates`` (``package_dir``), so the wheel adds a
single top-level name. Everything else about the project is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = {"docgen": "docgen", "docgen.archive": "archive", "docgen.index": "index",
           "docgen.templates": "templates"}  # fmt: skip

packages = []
for name, folder in FOLDERS.items():
    subpackages = find_namespace_packages(folder, exclude=["*__pycache__*"])  # data folders too
    packages += [name, *(f"{name}.{sub}" for sub in subpackages)]

setup(packages=packages, package_dir=FOLDERS)
