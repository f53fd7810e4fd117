"""Tokens for the API tests: made through the same service the Preferences page uses."""

import pytest

from stories.api.tokens import token_create


@pytest.fixture
def read_token(reader):
    return token_create(user=reader, name="reader tool", scopes=["read"])[1]


@pytest.fixture
def write_token(reader):
    return token_create(user=reader, name="reader writer", scopes=["read", "write"])[1]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
