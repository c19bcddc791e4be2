"""An Open311 client session for the tests: every answer, JSON or XML, is read into the same shape
and validated against the JSON Schema written from the GeoReport v2 spec (schema/*.json)."""
import json
from pathlib import Path
from xml.etree import ElementTree as ET

from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker

SCHEMAS = Path(__file__).parent / "schema"
LISTS = {"services", "service_requests", "errors", "endpoints", "formats", "attributes", "values"}
BOOLEANS = {"metadata", "variable", "required"}
INTEGERS = {"order"}
NUMBERS = {"lat", "long"}


def schema(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / f"{name}.json").read_text()), format_checker=FormatChecker())


def _value(element: ET.Element, *, in_errors: bool = False):
    if element.tag in LISTS:
        return [_value(child, in_errors=element.tag == "errors") for child in element]
    if len(element):
        return {child.tag: _value(child, in_errors=in_errors) for child in element}
    text = element.text
    if text is None or text == "":
        return None
    if element.tag in BOOLEANS:
        assert text in ("true", "false"), (element.tag, text)
        return text == "true"
    if element.tag in INTEGERS or (in_errors and element.tag == "code"):
        return int(text)
    if element.tag in NUMBERS:
        return float(text)
    return text


def xml_to_shape(content: bytes):
    """The spec's XML as the JSON shape: the root's items as a list (or, for discovery and a
    service definition, the root's children as an object)."""
    assert content.startswith(b"<?xml version='1.0' encoding='utf-8'?>") or content.startswith(
        b'<?xml version="1.0" encoding="utf-8"?>'), content[:60]
    return _value(ET.fromstring(content))


def _nulls_as_json(body):
    """JSON answers carry "" where XML has an empty element: compare them as null."""
    if isinstance(body, list):
        return [_nulls_as_json(item) for item in body]
    if isinstance(body, dict):
        return {k: _nulls_as_json(v) for k, v in body.items()}
    return None if body == "" else body


class Answer:
    def __init__(self, response, body):
        self.response, self.status, self.body = response, response.status_code, body


class Open311Session:
    """`fmt`: "json" or "xml". `get(path, schema_name, **params)`, `post(path, schema_name, data)`:
    the answer's body validated against the schema (errors against schema/errors.json)."""

    def __init__(self, fmt: str, api_key: str = "", client: Client | None = None):
        self.fmt, self.api_key, self.client = fmt, api_key, client or Client()

    def _read(self, response, schema_name: str) -> Answer:
        expected = "text/xml" if self.fmt == "xml" else "application/json"
        assert response["Content-Type"].startswith(expected), response["Content-Type"]
        assert "charset=utf-8" in response["Content-Type"]
        xml = self.fmt == "xml"
        body = xml_to_shape(response.content) if xml else _nulls_as_json(json.loads(response.content))
        name = "errors" if response.status_code >= 400 else schema_name
        errors = sorted(schema(name).iter_errors(body), key=str)
        assert not errors, f"{self.fmt} {response.request['PATH_INFO']} against {name}.json: {errors[0]}"
        return Answer(response, body)

    def get(self, path: str, schema_name: str, *, key: bool = True, **params) -> Answer:
        if key and self.api_key and "api_key" not in params:
            params["api_key"] = self.api_key
        return self._read(self.client.get(f"/open311/v2/{path}.{self.fmt}", params), schema_name)

    def post(self, path: str, schema_name: str, data: dict) -> Answer:
        data = {"api_key": self.api_key, **data} if self.api_key and "api_key" not in data else data
        return self._read(self.client.post(f"/open311/v2/{path}.{self.fmt}", data), schema_name)
