"""Webhook targets: non-public addresses are refused unless private networks are allowed."""

from __future__ import annotations

import pytest

from moderation.config import Settings
from moderation.webhooks.address import refusal


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://localhost:8000/hook",
        "http://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "http://172.16.5.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://224.0.0.1/hook",
    ],
)
def test_it_refuses_a_non_public_address(url: str) -> None:
    reason = refusal(url, allow_private=False)
    assert reason is not None
    assert "not a public address" in reason
    assert "MODERATION_WEBHOOK_ALLOW_PRIVATE_NETWORKS=1" in reason


@pytest.mark.parametrize(
    "url", ["https://93.184.215.14/hook", "http://[2606:4700:4700::1111]:8443/hook"]
)
def test_it_lets_a_public_address_through(url: str) -> None:
    assert refusal(url, allow_private=False) is None


def test_it_allows_private_networks_when_configured() -> None:
    assert refusal("http://127.0.0.1:6379/", allow_private=True) is None


def test_it_leaves_an_unresolvable_host_to_the_attempt() -> None:
    assert refusal("http://no-such-host.invalid/hook", allow_private=False) is None


def test_it_refuses_a_url_without_a_host() -> None:
    assert refusal("http:///hook", allow_private=False) == "refused: the URL has no host"


def test_it_reads_the_setting_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"MODERATION_INSTANCE_DIR": str(tmp_path)}
    assert Settings.from_env(env).webhook_allow_private_networks is False
    env["MODERATION_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "1"
    assert Settings.from_env(env).webhook_allow_private_networks is True
