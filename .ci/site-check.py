#!/usr/bin/env python3
"""Checks of the built documentation site, used by .ci/site.

  site-check.py links SITE_DIR          every internal link and fragment of every page resolves; no page loads a
                                        script, style sheet or image from another host
  site-check.py picture PNG...          each screenshot is not blank (enough distinct colours, and enough pixels
                                        that differ from the most common colour)

Pure standard library: PNG files are decoded with zlib.
"""
import collections
import html.parser
import os
import struct
import sys
import urllib.parse
import zlib


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []  # (tag, attribute, value)
        self.anchors = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.anchors.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) is not None:
                self.links.append((tag, key, attrs[key], attrs.get("rel", "")))


def links(site):
    site = os.path.abspath(site)
    pages = {}
    for folder, _, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                parser = Page()
                with open(path, encoding="utf-8") as f:
                    parser.feed(f.read())
                pages[path] = parser
    problems, checked = [], 0
    for path, page in sorted(pages.items()):
        where = os.path.relpath(path, site)
        for tag, key, value, rel in page.links:
            value = value.strip()
            parsed = urllib.parse.urlsplit(value)
            if parsed.scheme in ("mailto", "data", "javascript"):
                continue
            if parsed.scheme or parsed.netloc:
                # A hyperlink to another site is fine; loading part of the page from one is not (the site must
                # work offline, and CI has no network).
                loads = tag in ("script", "img", "iframe") or (tag == "link" and "stylesheet" in rel.split())
                if loads:
                    problems.append(f"{where}: <{tag} {key}> loads {value} from another host")
                continue
            checked += 1
            if parsed.path == "":
                target = path
            elif parsed.path.startswith("/"):
                target = os.path.join(site, urllib.parse.unquote(parsed.path).lstrip("/"))
            else:
                target = os.path.join(os.path.dirname(path), urllib.parse.unquote(parsed.path))
            target = os.path.normpath(target)
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            if not (target == site or target.startswith(site + os.sep)):
                problems.append(f"{where}: {value} points outside the site")
            elif not os.path.isfile(target):
                problems.append(f"{where}: {value} is broken ({os.path.relpath(target, site)} does not exist)")
            elif parsed.fragment and target in pages and urllib.parse.unquote(parsed.fragment) not in pages[target].anchors:
                problems.append(f"{where}: {value} names an anchor that {os.path.relpath(target, site)} lacks")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{checked} internal links in {len(pages)} pages checked, {len(problems)} broken")
    return 1 if problems else 0


def pixels(path):
    """The rows of an 8-bit, non-interlaced RGB or RGBA PNG, as bytes per row."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"{path}: only 8-bit non-interlaced RGB/RGBA is read here (depth {depth}, type {colour})")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def picture(paths):
    failed = 0
    for path in paths:
        width, height, channels, rows = pixels(path)
        counts = collections.Counter()
        for row in rows:
            for x in range(0, width * channels, channels):
                counts[row[x : x + 3]] += 1
        total = width * height
        background = counts.most_common(1)[0][1]
        ink = 100.0 * (total - background) / total
        blank = len(counts) < 16 or ink < 1.0
        print(f"{path}: {width}x{height}, {len(counts)} distinct colours, {ink:.1f}% of pixels off the background"
              + (": BLANK" if blank else ""))
        failed += blank
    return 1 if failed else 0


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    sys.exit(links(arguments[0]) if command == "links" else picture(arguments))
