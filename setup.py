"""Build step beyond pyproject.toml: compile the message catalogues (locale/*/LC_MESSAGES/*.po) into
the .mo files gettext reads, with Babel, so that an installed disclo speaks Chinese without Babel."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues(source: Path, target: Path) -> list[str]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("locale/*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fh:
            catalog = read_po(fh)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        written.append(str(mo))
    return written


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "src" / "disclo_cli"
        # an editable install reads the package from src/: compile beside the .po there
        target = source if getattr(self, "editable_mode", False) else Path(self.build_lib) / "disclo_cli"
        compile_catalogues(source, target)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        source = Path(__file__).parent / "src" / "disclo_cli"
        if not getattr(self, "editable_mode", False):
            outputs += [str(Path(self.build_lib) / "disclo_cli" / po.relative_to(source).with_suffix(".mo"))
                        for po in source.glob("locale/*/LC_MESSAGES/*.po")]
        return outputs


setup(cmdclass={"build_py": BuildWithCatalogues})
