"""The README's screenshots: the demo chamber's first screen at 1280 and 390 px.

Usage: `make screenshots` (or `.venv/bin/python docs/screenshots.py`).

Builds the demo (`setup_site --demo`) on a temporary SQLite database and media folder, never
the developer's db.sqlite3 or media/, serves it with the development server on a free local
port, and saves with Playwright and Debian's Chromium, into docs/screenshots/:
home, directory, a listing, join and the member account area (logged in as the demo member),
each `<page>-desktop.png` (1280 px wide, shown at half size) and `<page>-phone.png` (390 px).
Each is the first screen only, reduced to a 64-colour palette, so the set stays small.
"""

import io
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import django
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
LISTING = "riverbend-bakery"  # an enhanced demo listing: logo, description, hours, a deal
PAGES = (
    ("home", "/"),
    ("directory", "/directory/"),
    ("listing", f"/directory/{LISTING}/"),
    ("join", "/join/"),
    ("account", "/account/"),
)
SIZES = {
    # name: (viewport, device pixels per CSS pixel, width of the saved image)
    "desktop": ({"width": 1280, "height": 800}, 1, 640),
    "phone": ({"width": 390, "height": 760}, 1, 390),
}
COLOURS = 64


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chamber-screenshots-") as tmp:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="chamber.settings.dev",
            DEBUG="true",  # the development server serves the static files and media
            DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
            MEDIA_ROOT=f"{tmp}/media",
            PRIVATE_MEDIA_ROOT=f"{tmp}/private-media",
        )
        django.setup()
        logging.disable(logging.INFO)  # Wagtail logs every demo page it creates
        from demo.membership import DEMO_MEMBER_EMAIL, DEMO_MEMBER_PASSWORD

        print("Building the demo on a temporary database...", flush=True)
        call_command("migrate", "--noinput", verbosity=0)
        call_command("setup_site", "--demo", stdout=io.StringIO())
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{origin}/healthz")
            shoot(origin, DEMO_MEMBER_EMAIL, DEMO_MEMBER_PASSWORD)
        finally:
            server.terminate()
            server.wait(timeout=10)
    total = sum(path.stat().st_size for path in OUT.glob("*.png"))
    print(f"Saved {len(PAGES) * len(SIZES)} screenshots in {OUT} ({total // 1024} KB in all).")


def shoot(origin: str, email: str, password: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for size, (viewport, scale, width) in SIZES.items():
            context = browser.new_context(
                base_url=origin,
                viewport=viewport,
                device_scale_factor=scale,
                is_mobile=size == "phone",
                has_touch=size == "phone",
                reduced_motion="reduce",
            )
            page = context.new_page()
            for name, path in PAGES:
                if name == "account":
                    log_in(page, email, password)
                page.goto(path)
                page.wait_for_load_state("networkidle")
                save(page.screenshot(animations="disabled"), OUT / f"{name}-{size}.png", width)
            context.close()
        browser.close()


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account/")


def save(png: bytes, path: Path, width: int) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width != width:
        height = round(image.height * width / image.width)
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    image = image.quantize(
        colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    image.save(path, optimize=True)
    size = path.stat().st_size // 1024
    print(f"  {path.relative_to(ROOT)}: {image.width}x{image.height}, {size} KB")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
