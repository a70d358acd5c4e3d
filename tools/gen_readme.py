#!/usr/bin/env python3
"""Build the README.rst of account_debt_followup (and of account_debt_followup_queue) from their
readme/*.md fragments.

Handles the Markdown the fragments use: headings, paragraphs, bullet and numbered lists,
inline code, bold, links, images alone on their line and fenced code blocks. ``--check`` fails
when README.rst is stale.
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = [ROOT / "account_debt_followup", ROOT / "account_debt_followup_queue"]
SECTIONS = [  # fragment, heading (None: no heading)
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("SECURITY.md", "Security"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("CONTRIBUTORS.md", "Contributors"),
]
UNDERLINES = {1: "=", 2: "~", 3: "^", 4: "-"}  # level under the section headings


def inline(text):
    text = re.sub(r"`([^`]+)`", r"``\1``", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"`\1 <\2>`_", text)
    return text


def md_to_rst(markdown, base_level):
    out, in_code = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            if not in_code:
                out += ["::", ""]
            else:
                out.append("")
            in_code = not in_code
            continue
        if in_code:
            out.append("    " + line)
            continue
        image = re.match(r"^!\[([^\]]*)\]\(([^)]+)\)$", line.strip())
        if image:
            out += [f".. image:: {image.group(2)}", f"   :alt: {image.group(1)}", ""]
            continue
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if heading:
            title = inline(heading.group(2).strip())
            level = min(base_level + len(heading.group(1)), 4)
            out += [title, UNDERLINES[level] * len(title), ""]
            continue
        out.append(inline(line.rstrip()))
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def build(module):
    manifest = ast.literal_eval((module / "__manifest__.py").read_text(encoding="utf-8"))
    title = manifest["name"]
    parts = [
        ".. This file is generated from the readme/ fragments by tools/gen_readme.py: edit those.",
        "",
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        f"*Version {manifest['version']}, license {manifest['license']}.*",
        "",
        manifest["summary"],
        "",
    ]
    for fragment, heading in SECTIONS:
        path = module / "readme" / fragment
        if not path.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts.append(md_to_rst(path.read_text(encoding="utf-8"), base_level=1))
    parts += ["Authors", "=" * len("Authors"), "", f"* {manifest['author']}", ""]
    return "\n".join(parts)


def main():
    for module in MODULES:
        target = module / "README.rst"
        content = build(module)
        if "--check" in sys.argv:
            if not target.exists() or target.read_text(encoding="utf-8") != content:
                sys.exit(
                    f"{target.relative_to(ROOT)} is out of date with readme/: "
                    "run `make readme` and commit it."
                )
            continue
        target.write_text(content, encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
