"""JUnit and SARIF output validate against the vendored official schemas (tests/schemas/README.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from check_compliance import Report
from check_compliance.engine.reporters import junit, sarif

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
# RFC 3986 URI-reference characters: the schema says `format: uri-reference`, which jsonschema
# only checks with an optional package, so the test checks it itself.
URI_REFERENCE = re.compile(r"^([A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$")


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("scenario", ["sample", "gate", "odd"])
def test_junit_is_valid_against_junit_10_xsd(scenario: str, junit_schema: xmlschema.XMLSchema, request: pytest.FixtureRequest) -> None:
    junit_schema.validate(junit.render(request.getfixturevalue(scenario)))


@pytest.mark.parametrize("scenario", ["sample", "gate", "odd"])
def test_sarif_is_valid_against_the_sarif_2_1_0_schema(scenario: str, sarif_validator: jsonschema.protocols.Validator, request: pytest.FixtureRequest) -> None:
    document = json.loads(sarif.render(request.getfixturevalue(scenario)))
    errors = sorted(sarif_validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    for artifact in document["runs"][0]["artifacts"]:
        assert URI_REFERENCE.match(artifact["location"]["uri"]), artifact


def test_the_schemas_reject_what_they_should(junit_schema: xmlschema.XMLSchema, sarif_validator: jsonschema.protocols.Validator, sample: Report) -> None:
    """A yardstick that passes everything proves nothing: break each output once."""
    assert not junit_schema.is_valid(junit.render(sample).replace(' failures="', ' failed="'))
    document = json.loads(sarif.render(sample))
    document["runs"][0]["results"][0]["level"] = "fatal"
    assert not sarif_validator.is_valid(document)

