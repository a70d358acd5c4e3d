"""make screenshots: the main screens of the demo database, as the PNG files of README.md
(account_debt_followup/static/description/screenshot_*.png); the others are taken by hand.

Run by tools/screenshots.sh, which starts Odoo on the demo database. Logs in over HTTP, hands
the session to a headless Chromium through its DevTools protocol, opens each screen, waits for
what must be on it and takes the picture; PDFs are fetched the way the web client fetches them
and their first page turned into a PNG with pdftoppm. A screen that does not show what it
should fails the run.

usage: screenshots.py BASE_URL DATABASE OUT_DIR
"""

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

# (file, login, path, selector to wait for, JavaScript to run once it shows (it opens a tab of a
# form, brought to the top of the picture), selector it brings up)
SCREENS = [
    (
        "screenshot_worklist",
        "admin",
        "/odoo/action-account_debt_followup.res_partner_action_followup",
        ".o_data_row",
        None,
        None,
    ),
    (
        "screenshot_partner_credit",
        "admin",
        "/odoo/action-account_debt_followup.res_partner_action_followup/{minh_an}",
        ".o_notebook",
        "[...document.querySelectorAll('.o_notebook a')]"
        ".find(a => a.textContent.includes('Credit & Follow-up')).click()",
        "div[name=debt_followup_history_ids], .o_field_widget[name=debt_promise_ids]",
    ),
    (
        "screenshot_quotation_blocked",
        "admin",
        "/odoo/action-sale.action_quotations_with_onboarding/{quotation}",
        ".o_form_view .alert",
        None,
        None,
    ),
    ("screenshot_portal", "minhan", "/my/debt", "main", None, None),
]
# (file, login, report path): PDFs, first page
PDFS = [
    ("screenshot_statement", "admin", "/report/pdf/account_debt_followup.report_statement/{minh_an}"),
]


class Browser:
    def __init__(self, chromium, width=1600, height=1000):
        self.profile = tempfile.mkdtemp(prefix="adf-shots-")
        self.process = subprocess.Popen(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = None
        for line in self.process.stderr:  # "DevTools listening on ws://127.0.0.1:PORT/..."
            if "DevTools listening on" in line:
                port = line.split("127.0.0.1:")[1].split("/")[0]
                break
        if not port:
            raise SystemExit("Chromium did not start its DevTools server")
        targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=10).json()
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.send("Page.enable")
        self.send("Network.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(f"!!document.querySelector({json.dumps(selector)})"):
                return
            time.sleep(0.3)
        raise SystemExit(f"timed out waiting for {selector!r} on {self.evaluate('location.href')}")

    def login(self, base, cookie):
        self.send("Network.clearBrowserCookies")
        self.send("Network.setCookie", name="session_id", value=cookie, url=base)

    def shot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def session(base, db, login):
    http = requests.Session()
    response = http.post(
        f"{base}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": login}},
        timeout=60,
    )
    if not response.json().get("result", {}).get("uid"):
        raise SystemExit(f"could not log in as {login}")
    return http


def record_ids(http, base):
    """The demo records the screens show, by their external IDs."""
    ids = {}
    for key, xmlid in (
        ("minh_an", "account_debt_followup.demo_partner_minh_an"),
        ("quotation", "account_debt_followup.demo_quotation_minh_an"),
    ):
        module, name = xmlid.split(".")
        response = http.post(
            f"{base}/web/dataset/call_kw/ir.model.data/search_read",
            json={
                "jsonrpc": "2.0",
                "params": {
                    "model": "ir.model.data",
                    "method": "search_read",
                    "args": [[["module", "=", module], ["name", "=", name]], ["res_id"]],
                    "kwargs": {},
                },
            },
            timeout=60,
        ).json()
        rows = response.get("result")
        if not rows:
            raise SystemExit(f"demo record {xmlid} not found: {response.get('error')}")
        ids[key] = rows[0]["res_id"]
    return ids


def main(base, db, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("google-chrome")
    if not chromium:
        raise SystemExit("Chromium is needed (apt-get install chromium)")
    sessions = {}

    def http_of(login):
        if login not in sessions:
            sessions[login] = session(base, db, login)
        return sessions[login]

    ids = record_ids(http_of("admin"), base)
    browser = Browser(chromium)
    try:
        for name, login, path, selector, script, after in SCREENS:
            browser.login(base, http_of(login).cookies["session_id"])
            browser.send("Page.navigate", url=base + path.format(**ids))
            browser.wait_for(selector)
            if script:
                browser.evaluate(script)
                browser.wait_for(after)
                # the tab the script opened, at the top of the picture
                browser.evaluate("document.querySelector('.o_notebook').scrollIntoView({block: 'start'})")
            time.sleep(1.5)  # fonts, images and animations settle
            browser.shot(out / f"{name}.png")
            print(f"{name}.png")
    finally:
        browser.close()
    for name, login, path in PDFS:
        response = http_of(login).get(base + path.format(**ids), timeout=300)
        if response.headers.get("Content-Type") != "application/pdf":
            raise SystemExit(f"{path}: not a PDF ({response.status_code})")
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "doc.pdf"
            pdf.write_bytes(response.content)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, out / name],
                check=True,
            )
        print(f"{name}.png")


if __name__ == "__main__":
    main(*sys.argv[1:4])
