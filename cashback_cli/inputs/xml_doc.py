"""XML documents, read safely: a tree of elements, each with the line it begins on, and the
records at an element path ("cj-api/commissions/commission").

The standard library's expat parser is used with every door to entity expansion shut: an
entity declaration (how a "billion laughs" file makes a reader expand gigabytes), an external
entity and an external DTD (how a file makes a reader open another file or a URL) are refused
as soon as the parser meets them, before anything is expanded or fetched. A network's export
never needs any of them. Nothing else is needed, so there is no extra dependency to install.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.parsers import expat

from ..core.problems import Problem
from ..i18n import _

MAX_DEPTH = 200  # deeper than any export; a deeper file is refused rather than walked


class Element:
    """One element: its local name (no namespace prefix), attributes, children, text and line."""

    __slots__ = ("tag", "attributes", "children", "text", "line")

    def __init__(self, tag: str, attributes: dict[str, str], line: int) -> None:
        self.tag = tag
        self.attributes = attributes
        self.children: list[Element] = []
        self.text = ""
        self.line = line


class _Refused(Exception):
    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def looks_like_xml(text: str) -> bool:
    """Whether a text is XML by its content: "<" is its first character after blanks."""
    return text.lstrip("\ufeff \t\r\n")[:1] == "<"


def parse_xml(file: str, data: bytes | str) -> Element | Problem:
    """The root element of an XML document, or the Problem that says why it cannot be read.
    Bytes are decoded as the document itself declares (its encoding declaration or byte-order
    mark); text is read as it is."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    found: list[Element] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _Refused(_("XML nested at most {count} levels deep").format(count=MAX_DEPTH))
        element = Element(
            _local(name),
            {_local(k): v for k, v in attributes.items() if not k.startswith("xmlns")},
            parser.CurrentLineNumber,
        )
        if stack:
            stack[-1].children.append(element)
        else:
            found.append(element)
        stack.append(element)

    def end(_name: str) -> None:
        element = stack.pop()
        element.text = element.text.strip()

    def text(data: str) -> None:
        if stack:
            stack[-1].text += data

    def entity(*_args) -> None:
        raise _Refused(
            _(
                "an XML document without entity declarations (<!ENTITY …>): they are refused, "
                "since expanding them can take all memory or read other files"
            )
        )

    def external(*_args) -> int:
        raise _Refused(_("an XML document without external entities: they are refused, never fetched"))

    def doctype(_name, system_id, public_id, _internal) -> None:
        if system_id or public_id:
            raise _Refused(_("an XML document without an external DTD: it is refused, never fetched"))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data.lstrip("\ufeff") if isinstance(data, str) else data, True)
    except _Refused as refused:
        return Problem(file, parser.CurrentLineNumber, None, None, refused.expected)
    except expat.ExpatError as error:
        return Problem(
            file,
            error.lineno,
            None,
            None,
            _("well-formed XML ({error}, column {column})").format(
                error=expat.ErrorString(error.code), column=error.offset + 1
            ),
        )
    if not found:
        return Problem(file, None, None, None, _("an XML document with a root element"))
    return found[0]


def elements_at(root: Element, path: str) -> list[Element] | None:
    """The elements at a slash-separated path from the root ("report/matrix/rows/row"), or
    None when the document has no such path."""
    steps = [step for step in path.strip("/").split("/") if step]
    if not steps or root.tag != steps[0]:
        return None
    current = [root]
    for step in steps[1:]:
        current = [child for element in current for child in element.children if child.tag == step]
        if not current:
            return None
    return current


def starts_at(root: Element, path: str) -> bool:
    """Whether the path begins at this document's root element (its records may be none)."""
    return root.tag == path.strip("/").split("/")[0]


def record_lists(root: Element) -> list[tuple[str, int]]:
    """The paths of elements that look like records (an element with child elements, whose
    children hold values), with how many there are: to name them when a path is wrong."""
    counts: dict[str, int] = {}
    walk = [(root, root.tag, 0)]
    while walk:
        element, where, depth = walk.pop()
        if element.children and all(not child.children for child in element.children) and depth:
            counts[where] = counts.get(where, 0) + 1
            continue
        if depth < 12:
            walk.extend((child, f"{where}/{child.tag}", depth + 1) for child in reversed(element.children))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:6]


def record_values(element: Element) -> dict[str, str]:
    """A record's values: its attributes and its child elements by name, nested ones as dotted
    names ("amount.currency"), attributes of a child as "child.attribute". The first of
    repeated children wins."""
    values: dict[str, str] = dict(element.attributes)
    walk: list[tuple[Element, str]] = [(child, "") for child in reversed(element.children)]
    while walk:
        child, prefix = walk.pop()
        key = prefix + child.tag
        for name, value in child.attributes.items():
            values.setdefault(f"{key}.{name}", value)
        if child.children:
            walk.extend((inner, key + ".") for inner in reversed(child.children))
        else:
            values.setdefault(key, child.text)
    return values


def xml_records(file: str, root: Element, path: str) -> Iterator[tuple[int, dict] | Problem]:
    """(line, values) for each record at the path, or the Problem naming the paths found."""
    found = elements_at(root, path)
    parent = path.strip("/").rpartition("/")[0]
    holders = elements_at(root, parent) if found is None and parent else None
    if holders is not None and not any(holder.children for holder in holders):
        return  # the list is there, with no record in it: an export of no orders
    if found is None:
        lists = ", ".join(f"{where} ({count})" for where, count in record_lists(root)) or _("none")
        yield Problem(
            file,
            None,
            None,
            None,
            _("records at the XML path {path}; elements found: {lists}").format(path=repr(path), lists=lists),
        )
        return
    for element in found:
        yield element.line, record_values(element)
