"""Tables as the editor's table model writes them: one body, padded rows, heading columns."""

from __future__ import annotations

from articles.canonical.tree import NBSP, Element, Text


def take_caption(table: Element) -> Element | None:
    """Remove and return the table's ``<caption>`` as a ``<figcaption>`` (CKEditor's form).
    A table has one caption: the text of any further ``<caption>`` (which an HTML parser keeps)
    joins the first one's, a space between, so no caption is left in the table for the next
    reading to move."""
    captions = [child for child in table.children if isinstance(child, Element) and child.tag == "caption"]
    if not captions:
        return None
    table.children = [child for child in table.children if getattr(child, "tag", None) != "caption"]
    children = list(captions[0].children)
    for caption in captions[1:]:
        children.extend([Text(" "), *caption.children])
    return Element("figcaption", {}, children)


def _rows(table: Element) -> list[tuple[Element, bool]]:
    """The table's rows in order, each with whether it is a heading (``thead``) row."""
    rows = []
    for section in table.children:
        if isinstance(section, Element) and section.tag in ("thead", "tbody", "tfoot"):
            rows.extend(
                (row, section.tag == "thead")
                for row in section.children
                if isinstance(row, Element) and row.tag == "tr"
            )
    return rows


def _span(cell: Element, name: str) -> int:
    try:
        return max(1, int(cell.attrs.get(name, "1")))
    except ValueError:
        return 1


def normalize_table_sections(table: Element) -> None:
    """One ``tbody`` for the body rows (``tfoot`` rows join it) and every row padded with empty
    cells to the table's width, as the editor's table model does."""
    foot_rows = [
        row
        for section in table.children
        if isinstance(section, Element) and section.tag == "tfoot"
        for row in section.children
    ]
    table.children = [c for c in table.children if not (isinstance(c, Element) and c.tag == "tfoot")]
    if foot_rows:
        body = next((c for c in table.children if isinstance(c, Element) and c.tag == "tbody"), None)
        if body is None:
            body = Element("tbody")
            table.children.append(body)
        body.children.extend(foot_rows)
    rows = _rows(table)
    occupied: dict[int, int] = {}  # row index -> slots taken by cells spanning down into it
    widths = []
    for index, (row, _heading) in enumerate(rows):
        width = occupied.get(index, 0)
        for cell in row.children:
            if isinstance(cell, Element) and cell.tag in ("td", "th"):
                colspan = _span(cell, "colspan")
                width += colspan
                for below in range(index + 1, index + _span(cell, "rowspan")):
                    occupied[below] = occupied.get(below, 0) + colspan
        widths.append(width)
    body_rows = [row for row, heading in rows if not heading]
    heading_columns = min((_leading_headings(row) for row in body_rows), default=0)
    for row in body_rows:
        cells = [cell for cell in row.children if isinstance(cell, Element) and cell.tag in ("td", "th")]
        for position, cell in enumerate(cells):
            if cell.tag == "th" and position >= heading_columns:  # a heading cell outside heading columns
                cell.tag = "td"
                cell.attrs.pop("scope", None)
    table_width = max(widths, default=0)
    for (row, heading), width in zip(rows, widths, strict=True):
        row.children.extend(
            Element("th" if heading else "td", {}, [Text(NBSP)]) for _ in range(table_width - width)
        )


def _leading_headings(row: Element) -> int:
    count = 0
    for cell in row.children:
        if not isinstance(cell, Element) or cell.tag not in ("td", "th"):
            continue
        if cell.tag != "th":
            break
        count += 1
    return count
