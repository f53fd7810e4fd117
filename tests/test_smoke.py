import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_healthz_is_ok_with_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
