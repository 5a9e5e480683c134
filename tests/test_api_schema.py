"""schemathesis: the API against its own OpenAPI document, in process (WSGI).

Every built-in check runs (server errors, status codes, content types, response schemas and
headers, rejection of invalid data, unsupported methods…) except one, replaced by a narrower
rule: JSON Schema cannot say "page × size ≤ 1,000" or "page/size or offset/limit, not both",
so a schema-valid request may be refused, but only with a 400 that names a paging parameter.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import settings
from schemathesis import checks

from webapp import create_app

PAGING = {"page", "size", "offset", "limit"}


@pytest.fixture(scope="module")
def api_schema(mini_index: Path) -> schemathesis.BaseSchema:
    app = create_app(
        {"INDEX": str(mini_index), "TESTING": True, "RATE_LIMIT": "", "LOG_LEVEL": "WARNING"}
    )
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def valid_requests_fail_only_on_paging_rules(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code == 400:
        problem = response.json()
        assert problem["parameter"] in PAGING, f"schema-valid request refused: {problem}"
    else:
        assert response.status_code < 400 or response.status_code == 404, response.status_code
    return None


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(
        excluded_checks=[checks.positive_data_acceptance],
        additional_checks=[valid_requests_fail_only_on_paging_rules],
    )
