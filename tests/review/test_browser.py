"""End to end in real headless Chromium: log in, claim, highlights, keyboard decisions, isolation.

Skipped when chromium/chromedriver are missing, unless MODERATION_TEST_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from moderation.models.review import ReviewItem
from moderation.models.submission import Submission
from tests.review.conftest import PASSWORD, hit

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOT = Path(os.environ.get("MODERATION_TEST_SCREENSHOT_DIR", tempfile.gettempdir()))


def _require_browser() -> None:
    missing = [p for p in (CHROMIUM, DRIVER) if not os.path.exists(p)]
    if missing:
        if os.environ.get("MODERATION_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but missing: {', '.join(missing)}")
        pytest.skip(f"headless Chromium not installed (missing {', '.join(missing)})")


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by werkzeug on 127.0.0.1 with a free port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def browser() -> Iterator[Callable[[], object]]:
    """Factory of headless Chromium sessions, each with its own fresh profile."""
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers = []
    profiles = []

    def _open() -> object:
        profile = tempfile.mkdtemp(prefix="review-chrome-")
        profiles.append(profile)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--window-size=1400,1000",
        ):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service(DRIVER), options=options)
        driver.set_page_load_timeout(30)
        drivers.append(driver)
        return driver

    yield _open
    for driver in drivers:
        driver.quit()
    for profile in profiles:
        shutil.rmtree(profile, ignore_errors=True)


def _login(driver, base: str, username: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base + "/review/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 10).until(ec.url_contains("/review/queue"))


def _press(driver, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(key).perform()


def _item_id(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, "item").get_attribute("data-item")


def _wait_item_change(driver, previous: str | None) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    def changed(d) -> str | bool:
        if "/review/items/" not in d.current_url:
            return False
        current = d.current_url.rsplit("/", 1)[-1]
        return current if current != previous else False

    return WebDriverWait(driver, 10).until(changed)


def test_reviewers_work_the_queue_by_keyboard(
    runtime, live_server, browser, make_tenant, make_account, make_post
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    tenant = make_tenant().tenant
    weapons = "出售仿真手枪和子弹，价格私聊，加微信 abc12345 详谈。"
    top = make_post(
        tenant,
        weapons,
        hits=[
            hit(weapons, "手枪", "prohibited_items", "block"),
            hit(weapons, "加微信", "illicit_ads"),
        ],
        categories=[
            {"code": "prohibited_items", "score": 0.91, "source": "classifier"},
            {"code": "illicit_ads", "score": 0.64, "source": "classifier"},
        ],
        author="seller-7",
        context={"thread": "二手交易区", "parent": "有人出枪吗？"},
    )
    gamble = "在线百家乐，首充送彩金"
    second = make_post(tenant, gamble, hits=[hit(gamble, "百家乐", "gambling")])
    third = make_post(
        tenant, "这个理财产品稳赚不赔", hits=[hit("这个理财产品稳赚不赔", "稳赚不赔", "fraud")]
    )
    make_account(tenant, username="alice")
    make_account(tenant, username="bob")
    base = live_server

    alice = browser()
    _login(alice, base, "alice")
    _press(alice, "j")
    first_id = _wait_item_change(alice, None)
    assert first_id == top.item_id, "the most urgent item comes first"
    marks = alice.find_elements(By.CSS_SELECTOR, "#post-text mark.hit")
    assert [m.get_attribute("data-category") for m in marks] == ["prohibited_items", "illicit_ads"]
    highlighted = [
        alice.execute_script("return arguments[0].firstChild.textContent", m) for m in marks
    ]
    assert highlighted == ["手枪", "加微信"]
    labels = [m.find_element(By.CSS_SELECTOR, ".hit-label").text for m in marks]
    assert labels == ["prohibited_items", "illicit_ads"]
    assert "seller-7" not in alice.page_source
    alice.save_screenshot(str(SCREENSHOT / "review-item.png"))

    # A second reviewer never sees the claimed item: not in the list, not from "next".
    bob = browser()
    _login(bob, base, "bob")
    assert top.item_id not in bob.page_source
    _press(bob, "j")
    bob_item = _wait_item_change(bob, None)
    assert bob_item != top.item_id

    # Alice approves with "a"; her next item loads at once and is not Bob's.
    _press(alice, "a")
    next_id = _wait_item_change(alice, first_id)
    assert next_id not in (top.item_id, bob_item)
    assert next_id in (second.item_id, third.item_id)
    # Remove with "r", then Enter confirms with the preselected category and reason.
    _press(alice, "r")
    WebDriverWait(alice, 5).until(ec.visibility_of_element_located((By.ID, "remove-panel")))
    _press(alice, Keys.ENTER)
    WebDriverWait(alice, 10).until(ec.url_contains("/review/queue"))
    assert "The queue is empty" in alice.page_source

    with runtime.sessions() as s:
        items = {i.id: i for i in s.scalars(select(ReviewItem))}
        assert items[top.item_id].decision == "approve"
        removed = items[next_id]
        assert (removed.decision, removed.decided_by is not None) == ("remove", True)
        assert removed.category in ("gambling", "fraud")
        assert items[bob_item].status == "open" and items[bob_item].claimed_by is not None
        assert s.get(Submission, removed.submission_id).action == "block"


def test_escalate_and_reveal_from_the_keyboard(
    runtime, live_server, browser, make_tenant, make_account, make_post
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    tenant = make_tenant().tenant
    text = "卖身份证，电话13812345678"
    post = make_post(
        tenant,
        text,
        hits=[hit(text, "卖身份证", "privacy")],
        findings=[
            {
                "kind": "mobile",
                "category": "privacy",
                "severity": "review",
                "start": text.index("138"),
                "end": len(text),
                "text": "13812345678",
                "detail": "",
            }
        ],
    )
    make_account(tenant, username="cara")
    driver = browser()
    _login(driver, live_server, "cara")
    _press(driver, "j")
    assert _wait_item_change(driver, None) == post.item_id
    masked = driver.find_element(By.CSS_SELECTOR, "#post-text .finding")
    assert "13812345678" not in masked.text
    _press(driver, "v")
    WebDriverWait(driver, 5).until(lambda d: "13812345678" in masked.text)
    _press(driver, "e")
    WebDriverWait(driver, 10).until(lambda d: "/review/queue" in d.current_url)
    with runtime.sessions() as s:
        item = s.get(ReviewItem, post.item_id)
        assert (item.tier, item.status) == ("senior", "open")


def test_an_admin_enters_a_directive_and_watches_the_sweep(
    runtime, live_server, browser, make_tenant, make_account, make_post
):
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from moderation.queue import context
    from moderation.queue.enqueue import BATCH, queue

    tenant = make_tenant().tenant
    for n in range(3):
        make_post(tenant, f"第{n}帖：一起玩蓝 鲸 游 戏", action="allow")
    make_post(tenant, "无关内容", action="allow")
    make_account(tenant, "admin", username="ada")
    driver = browser()
    driver.get(live_server + "/review/login")
    driver.find_element(By.ID, "username").send_keys("ada")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 10).until(lambda d: "/review/dashboard" in d.current_url)
    driver.get(live_server + "/review/directives")
    form = driver.find_element(By.ID, "directive-form")
    form.find_element(By.NAME, "reference").send_keys("网信办〔2026〕9号")
    form.find_element(By.NAME, "terms").send_keys("蓝鲸游戏")
    form.find_element(By.NAME, "category").send_keys("violence")
    form.submit()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "sweep-status"))
    assert driver.find_element(By.ID, "sweep-status").text == "pending"
    context.install(context.WorkerContext(runtime, engine=None))
    try:
        SimpleWorker(
            [queue(runtime.redis, BATCH)], connection=runtime.redis, serializer=JSONSerializer
        ).work(burst=True)
    finally:
        context._current = None
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "sweep-status").text == "done")
    assert driver.find_element(By.ID, "sweep-count").text == "4 / 4"
    summary = driver.find_element(By.CSS_SELECTOR, '#sweep-summary [data-key="queued"]')
    assert summary.text == "3"


def test_a_reviewer_changes_their_password_in_the_browser(
    runtime, live_server, browser, make_tenant, make_account
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from moderation.review.accounts import login as check_login

    make_account(make_tenant().tenant, username="dan")
    driver = browser()
    _login(driver, live_server, "dan")
    driver.find_element(By.ID, "password-link").click()
    form = WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "password-form"))
    form.find_element(By.NAME, "current_password").send_keys(PASSWORD)
    form.find_element(By.NAME, "new_password").send_keys("a fresh passphrase")
    form.find_element(By.NAME, "confirm_password").send_keys("a fresh passphrase")
    form.submit()
    WebDriverWait(driver, 10).until(lambda d: "/review/queue" in d.current_url)
    assert "Your password was changed." in driver.page_source
    with runtime.sessions() as s:
        assert check_login(s, "dan", "a fresh passphrase").username == "dan"
