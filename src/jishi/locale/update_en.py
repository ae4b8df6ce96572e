"""Refresh the English translation: makemessages, fill empty msgstr from en_glossary, compile.

    cd src/jishi && ../../.venv/bin/python locale/update_en.py

Re-runnable: translations already in the .po are kept; new msgids are filled from the glossary,
and those missing from it are listed (exit status 1) so they can be added.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE.parent
PO = HERE / "en" / "LC_MESSAGES" / "django.po"
JISHI = Path(sys.executable).with_name("jishi")

sys.path.insert(0, str(HERE))
from en_glossary import EN  # noqa: E402


def _unquote(block: str) -> str:
    return "".join(bytes(s, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                   for s in re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po_text: str) -> tuple[str, list[str]]:
    missing: list[str] = []
    out = []
    for entry in po_text.split("\n\n"):
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not m:
            out.append(entry)
            continue
        msgid = _unquote(m.group(1))
        if not msgid:
            out.append(entry)
            continue
        c = re.search(r'^msgctxt ((?:".*"\n?)+)', entry, re.M)
        if c:  # a msgid with a context (pgettext) is looked up as "context\x04msgid", gettext's own key
            msgid = _unquote(c.group(1)) + "\x04" + msgid
        fuzzy = bool(re.search(r"^#,.*\bfuzzy\b", entry, re.M))
        if fuzzy and msgid in EN:  # a guess by msgmerge: replace it with the glossary's English
            entry = re.sub(r"^#, fuzzy\n", "", entry, flags=re.M)
            entry = re.sub(r"^(#,.*?)\bfuzzy, ", r"\1", entry, flags=re.M)
            entry = re.sub(r"^#\| .*\n", "", entry, flags=re.M)
        elif fuzzy:
            missing.append(msgid)
            out.append(entry)
            continue
        value = EN.get(msgid)
        if "msgid_plural" in entry:
            if re.search(r'^msgstr\[0\] ""\s*$', entry, re.M) or msgid in EN:
                if isinstance(value, tuple):
                    entry = re.sub(r'^msgstr\[0\] .*$', "msgstr[0] " + _quote(value[0]), entry, flags=re.M)
                    entry = re.sub(r'^msgstr\[1\] .*$', "msgstr[1] " + _quote(value[1]), entry, flags=re.M)
                else:
                    missing.append(msgid)
        else:
            head, _, rest = entry.partition("\nmsgstr ")
            current = _unquote(rest)
            if isinstance(value, str):
                entry = head + "\nmsgstr " + _quote(value)
            elif not current:
                missing.append(msgid)
        out.append(entry)
    return "\n\n".join(out), missing


def main() -> int:
    subprocess.run([str(JISHI), "makemessages", "-l", "en", "--ignore=.venv", "--ignore=static/vendor", "--no-obsolete"],
                   cwd=APP, check=True)
    text, missing = fill(PO.read_text(encoding="utf-8"))
    text = text.replace('"Language: \\n"', '"Language: en\\n"').replace("#, fuzzy\nmsgid \"\"", "msgid \"\"")
    text = re.sub(r'"Plural-Forms: [^"]*"', '"Plural-Forms: nplurals=2; plural=(n != 1);\\\\n"', text)
    PO.write_text(text, encoding="utf-8")
    subprocess.run([str(JISHI), "compilemessages", "-l", "en"], cwd=APP, check=True)
    if missing:
        print(f"{len(missing)} msgids have no English yet (add them to locale/en_glossary.py):")
        for m in missing:
            print("  ", m)
        return 1
    print("English translation complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
