"""The staff web's sign-in in a real Chromium against a live server: wrong passwords, the
forced first change, lockout, sessions that end, the CSRF token, the language switch, and the
API accepting the session cookie for reads only."""

from urllib.parse import quote

import requests

from tests.backend.conftest import PASSWORD


def sign_in(page, server, username, password=PASSWORD, next_path=None):
    target = f"{server.url}/staff/login" + (
        f"?next={quote(next_path, safe='/')}" if next_path else "")
    page.goto(target)
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_wrong_password_is_explained_in_both_languages(server, page):
    sign_in(page, server, "officer.kt", "Sai-mat-khau-1")
    alert = page.inner_text(".error")
    assert "Sai tên đăng nhập hoặc mật khẩu" in alert and "Wrong username or password" in alert
    assert page.input_value("#username") == "officer.kt"
    assert page.context.cookies() and not any(
        c["name"] == "motcua_staff" for c in page.context.cookies())


def test_session_cookie_is_http_only_strict_and_guards_pages(server, page):
    sign_in(page, server, "admin", next_path="/staff/password")
    assert page.url.endswith("/staff/password")
    cookie = next(c for c in page.context.cookies() if c["name"] == "motcua_staff")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("motcua_staff") == -1
    assert "Quản trị" in page.inner_text("nav")


def test_first_sign_in_forces_a_password_change(server, page):
    sign_in(page, server, "newbie")
    assert page.url.endswith("/staff/password")
    assert "Lần đầu đăng nhập" in page.inner_text(".notice")
    page.goto(f"{server.url}/staff")
    assert page.url.endswith("/staff/password")
    page.fill("#old_password", PASSWORD)
    page.fill("#new_password", "Moi-2026-abc")
    page.fill("#confirm", "Moi-2026-abcd")
    page.click("main button[type=submit]")
    assert "không giống nhau" in page.inner_text(".error")
    assert "differ" in page.inner_text(".error")
    page.fill("#old_password", PASSWORD)
    page.fill("#new_password", "Moi-2026-abc")
    page.fill("#confirm", "Moi-2026-abc")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert not page.url.endswith("/staff/password")
    assert server.client().login("newbie", "Moi-2026-abc")["must_change_password"] is False


def test_five_wrong_passwords_lock_the_account(server, page):
    for _ in range(5):
        sign_in(page, server, "officer.vh", "Sai-mat-khau-1")
    sign_in(page, server, "officer.vh")
    alert = page.inner_text(".error")
    assert "tạm khoá" in alert and "locked" in alert
    assert "motcua_staff" not in {c["name"] for c in page.context.cookies()}


def test_sign_out_ends_the_session_for_good(server, page):
    sign_in(page, server, "admin", next_path="/staff/password")
    token = next(c for c in page.context.cookies() if c["name"] == "motcua_staff")["value"]
    page.click("text=Đăng xuất")
    page.wait_for_url("**/staff/login?bye=1")
    assert "Đã đăng xuất" in page.inner_text(".notice")
    # The old cookie, replayed, opens nothing.
    reply = requests.get(f"{server.url}/staff/password", cookies={"motcua_staff": token},
                         allow_redirects=False, timeout=10)
    assert reply.status_code == 303 and reply.headers["location"].startswith("/staff/login")


def test_expired_session_sends_back_to_sign_in(server, page, clock):
    sign_in(page, server, "admin", next_path="/staff/password")
    clock.advance(hours=13)
    page.goto(f"{server.url}/staff/password")
    assert "/staff/login?next=" in page.url
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/password")


def test_a_post_without_the_csrf_token_is_refused(server, page):
    sign_in(page, server, "admin", next_path="/staff/password")
    token = next(c for c in page.context.cookies() if c["name"] == "motcua_staff")["value"]
    reply = requests.post(f"{server.url}/staff/logout", cookies={"motcua_staff": token},
                          data={"csrf": "forged"}, allow_redirects=False, timeout=10)
    assert reply.status_code == 403
    assert "Biểu mẫu đã hết hạn" in reply.text and "The form has expired" in reply.text
    page.goto(f"{server.url}/staff/password")
    assert page.url.endswith("/staff/password")  # still signed in


def test_login_form_needs_its_own_token(server):
    reply = requests.post(f"{server.url}/staff/login",
                          data={"username": "admin", "password": PASSWORD, "csrf": "x"},
                          allow_redirects=False, timeout=10)
    assert reply.status_code == 400 and "motcua_staff" not in reply.cookies


def test_language_switch_puts_english_first(server, page):
    sign_in(page, server, "admin", next_path="/staff/password")
    page.click("a[lang=en]")
    page.wait_for_url("**/staff/password")
    assert page.inner_text("h1").startswith("Change password")
    page.click("a[lang=vi]")
    page.wait_for_url("**/staff/password")
    assert page.inner_text("h1").startswith("Đổi mật khẩu")


def test_next_never_leaves_the_site(server, page):
    sign_in(page, server, "admin", next_path="https://example.org/")
    assert page.url.startswith(server.url)


def test_api_reads_accept_the_session_cookie_but_writes_do_not(server, page):
    sign_in(page, server, "officer.kt", next_path="/staff/password")
    token = next(c for c in page.context.cookies() if c["name"] == "motcua_staff")["value"]
    me = requests.get(f"{server.url}/api/v1/auth/me", cookies={"motcua_staff": token},
                      timeout=10)
    assert me.status_code == 200 and me.json()["username"] == "officer.kt"
    write = requests.post(f"{server.url}/api/v1/auth/logout",
                          cookies={"motcua_staff": token}, timeout=10)
    assert write.status_code == 401
