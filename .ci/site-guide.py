#!/usr/bin/env python3
"""Writes the guide pages of the documentation site from README.md, so the site cannot drift from the README.

README.md is cut at every `##` and `###` heading (outside code blocks) into sections; PAGES below says which
sections make each page. Every section must land on exactly one page: a new README section fails the build until it
is given a page here. The text before the first heading becomes the site's index page.

Writes docs/index.md and docs/guide/*.md, which are generated at every build and not committed (.gitignore).
Run by .ci/site; on its own: `python3 .ci/site-guide.py`.
"""
import os
import re
import sys

# (file under docs/guide, page title, headings that start with these texts). A section whose heading equals the
# page title gives the page its title; the others keep their heading as a second-level one.
PAGES = [
    ("wrapping.md", "Wrapping functions: `threaded`, `asynced` and executors", ["Wrapping functions"]),
    ("streaming.md", "Streaming results", ["Results: in order", "The map family", "Cancellation reaches", "Cancellable functions from C#", "Sync bridges"]),
    ("builder.md", "The `futured { }` builder", ["`futured { }`"]),
    ("task-sets-and-waiting.md", "Task sets and waiting scopes", ["Task sets", "Waiting scopes"]),
    ("commands.md", "Commands", ["Commands"]),
    ("worker-processes.md", "Worker processes: `processed` and `forked`", ["Worker processes"]),
    ("scaling-out.md", "Scaling out: `Distributed` on an Orleans cluster", ["Scaling out"]),
    ("decorated.md", "`decorated`: an asynchronous interface over a synchronous class", ["`decorated`", "An executor per method"]),
    ("csharp.md", "C#: the packages and the facade", ["Packages"]),
    ("performance.md", "Performance", ["Performance"]),
    ("decisions.md", "Errors and decisions", ["Errors", "Decisions"]),
    ("contributing.md", "Contributing: tests and gates", ["Contributing"]),
]

root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
readme = open(os.path.join(root, "README.md"), encoding="utf-8").read().splitlines()

# Cut the README into (level, heading, lines); level 0 is the text before the first heading.
sections = [(0, None, [])]
fence = None
for line in readme:
    marker = re.match(r"^(```+|~~~+)", line)
    if marker:
        if fence is None:
            fence = marker.group(1)
        elif line.strip() == fence:
            fence = None
    heading = re.match(r"^(##|###) (.+)$", line) if fence is None else None
    if heading:
        sections.append((len(heading.group(1)), heading.group(2).strip(), []))
    else:
        sections[-1][2].append(line)


def link(match):
    """Links from the README to files in docs/ point at their page; links to other files of the repository become
    the path in code, since the site holds only the docs."""
    text, target = match.group(1), match.group(2)
    if re.match(r"^[a-z]+:", target) or target.startswith("#"):
        return match.group(0)
    path, _, anchor = target.partition("#")
    if path.startswith("docs/") and path.endswith(".md"):
        return f"[{text}]({{{{root}}}}{path[len('docs/'):-len('.md')]}.html{'#' + anchor if anchor else ''})"
    return f"{text} (`{path}` in the repository)" if text != path else f"`{path}` (in the repository)"


def body(lines):
    text = "\n".join(lines).strip("\n")
    out, fence = [], None
    for line in text.split("\n"):
        marker = re.match(r"^(```+|~~~+)", line)
        if marker:
            fence = marker.group(1) if fence is None else (None if line.strip() == fence else fence)
            out.append(line)
        elif fence is None:
            out.append(re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", link, line))
        else:
            out.append(line)
    return "\n".join(out)


def front(title, category, categoryindex, index):
    # fsdocs reads the title, the category and the order in the navigation from this front matter.
    plain = title.replace("`", "")
    return f"---\ntitle: {plain}\ncategory: {category}\ncategoryindex: {categoryindex}\nindex: {index}\n---\n\n"


generated = "<!-- Generated from README.md by .ci/site-guide.py at every site build: edit README.md, not this file. -->\n\n"
used = {}
pages = []
for index, (name, title, prefixes) in enumerate(PAGES, start=1):
    parts = []
    for number, (level, heading, lines) in enumerate(sections):
        if level and any(heading.startswith(p) for p in prefixes):
            if number in used:
                sys.exit(f"README section '{heading}' matches both {used[number]} and {name}")
            used[number] = name
            parts.append(body(lines) if heading == title else f"## {heading}\n\n{body(lines)}")
    if not parts:
        sys.exit(f"no README section starts with any of {prefixes} (page {name}): update PAGES in .ci/site-guide.py")
    pages.append((name, title))
    text = front(title, "Guide", 1, index) + generated + f"# {title}\n\n" + "\n\n".join(parts) + "\n"
    os.makedirs(os.path.join(root, "docs", "guide"), exist_ok=True)
    with open(os.path.join(root, "docs", "guide", name), "w", encoding="utf-8") as f:
        f.write(text)

left = [heading for number, (level, heading, _) in enumerate(sections) if level and number not in used]
if left:
    sys.exit(f"README sections on no page: {left}; give each a page in PAGES of .ci/site-guide.py")

contents = "\n".join(f"- [{title}]({{{{root}}}}guide/{name[:-3]}.html)" for name, title in pages)
index = (
    front("Futured", "Overview", 0, 0)
    + generated
    + "# Futured\n\n"
    + body(sections[0][2][1:] if sections[0][2][:1] == ["# Futured"] else sections[0][2])
    + "\n\n## Guide\n\nThe guide is the README, a page per topic:\n\n"
    + contents
    + "\n\nThe [API reference]({{root}}reference/index.html) is built from the XML documentation of both assemblies:"
    + " the F# core (`Futured.FSharp`) and the C# facade (`Futured.CSharp`).\n\nTwo pages run their code when the"
    + " site is built, and show what it printed: [streaming, executed]({{root}}streaming-executed.html) and"
    + " [task sets, waiting and commands, executed]({{root}}tasks-executed.html).\n"
)
with open(os.path.join(root, "docs", "index.md"), "w", encoding="utf-8") as f:
    f.write(index)
print(f"wrote docs/index.md and {len(pages)} guide pages from {sum(1 for s in sections if s[0])} README sections")
