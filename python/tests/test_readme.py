"""The README's Python example works as written and prints what the README says."""
import re
import subprocess
import sys

from conftest import ROOT


def test_readme_python_example_prints_its_documented_output():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("\n## Python\n"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    want = re.search(r"prints\n\n```text\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    got = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert got == want
