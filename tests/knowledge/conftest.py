import pytest

from knowledge.services.points import PointFields, point_create, point_publish


@pytest.fixture
def publish_point(supervisor):
    """publish_point(title, answer, questions="", **fields) -> a published point (the centre's)."""

    def publish(title, answer="按规定办理。", questions="", **fields):
        point = point_create(actor=supervisor, fields=PointFields(title=title, answer=answer, questions=questions,
                                                                   **fields), submit=True)
        return point_publish(point=point, actor=supervisor)

    return publish


@pytest.fixture(autouse=True)
def _fresh_synonyms():
    """A process trusts its synonym groups for two seconds; a test's rolled-back groups must not
    reach the next test."""
    from knowledge import synonyms

    synonyms.forget()
    yield
    synonyms.forget()
