#!/usr/bin/env python3
"""The documentation's links resolve: every relative Markdown link in the repository's *.md files
names a file or folder that exists inside the repository, and every #anchor names a heading of the
page it points to (GitHub's slugs). A page moved or a heading renamed fails here, not in a reader's
browser. Links to other sites (https://…) are not fetched: tests never use the network.

    python3 tests/docs/links_test.py
"""
import os
import re
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SKIPPED_DIRS = {".git", ".tools", ".cache", "node_modules"}

FENCE = re.compile(r"^(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# [text](target) and ![alt](target); the target ends at whitespace or the closing parenthesis.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
INLINE_CODE = re.compile(r"`[^`\n]*`")


def markdown_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("build"))
        for name in sorted(files):
            if name.endswith(".md"):
                yield os.path.join(folder, name)


def prose_lines(path, keep_inline_code=False):
    """The lines of a page outside fenced code blocks. Inline code is removed, so that a link shown
    as code is not checked, unless kept (headings such as "## `run`: the operator" need it)."""
    fenced = False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if FENCE.match(line.lstrip()):
                fenced = not fenced
                continue
            if not fenced:
                yield number, line if keep_inline_code else INLINE_CODE.sub("", line)


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").strip().lower()
    return "".join(c if c.isalnum() or c in "-_" else "-" if c == " " else "" for c in text)


def anchors(path):
    seen = {}
    for _, line in prose_lines(path, keep_inline_code=True):
        m = HEADING.match(line)
        if m:
            base = slug(m.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            yield base if n == 0 else f"{base}-{n}"


def broken_links(path):
    problems = []
    for number, line in prose_lines(path):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not checked
                continue
            file_part, _, fragment = target.partition("#")
            where = f"{os.path.relpath(path, ROOT)}:{number}: {target}"
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if os.path.relpath(resolved, ROOT).startswith(".."):
                problems.append(f"{where}: leaves the repository (a clone has nothing there)")
            elif not os.path.exists(resolved):
                problems.append(f"{where}: no such file")
            elif fragment:
                if not resolved.endswith(".md"):
                    problems.append(f"{where}: an anchor into a file that is not Markdown")
                elif fragment not in set(anchors(resolved)):
                    problems.append(f"{where}: no heading with anchor #{fragment}")
    return problems


class Links(unittest.TestCase):
    def test_every_relative_link_resolves(self):
        problems = [p for page in markdown_files() for p in broken_links(page)]
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_the_pages_are_found(self):
        pages = list(markdown_files())
        for page in ("README.md", "CHANGELOG.md", "docs/README.md", "docs/contract/databaseschema-api.md"):
            self.assertIn(os.path.join(ROOT, page), pages)

    def test_the_checker_finds_what_is_broken(self):
        # The checker itself: a missing file, a missing anchor and a link out of the repository
        # are each reported, and a link inside a code block is not a link.
        import tempfile

        with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
            page = os.path.join(tmp, "page.md")
            with open(page, "w", encoding="utf-8") as f:
                f.write("# Title\n\n## `run`: the operator\n\n"
                        "[ok](#title) [ok](#run-the-operator) [gone](missing.md) [bad](#nowhere)\n"
                        "[out](../../../../outside.md) `[code](missing.md)`\n\n"
                        "```\n[fenced](missing.md)\n```\n")
            problems = broken_links(page)
        self.assertEqual(len(problems), 3, problems)
        self.assertIn("missing.md: no such file", problems[0])
        self.assertIn("no heading with anchor #nowhere", problems[1])
        self.assertIn("leaves the repository", problems[2])

    def test_readme_keeps_the_two_commands(self):
        # CI and the team's guide rely on these lines of the README being true.
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        self.assertRegex(readme, r"(?m)^make run\s+# ")
        self.assertRegex(readme, r"(?m)^make test\s+# ")


if __name__ == "__main__":
    unittest.main()
