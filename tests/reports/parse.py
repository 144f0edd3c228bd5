"""Independent readers of the written files (stdlib html.parser and a pipe-table reader), so the tests check
what a browser or Markdown viewer would see rather than re-running the renderer's own helpers."""

from __future__ import annotations

from html.parser import HTMLParser


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.tables: list[list[list[str]]] = []
        self.table_captions: list[str] = []
        self.figcaptions: list[str] = []
        self.figure_kinds: list[str] = []
        self.texts: dict[str, list[str]] = {}  # tag -> text of each element (h1, h2, p, li, title)
        self._cell: list[str] | None = None
        self._capture: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "figure":
            self.figure_kinds.append(dict(attrs).get("data-kind") or "")
        if tag in ("h1", "h2", "p", "li", "title", "caption", "figcaption"):
            self._capture.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        if self._capture and self._capture[-1][0] == tag:
            name, parts = self._capture.pop()
            text = "".join(parts)
            if name == "caption":
                self.table_captions.append(text)
            elif name == "figcaption":
                self.figcaptions.append(text)
            else:
                self.texts.setdefault(name, []).append(text)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        for _, parts in self._capture:
            parts.append(data)


def parse_html(text: str) -> PageParser:
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser


def _split_row(line: str) -> list[str]:
    """Cells of one pipe-table row; a backslash makes the next character literal."""
    cells: list[str] = []
    current: list[str] = []
    chars = iter(line.strip()[1:-1])  # drop the outer pipes
    for ch in chars:
        if ch == "\\":
            current.append(next(chars, ""))
        elif ch == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    cells.append("".join(current).strip())
    return cells


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table: [header, *rows] (the alignment row dropped)."""
    tables: list[list[list[str]]] = []
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            tables.append([_split_row(block[0]), *(_split_row(row) for row in block[2:])])
            block = []
    return tables
