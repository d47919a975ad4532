"""Session cookies that the browser refuses, drops or leaks: 419 on every POST, login loops."""

from __future__ import annotations

from collections.abc import Iterator

from envcheck.laravel import env
from envcheck.model import Severity
from envcheck.rules.common import is_ip, is_local_host, url_parts, where
from envcheck.rules.registry import Hit, rule
from envcheck.stack import Stack, is_production


@rule("SES001", "session-domain-empty", Severity.WARNING, "session")
def session_domain_empty(stack: Stack) -> Iterator[Hit]:
    """SESSION_DOMAIN is set to an empty value.

    Why: `env()` returns `''`, and Laravel then sends the cookie with no Domain attribute: a
    host-only cookie, exactly as when the variable is unset (`null`). So an empty value is
    harmless by itself, but it reads as if it meant something; in the incident, emptying it
    (revision 9) changed nothing, and removing it (revision 11) only seemed to fix the 419s
    (the real cause was the stale cookie of the earlier domain: see SES007).
    Example: `{ name = "SESSION_DOMAIN", value = "" }` in a task definition.
    Fix: remove the variable; set it only when a cookie must be shared with subdomains.
    Source: laravel/framework Illuminate\\Support\\Env::get; RFC 6265 §4.1.2.3 and §5.3 step 6.
    """
    name = stack.env_name("session.domain", "SESSION_DOMAIN")
    for target in stack.runnable():
        value = env(target, name)
        if value.is_empty:
            yield Hit(
                f"{name} is empty: the cookie is host-only, as if unset; remove the variable",
                where(target, name),
                target.id,
                name,
            )


@rule("SES002", "session-domain-mismatch", Severity.ERROR, "session")
def session_domain_mismatch(stack: Stack) -> Iterator[Hit]:
    """SESSION_DOMAIN does not domain-match the host of APP_URL, or is not a bare domain.

    Why: a browser ignores a Set-Cookie whose Domain does not domain-match the request host
    (RFC 6265 §5.3 step 6): the session cookie is never stored, every POST answers 419 and
    login loops. A leading dot is ignored by browsers (§5.2.3), so `.example.com` and
    `example.com` behave the same. A scheme, port, path or IP address is never a valid Domain.
    Example: `APP_URL=http://localhost` with `SESSION_DOMAIN=.my-teacher-app.com`.
    Fix: remove SESSION_DOMAIN (a host-only cookie), or set it to the APP_URL host or a parent
    domain of it.
    Source: RFC 6265 §5.1.3, §5.2.3, §5.3; Laravel docs, session configuration.
    """
    name = stack.env_name("session.domain", "SESSION_DOMAIN")
    url_name = stack.env_name("app.url", "APP_URL")
    for target in stack.runnable():
        domain = env(target, name)
        if not (domain.known and isinstance(domain.value, str) and domain.value.strip()):
            continue
        text = domain.value.strip()
        problem = _domain_syntax_problem(text)
        if problem is None:
            url = env(target, url_name)
            parts = url_parts(url.text) if url.known else None
            if parts is None:
                continue
            bare = text.lstrip(".").lower()
            host = parts[1]
            if host == bare or host.endswith("." + bare):
                continue
            problem = f"does not domain-match the APP_URL host {host!r}: browsers drop the session cookie"
        yield Hit(f"{name} {text!r} {problem}", where(target, name), target.id, name)


def _domain_syntax_problem(text: str) -> str | None:
    if "://" in text:
        return "holds a scheme; a cookie Domain is a bare domain name"
    if "/" in text:
        return "holds a path; a cookie Domain is a bare domain name"
    if is_ip(text.lstrip(".")):
        return "is an IP address; browsers only accept it as a host-only cookie"
    if ":" in text:
        return "holds a port; a cookie Domain is a bare domain name"
    if any(c.isspace() for c in text):
        return "holds whitespace"
    return None


@rule("SES003", "secure-cookie-over-http", Severity.ERROR, "session")
def secure_cookie_over_http(stack: Stack) -> Iterator[Hit]:
    """SESSION_SECURE_COOKIE is true while APP_URL is plain http.

    Why: a cookie with the Secure attribute is only stored and sent over https. Over http the
    session never sticks: login loops and every POST answers 419. Chrome and Firefox exempt
    `localhost` from this, Safari does not, so on localhost it is a warning: it works for some
    developers and not for others.
    Example: `APP_URL=http://localhost` with `SESSION_SECURE_COOKIE=true` in a local `.env`.
    Fix: set `SESSION_SECURE_COOKIE=false` (or remove it) where the app is served over http;
    keep it true in production behind https.
    Source: RFC 6265 §4.1.2.5 and §5.4; MDN, Set-Cookie (Secure, localhost exemption).
    """
    name = stack.env_name("session.secure", "SESSION_SECURE_COOKIE")
    url_name = stack.env_name("app.url", "APP_URL")
    for target in stack.runnable():
        secure = env(target, name)
        url = env(target, url_name)
        if not (secure.present and secure.known and secure.truthy and url.known):
            continue
        parts = url_parts(url.text)
        if parts is None or parts[0] != "http":
            continue
        local = is_local_host(parts[1])
        yield Hit(
            f"{name} is true but {url_name} is {url.text!r}: the browser will not keep the cookie"
            + (" (Chrome and Firefox exempt localhost, Safari does not)" if local else ""),
            where(target, name),
            target.id,
            name,
            Severity.WARNING if local else None,
        )


@rule("SES004", "session-cookie-not-secure", Severity.WARNING, "session")
def session_cookie_not_secure(stack: Stack) -> Iterator[Hit]:
    """In production behind https, SESSION_SECURE_COOKIE is explicitly false.

    Why: without the Secure attribute the browser also sends the session cookie over plain
    http (a redirect, a mixed-content request), where it can be read on the network.
    Example: `APP_ENV=production`, `APP_URL=https://example.com`, `SESSION_SECURE_COOKIE=false`.
    Fix: set `SESSION_SECURE_COOKIE=true` in production.
    Source: RFC 6265 §4.1.2.5, §8.6; OWASP Session Management Cheat Sheet.
    """
    name = stack.env_name("session.secure", "SESSION_SECURE_COOKIE")
    url_name = stack.env_name("app.url", "APP_URL")
    for target in stack.runnable():
        secure = env(target, name)
        url = env(target, url_name)
        if not (is_production(target) and secure.present and secure.known and not secure.truthy and url.known):
            continue
        parts = url_parts(url.text)
        if parts and parts[0] == "https":
            yield Hit(
                f"{name} is false in production behind https: the cookie may travel over plain http",
                where(target, name),
                target.id,
                name,
            )
