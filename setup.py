"""The one build step glutewake needs: the web app's browser libraries.

htmx, Chart.js and MediaPipe Pose (its models and WASM runtime are inside the package) come
from the npm registry, pinned by package-lock.json. Building the
package (`pip install .`, also editable) runs `npm ci` if they are not installed yet, then
copies the files that package.json names under "glutewake" > "vendor" into
src/glutewake/web/static/vendor/, which the app serves itself: no page ever loads a CDN.
The copies are build output, so they are not kept in git.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
VENDOR = ROOT / "src" / "glutewake" / "web" / "static" / "vendor"


def vendor_browser_libraries() -> None:
    wanted: dict[str, str] = json.loads((ROOT / "package.json").read_text())["glutewake"]["vendor"]
    modules = ROOT / "node_modules"
    if not all((modules / source).is_file() for source in wanted.values()):
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit(
                "glutewake's web app serves htmx, Chart.js and MediaPipe Pose from the npm registry, and building it "
                "needs npm: install Node.js and npm (on Debian: apt-get install npm), then try again."
            )
        print("glutewake: installing the browser libraries with npm ci")
        subprocess.run([npm, "ci", "--omit=dev", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    for name, source in wanted.items():
        (VENDOR / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / source, VENDOR / name)


class BuildWithBrowserLibraries(build_py):
    def run(self) -> None:
        vendor_browser_libraries()
        super().run()


setup(cmdclass={"build_py": BuildWithBrowserLibraries})
