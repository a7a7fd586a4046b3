"""Whatever JSON a client sends, the intake answers with a 2xx or a 4xx problem, never a 500."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEYS = ["text", "title", "external_id", "author", "context", "callback_url", "wait", "posts"]
AUTHOR_KEYS = ["id", "ip", "device_id", "verified", "x"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(KEYS + AUTHOR_KEYS) | st.text(max_size=5), inner, max_size=4
        ),
    ),
    max_leaves=12,
)
posts = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)
bodies = st.one_of(posts, st.dictionaries(st.just("posts"), st.lists(posts, max_size=3)), values)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies, batch=st.booleans())
def test_it_never_answers_500(client, make_tenant, body, batch):
    tenant = make_tenant()
    raw = json.dumps(body, allow_nan=True).encode()
    path = "/v1/moderations/batch" if batch else "/v1/moderations"
    headers = {**tenant.headers, "Content-Type": "application/json"}
    response = client.post(path, data=raw, headers=headers)
    assert response.status_code in {200, 202, 400, 409, 413, 415, 422}, response.get_json()
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
