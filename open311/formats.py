"""GeoReport v2 answers in JSON and XML: one Python shape, two encodings. XML as the spec
writes it: a root element (services, service_requests, errors …), one element per list item
(service, request, error …), and lists inside an item wrapped the same way (attributes/attribute,
values/value, endpoints/endpoint, formats/format)."""
import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error",
             "endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_TAGS[element.tag]), item)
    else:
        element.text = _text(value)


def to_xml(root: str, body) -> bytes:
    element = ET.Element(root)
    _fill(element, body)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def answer(fmt: str, root: str, body, *, status: int = 200) -> HttpResponse:
    """`root`: the XML root element (the JSON has none: a list or an object as the spec shows)."""
    content = to_xml(root, body) if fmt == "xml" else json.dumps(body, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error answer: a list of {code, description}; the code is the HTTP status."""
    return answer(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)
