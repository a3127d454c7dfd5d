"""Map the top-level folders onto the ``unionline`` import package.

``core/`` becomes ``unionline``, ``plugins/`` ``unionline.plugins``, ``channels/``
``unionline.channels`` and ``widgets/`` (browser code, shipped as package data)
``unionline.widgets``. The package list is computed from the tree, so a new plugin folder is
shipped without anyone remembering to list it (CI imports every module from the built wheel).
"""

from pathlib import Path

from setuptools import setup

ROOTS = {
    "unionline": "core",
    "unionline.plugins": "plugins",
    "unionline.channels": "channels",
    "unionline.widgets": "widgets",
}


def find_packages() -> list[str]:
    packages = []
    for name, folder in ROOTS.items():
        for init in sorted(Path(folder).rglob("__init__.py")):
            rel = init.parent.relative_to(folder).parts
            if "__pycache__" in rel:
                continue
            packages.append(".".join((name, *rel)))
    return packages


setup(package_dir=ROOTS, packages=find_packages())
