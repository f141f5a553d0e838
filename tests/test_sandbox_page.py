"""The sandbox's chat page in headless Chromium, as a newcomer uses it: report as a rep,
ask as a lead beside them, press a button, move the clock to Monday 09:00 and read the
manager's digest. Screenshots go to test-artefacts/sandbox-page/ (kept out of git)."""

from __future__ import annotations

import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import t
from bot.sandbox.server import DEFAULT_BOT_ID
from tests.helpers.page import RunningSandbox, http, running_sandbox

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip(
        "headless Chromium is not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

AMY, TOM, MIKE, WANG = 9021, 9022, 9003, 9001
BOT_TOKEN = f"{DEFAULT_BOT_ID}:AAsandbox-token-for-local-tests-only"  # any well-formed token
ARTEFACTS = Path(__file__).parents[1] / "test-artefacts" / "sandbox-page"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=en-US",
    "--window-size=1400,900",
)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    with running_sandbox(tmp_path_factory.mktemp("page")) as running:
        yield running


@pytest.fixture(scope="module")
def browser(sandbox: RunningSandbox) -> Iterator[webdriver.Chrome]:
    profile = tempfile.mkdtemp(prefix="chromium-")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(sandbox.page_url)
        WebDriverWait(driver, 10).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "body[data-ready]")
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def bot_api(sandbox: RunningSandbox, method: str, **params: Any) -> dict[str, Any]:
    """Call the sandbox's Bot API as the bot would (to send what the bot itself never does)."""
    status, answer = http(f"{sandbox.api_url}/bot{BOT_TOKEN}/{method}", params)
    assert status == 200, answer
    result: dict[str, Any] = answer["result"]
    return result


def shot(driver: webdriver.Chrome, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTEFACTS / f"{name}.png"))


def wait(driver: webdriver.Chrome, check: Any, timeout: float = 10) -> Any:
    ignored = (StaleElementReferenceException,)  # a message re-drawn while we looked
    try:
        return WebDriverWait(driver, timeout, 0.1, ignored_exceptions=ignored).until(check)
    except TimeoutException:
        shot(driver, "timed-out")  # what the page showed when the wait gave up
        raise


def column(driver: webdriver.Chrome, user: int) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f"section.phone[data-user='{user}']")


def open_chat(driver: webdriver.Chrome, user: int) -> WebElement:
    Select(driver.find_element(By.ID, "person")).select_by_value(str(user))
    driver.find_element(By.ID, "open").click()
    wait(driver, lambda d: column(d, user))
    return column(driver, user)


def bot_texts(col: WebElement) -> list[str]:
    return [e.text for e in col.find_elements(By.CSS_SELECTOR, ".msg.bot .bubble")]


def send(col: WebElement, text: str) -> None:
    box = col.find_element(By.CSS_SELECTOR, "textarea.input")
    box.send_keys(text)
    col.find_element(By.CSS_SELECTOR, "button.send").click()


def new_bot_message(
    driver: webdriver.Chrome, col: WebElement, before: int, timeout: float = 10
) -> str:
    texts = wait(driver, lambda d: len(bot_texts(col)) > before and bot_texts(col), timeout)
    return str(texts[-1])


def test_a_rep_reports_and_reads_the_figures(
    browser: webdriver.Chrome, sandbox: RunningSandbox
) -> None:
    amy = open_chat(browser, AMY)
    assert browser.find_element(By.ID, "open").text == "Open chat"  # Amy's language
    assert "rep" in amy.find_element(By.CSS_SELECTOR, ".role").text
    assert "South Team" in amy.find_element(By.CSS_SELECTOR, ".role").text
    send(amy, "Visited 7 stores, 2 orders, sales 15k. Tomorrow: call Hualian")
    reply = new_bot_message(browser, amy, 0)
    assert "visits 7" in reply and "orders 2" in reply and "15,000" in reply
    assert amy.find_elements(By.CSS_SELECTOR, ".msg.bot .text b")  # bold from entities
    mine = amy.find_element(By.CSS_SELECTOR, ".msg.me .text").text
    assert mine.startswith("Visited 7 stores")
    clock = browser.find_element(By.ID, "clock-now").text
    assert "18 Mar" in clock and "Asia/Shanghai" in clock
    shot(browser, "01-rep-reports")


def test_text_from_messages_is_shown_never_run(browser: webdriver.Chrome) -> None:
    amy = column(browser, AMY)
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> <b>bold?</b>'
    before = len(bot_texts(amy))
    send(amy, "Visits 3. Blocker: " + hostile)
    new_bot_message(browser, amy, before)
    texts = [e.text for e in amy.find_elements(By.CSS_SELECTOR, ".msg.me .text")]
    assert any(hostile in t for t in texts)
    assert browser.execute_script("return window.pwned === undefined")
    assert not amy.find_elements(By.CSS_SELECTOR, ".msgs script, .msgs .text img")
    # withdrawn with its button: the bot edits the message, which changes in place
    report = amy.find_elements(By.CSS_SELECTOR, ".msg.bot")[-1]
    mid = report.get_attribute("data-mid")
    report.find_element(By.CSS_SELECTOR, ".ikb-button").click()
    wait(browser, lambda d: amy.find_element(By.CSS_SELECTOR, ".toast").is_displayed())
    edited = f".msg.bot[data-mid='{mid}']"
    wait(browser, lambda d: not amy.find_elements(By.CSS_SELECTOR, f"{edited} .ikb-button"))
    assert len(amy.find_elements(By.CSS_SELECTOR, edited)) == 1


def test_a_link_typed_in_a_message_becomes_a_safe_link(browser: webdriver.Chrome) -> None:
    amy = column(browser, AMY)
    before = len(bot_texts(amy))
    send(amy, "Visits 2. Blocker: price list at https://example.com/prices is old")
    new_bot_message(browser, amy, before)
    link = wait(browser, lambda d: amy.find_elements(By.CSS_SELECTOR, ".msg.me .text a"))[-1]
    assert link.get_attribute("href") == "https://example.com/prices"
    assert link.get_attribute("rel") == "noopener noreferrer"


def replies_to(col: WebElement, sent: str) -> list[WebElement]:
    """The bot's messages after the person's latest message that starts with `sent`."""
    path = (
        f"(.//div[contains(@class, 'msg') and contains(@class, 'me')][starts-with(., '{sent}')])"
        "[last()]/following-sibling::div[contains(@class, 'bot')]"
    )
    return list(col.find_elements(By.XPATH, path))


def test_a_lead_asks_beside_the_rep_and_presses_a_button(browser: webdriver.Chrome) -> None:
    mike = open_chat(browser, MIKE)
    assert len(browser.find_elements(By.CSS_SELECTOR, "section.phone")) == 2  # side by side
    # a plain-language question (the lead's example chip), then /blockers from the menu
    chip = mike.find_element(By.CSS_SELECTOR, ".tries button.try")
    question = chip.text
    chip.click()
    answer = wait(browser, lambda d: replies_to(mike, question), 15)[0]
    assert answer.text.strip()
    mike.find_element(By.CSS_SELECTOR, "button.cmd").click()
    wait(browser, lambda d: mike.find_element(By.CSS_SELECTOR, ".cmd-menu").is_displayed())
    items = mike.find_elements(By.CSS_SELECTOR, ".cmd-menu .cmd-item")
    next(i for i in items if i.text.startswith("/blockers")).click()

    def blocker_list(_: Any) -> list[WebElement]:  # Amy's open blocker, with resolve buttons
        return [
            m
            for m in replies_to(mike, "/blockers")
            if "finance" in m.text.lower() and m.find_elements(By.CSS_SELECTOR, ".ikb-button")
        ]

    message = wait(browser, blocker_list)[0]
    assert message.text.count("finance hasn't approved") == 1
    message.find_elements(By.CSS_SELECTOR, ".ikb-button")[0].click()  # resolve the oldest
    # the bot edits the list in place ("✓ Resolved: …") before the lead asks again
    wait(browser, lambda d: any("✓" in m.text for m in replies_to(mike, "/blockers")))
    wait(browser, lambda d: mike.find_element(By.CSS_SELECTOR, ".toast").is_displayed())
    assert mike.find_element(By.CSS_SELECTOR, ".toast").text.strip()  # the bot's answer
    shot(browser, "02-lead-beside-rep")
    # asked again, the list no longer holds the resolved blocker
    next(
        c for c in mike.find_elements(By.CSS_SELECTOR, ".tries .try") if c.text == "/blockers"
    ).click()
    wait(
        browser,
        lambda d: (
            len(
                mike.find_elements(
                    By.XPATH, ".//div[contains(@class, 'me')][starts-with(., '/blockers')]"
                )
            )
            == 2
        ),
    )
    # an alert (🔔) or last week's digest may land in between: take the list itself
    heads = (t("bot.blockers.none", "en"), t("bot.blockers.title", "en", count=""))
    again = wait(
        browser,
        lambda d: [
            m
            for m in replies_to(mike, "/blockers")
            if any(m.text.startswith(h.split("(")[0]) for h in heads)
        ],
    )[0]
    assert "finance hasn't approved" not in again.text


def test_the_clock_moves_to_monday_and_the_manager_reads_the_digest(
    browser: webdriver.Chrome,
) -> None:
    wang = open_chat(browser, WANG)
    browser.find_element(By.ID, "clock-monday").click()
    wait(browser, lambda d: "Mon" in d.find_element(By.ID, "clock-now").text)
    assert "09:0" in browser.find_element(By.ID, "clock-now").text
    path = (
        ".//div[contains(@class, 'msg') and contains(@class, 'bot')][starts-with(.//time, '09:0')]"
    )

    def mondays_photos(_: Any) -> list[WebElement]:  # sent at Monday 09:0x, sandbox time
        return [
            img
            for message in wang.find_elements(By.XPATH, path)
            for img in message.find_elements(By.CSS_SELECTOR, ".photo img")
        ]

    try:
        photo = wait(browser, mondays_photos, 10)  # the scheduler sends this week's digest
    except TimeoutException:  # no Monday digest pushed: ask for it
        send(wang, "/digest")
        photo = wait(browser, mondays_photos, 15)
    wait(browser, lambda d: d.execute_script("return arguments[0].naturalWidth", photo[0]) > 100)
    # the chart loaded after the chat scrolled down: the chat still shows its last message
    box = wang.find_element(By.CSS_SELECTOR, ".msgs")
    below = "return arguments[0].scrollHeight - arguments[0].scrollTop - arguments[0].clientHeight"
    wait(browser, lambda d: d.execute_script(below, box) <= 2, 3)
    digest = " ".join(bot_texts(wang))
    assert "华东一组" in digest or "South Team" in digest
    browser.execute_script("arguments[0].scrollIntoView()", photo[0])
    shot(browser, "03-manager-digest")


def test_an_export_arrives_as_a_document_to_download(browser: webdriver.Chrome) -> None:
    wang = column(browser, WANG)
    send(wang, "/export csv")
    link = wait(browser, lambda d: wang.find_elements(By.CSS_SELECTOR, ".msg.bot a.document"), 15)
    name = link[-1].find_element(By.CSS_SELECTOR, ".doc-name").text
    assert name.endswith(".csv") and link[-1].get_attribute("download") == name
    with urllib.request.urlopen(str(link[-1].get_attribute("href")), timeout=10) as response:
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.read()
    shot(browser, "04-manager-export")


def test_formatting_reply_keyboards_and_edits_from_the_bot_are_drawn(
    browser: webdriver.Chrome, sandbox: RunningSandbox
) -> None:
    tom = open_chat(browser, TOM)
    markup = (
        '<b>bold</b> <i>italic</i> <code>a&lt;b</code> <a href="https://example.com/x">safe</a> '
        '<a href="tg://user?id=1">person</a> &lt;script&gt;window.pwned=3&lt;/script&gt;'
    )
    keyboard = {"keyboard": [["Yes", "No"]], "one_time_keyboard": True}
    sent = bot_api(
        sandbox, "sendMessage", chat_id=TOM, text=markup, parse_mode="HTML", reply_markup=keyboard
    )
    mid = sent["message_id"]
    bubble = f".msg.bot[data-mid='{mid}'] .text"
    wait(browser, lambda d: tom.find_elements(By.CSS_SELECTOR, bubble))
    text = tom.find_element(By.CSS_SELECTOR, bubble)
    assert text.find_element(By.CSS_SELECTOR, "b").text == "bold"
    assert text.find_element(By.CSS_SELECTOR, "i").text == "italic"
    assert text.find_element(By.CSS_SELECTOR, "code").text == "a<b"
    links = text.find_elements(By.CSS_SELECTOR, "a")
    assert [a.get_attribute("href") for a in links] == [
        "https://example.com/x"
    ]  # tg:// is not a link
    assert "<script>window.pwned=3</script>" in text.text
    assert browser.execute_script("return window.pwned === undefined")
    # the bot edits the message: it changes in place and says so
    bot_api(
        sandbox,
        "editMessageText",
        chat_id=TOM,
        message_id=mid,
        text="<b>changed</b>",
        parse_mode="HTML",
    )
    wait(browser, lambda d: tom.find_element(By.CSS_SELECTOR, bubble).text == "changed")
    assert tom.find_elements(By.CSS_SELECTOR, f".msg.bot[data-mid='{mid}'] .edited")
    assert len(tom.find_elements(By.CSS_SELECTOR, f".msg[data-mid='{mid}']")) == 1
    # a reply keyboard: a tap sends its label as Tom, and a one-time keyboard then hides
    keys = wait(browser, lambda d: tom.find_elements(By.CSS_SELECTOR, ".keyboard .kb-button"))
    assert [k.text for k in keys] == ["Yes", "No"]
    keys[0].click()
    wait(browser, lambda d: replies_to(tom, "Yes"))
    assert not tom.find_elements(By.CSS_SELECTOR, ".keyboard .kb-button")
    close = tom.find_element(By.CSS_SELECTOR, "button.close")
    close.click()
    assert not browser.find_elements(By.CSS_SELECTOR, f"section.phone[data-user='{TOM}']")


def test_the_page_speaks_chinese_and_fits_a_phone(browser: webdriver.Chrome) -> None:
    browser.find_element(By.ID, "lang").click()
    assert browser.find_element(By.ID, "open").text == "打开聊天"
    assert "沙盒时间" in browser.find_element(By.ID, "clock-label").text
    assert "经理" in column(browser, WANG).find_element(By.CSS_SELECTOR, ".role").text
    assert column(browser, AMY).find_element(By.CSS_SELECTOR, "button.send").text == "发送"
    shot(browser, "05-chinese")
    browser.find_element(By.ID, "lang").click()
    assert browser.find_element(By.ID, "open").text == "Open chat"


SIDEWAYS = """
const page = document.documentElement;
const over = [...document.querySelectorAll("header.bar *, .notice, main.chats")]
  .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > innerWidth + 0.5)
  .map((e) => (e.id || e.className) + " ends at " + Math.round(e.getBoundingClientRect().right));
return [page.scrollWidth, innerWidth, visualViewport.scale, over];
"""


@pytest.mark.parametrize("width", [360, 390])
def test_the_page_fits_a_phone_without_scrolling_sideways(
    browser: webdriver.Chrome, width: int
) -> None:
    """As a phone shows it (mobile emulation: the viewport meta applies, and a page wider
    than the screen would be zoomed out), in both languages, with chats open."""
    metrics = {"width": width, "height": 844, "deviceScaleFactor": 3, "mobile": True}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        for lang in ("en", "zh"):
            if lang == "zh":
                browser.find_element(By.ID, "lang").click()
            scroll_width, inner, scale, over = browser.execute_script(SIDEWAYS)
            assert (inner, scale) == (width, 1), f"zoomed out to {inner} px: {over}"
            assert scroll_width <= inner, over
            assert column(browser, AMY).find_element(By.CSS_SELECTOR, "button.send").is_displayed()
            shot(browser, f"06-phone-{width}-{lang}")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        if browser.find_element(By.ID, "open").text != "Open chat":
            browser.find_element(By.ID, "lang").click()


def test_a_narrow_desktop_window_does_not_scroll_sideways(browser: webdriver.Chrome) -> None:
    browser.set_window_size(390, 844)
    try:
        scroll_width, inner, _, over = browser.execute_script(SIDEWAYS)
        assert scroll_width <= inner, over
        width = browser.execute_script(
            "return document.querySelector('section.phone').getBoundingClientRect().width"
        )
        assert width <= inner
        shot(browser, "07-narrow-window")
    finally:
        browser.set_window_size(1400, 900)
