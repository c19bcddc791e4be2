"""The OpenAPI schema tells the truth about answers: every error a view can give is declared
with the one error body, and what can be null or a list is declared so."""
import pytest
import yaml
from django.test import Client

from hotline.rest.schema import PUBLIC

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return yaml.safe_load(client.get("/api/schema/").content)


def test_every_operation_declares_its_error_answers_with_the_shared_error_body(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "field", "details"]
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 30
    for path, method, operation in operations:
        expected = {"400", "404"} | ({"429"} if path in PUBLIC else {"401", "403"})
        if method == "post" and "{id}" in path:
            expected.add("409")
        assert expected <= set(operation["responses"]), (method, path, sorted(operation["responses"]))
        for code in expected:
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_what_can_be_null_or_a_list_is_declared_so(schema):
    schemas = schema["components"]["schemas"]
    assert schemas["Me"]["properties"]["unit"]["nullable"] is True
    assert schemas["TicketDetail"]["properties"]["leader"]["nullable"] is True
    for name in ("category_name", "lead_unit_name"):
        assert schemas["TicketList"]["properties"][name]["nullable"] is True
    assert schemas["TicketDetail"]["properties"]["merged_into_number"]["nullable"] is True
    timeline = schema["paths"]["/api/tickets/{id}/timeline/"]["get"]["responses"]["200"]["content"]
    assert timeline["application/json"]["schema"]["type"] == "array"


def test_an_answer_that_may_be_null_is_null_where_the_schema_allows_it(api, operator, client):
    """An operator has no unit: /api/me/ answers unit null, which the schema now allows."""
    assert api(operator).get("/api/me/").json()["unit"] is None


def test_a_post_to_an_unknown_api_address_with_a_cookie_gets_the_json_404():
    cookies = Client(enforce_csrf_checks=True)
    cookies.cookies["csrftoken"] = "x" * 32
    response = cookies.post("/api/tickets/0.5/sign/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_docs_show_examples_for_registration_and_dispatch_and_each_error(schema):
    create = schema["paths"]["/api/tickets/"]["post"]
    assert "电话投诉" in create["requestBody"]["content"]["application/json"]["examples"]
    dispatch = schema["paths"]["/api/tickets/{id}/dispatch/"]["post"]
    assert dispatch["requestBody"]["content"]["application/json"]["examples"]
    conflict = dispatch["responses"]["409"]
    # Dispatch's own reason for a 409 is the example; the description names every reason.
    assert conflict["content"]["application/json"]["example"]["error"]["code"] == "category_required"
    assert all(code in conflict["description"] for code in ("state_conflict", "category_required",
                                                            "approval_required"))
    # Documented as JSON only (files: multipart, the reply alone)
    assert set(create["requestBody"]["content"]) == {"application/json"}
    reply = schema["paths"]["/api/tickets/{id}/reply/"]["post"]["requestBody"]["content"]
    assert set(reply) == {"application/json", "multipart/form-data"}
