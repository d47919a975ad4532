"""Session cookies that the browser refuses, drops or leaks: 419 on every POST, login loops."""

from __future__ import annotations

from collections.abc import Iterator

from envcheck.laravel import env
from envcheck.model import Severity, Target
from envcheck.rules.common import is_ip, is_local_host, url_parts, variable_hit, where
from envcheck.rules.registry import Hit, rule
from envcheck.stack import Stack, is_production


@rule("SES001", "session-domain-empty", Severity.WARNING, "session")
def session_domain_empty(stack: Stack) -> Iterator[Hit]:
    """SESSION_DOMAIN is set to an empty value.

    Why: `env()` returns `''`, and Laravel then sends the cookie with no Domain attribute: a
    host-only cookie, exactly as when the variable is unset (`null`). So an empty value is
    harmless by itself, but it reads as if it meant something; in the incident, emptying it
    (revision 9) changed nothing, and removing it (revision 11) only seemed to fix the 419s
    (the real cause was the stale cookie of the earlier domain: see SES007). When the app's own
    `.env.example` ships the variable empty (Firefly III's `COOKIE_DOMAIN=`), an empty copy is the
    app's documented default, not a decision to question, and is not reported.
    Example: `{ name = "SESSION_DOMAIN", value = "" }` in a task definition.
    Fix: remove the variable; set it only when a cookie must be shared with subdomains.
    Source: laravel/framework Illuminate\\Support\\Env::get; RFC 6265 §4.1.2.3 and §5.3 step 6.
    """
    name = stack.env_name("session.domain", "SESSION_DOMAIN")
    if stack.ignores("session.domain"):
        return
    shipped_empty = any(v.name == name and v.value == "" for t in stack.templates for v in t.variables)
    for target in stack.runnable():
        value = env(target, name)
        if value.is_empty and not shipped_empty:
            yield variable_hit(
                target, name, f"{name} is empty: the cookie is host-only, as if unset; remove the variable"
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
    if stack.ignores("session.domain"):
        return
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
        yield variable_hit(target, name, f"{name} {text!r} {problem}")


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
    if stack.ignores("session.secure"):
        return
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
    if stack.ignores("session.secure"):
        return
    url_name = stack.env_name("app.url", "APP_URL")
    for target in stack.runnable():
        secure = env(target, name)
        url = env(target, url_name)
        if not (is_production(target) and secure.present and secure.known and not secure.truthy and url.known):
            continue
        parts = url_parts(url.text)
        if parts and parts[0] == "https":
            yield variable_hit(
                target, name, f"{name} is false in production behind https: the cookie may travel over plain http"
            )


SAME_SITE_VALUES = {"lax", "strict", "none"}
SESSION_DRIVERS = {"file", "cookie", "database", "apc", "memcached", "redis", "dynamodb", "array"}
LOCAL_DRIVERS = {"file", "array", "apc"}


def _secure_cookie(stack: Stack, target: Target) -> bool | None:
    """Whether the session cookie carries Secure; None when envcheck cannot tell.

    Unset means null in config/session.php: not Secure up to Laravel 11.20. Later versions
    changed how an unset value is treated, so there (and when the version is unknown) an unset
    variable gives no answer, rather than a false finding.
    """
    secure = env(target, stack.env_name("session.secure", "SESSION_SECURE_COOKIE"))
    if secure.present:
        return secure.truthy if secure.known else None
    version = stack.laravel_version
    return False if version is not None and version < (11, 21) else None


@rule("SES005", "same-site-none-insecure", Severity.ERROR, "session")
def same_site_none_insecure(stack: Stack) -> Iterator[Hit]:
    """SESSION_SAME_SITE is `none` and the session cookie is not Secure.

    Why: browsers reject a cookie with `SameSite=None` unless it is also `Secure` (Chrome since
    80, Firefox and Safari likewise): the session cookie is dropped and every POST answers 419.
    Example: `SESSION_SAME_SITE=none` with `SESSION_SECURE_COOKIE=false`.
    Fix: set `SESSION_SECURE_COOKIE=true` (and serve the app over https), or use `lax`.
    Source: draft-ietf-httpbis-rfc6265bis §5.4.7 (SameSite=None requires Secure); Chromium "SameSite
    Updates".
    """
    name = stack.env_name("session.same_site", "SESSION_SAME_SITE")
    if stack.ignores("session.same_site"):
        return
    for target in stack.runnable():
        same_site = env(target, name)
        is_none = same_site.known and isinstance(same_site.value, str) and same_site.value.lower() == "none"
        if is_none and _secure_cookie(stack, target) is False:
            yield variable_hit(target, name, f"{name}=none without a Secure cookie: browsers reject the session cookie")


@rule("SES006", "same-site-invalid", Severity.ERROR, "session")
def same_site_invalid(stack: Stack) -> Iterator[Hit]:
    """SESSION_SAME_SITE is not lax, strict, none or null.

    Why: Symfony's Cookie (which Laravel uses) accepts only those values, case-insensitively,
    and throws InvalidArgumentException for anything else: every response that sets the
    session cookie fails with a 500.
    Example: `SESSION_SAME_SITE=Relaxed`; `SESSION_SAME_SITE=off`.
    Fix: `lax` (Laravel's default), `strict`, or `none` with a Secure cookie.
    Source: symfony/http-foundation Cookie::withSameSite; Laravel config/session.php.
    """
    name = stack.env_name("session.same_site", "SESSION_SAME_SITE")
    if stack.ignores("session.same_site"):
        return
    for target in stack.runnable():
        same_site = env(target, name)
        value = same_site.value
        if same_site.known and isinstance(value, str) and value and value.lower() not in SAME_SITE_VALUES:
            yield variable_hit(
                target, name, f"{name}={value!r} is not lax, strict, none or null: Laravel throws on every response"
            )


def _session_driver(stack: Stack, target: Target) -> tuple[str | None, bool, str]:
    """(driver, set explicitly?, variable). The default is the app's config default, else by version."""
    name = stack.env_name("session.driver", "SESSION_DRIVER")
    if stack.ignores("session.driver"):
        return None, False, name  # the app's config names its driver itself
    value = env(target, name)
    if value.present:
        return (value.value if value.known and isinstance(value.value, str) else None), True, name
    default = stack.config_default("session.driver")
    if default is None and stack.laravel_major is not None:
        default = "database" if stack.laravel_major >= 11 else "file"
    return default, False, name


@rule("SES008", "session-store-not-shared", Severity.ERROR, "session")
def session_store_not_shared(stack: Stack) -> Iterator[Hit]:
    """Sessions live inside each task while the service runs several.

    Why: with the `file`, `array` or `apc` driver each replica keeps its own sessions; the load
    balancer sends the next request to another task, which does not know the user: login loops
    and 419s that come and go. Unset means `file` before Laravel 11 and `database` from 11 on.
    Example: `desired_count = 2` and `SESSION_DRIVER=file` (or unset on Laravel 10).
    Fix: `SESSION_DRIVER=redis` or `database` (a store all tasks share), or `cookie`.
    Source: Laravel docs, HTTP Session: Configuration.
    """
    for target in stack.deployed():
        if target.replicas is None or target.replicas < 2 or not stack.is_app_target(target):
            continue
        driver, explicit, name = _session_driver(stack, target)
        if driver in LOCAL_DRIVERS:
            how = (
                f"{name}={driver}"
                if explicit
                else f"{driver} ({stack.default_note('session.driver')}; {name} is unset)"
            )
            yield variable_hit(
                target, name, f"{how} keeps sessions inside each of {target.replicas} replicas: users bounce to login"
            )


@rule("SES009", "session-driver-invalid", Severity.ERROR, "session")
def session_driver_invalid(stack: Stack) -> Iterator[Hit]:
    """SESSION_DRIVER is empty, null or not a driver Laravel knows.

    Why: the session manager throws `Driver [] not supported.` (or `Driver [x] not supported.`)
    on the first request that starts a session: every page fails with a 500.
    Example: `SESSION_DRIVER=` ; `SESSION_DRIVER=reddis`.
    Fix: one of file, cookie, database, apc, memcached, redis, dynamodb, array. A driver added
    with `Session::extend()` is fine: ignore this rule for it.
    Source: laravel/framework Illuminate\\Support\\Manager::createDriver; SessionManager.
    """
    name = stack.env_name("session.driver", "SESSION_DRIVER")
    if stack.ignores("session.driver"):
        return
    for target in stack.runnable():
        value = env(target, name)
        if not (value.present and value.known):
            continue
        driver = value.value
        if driver is None or driver == "" or (isinstance(driver, str) and driver not in SESSION_DRIVERS):
            shown = "null" if driver is None else repr(driver)
            yield variable_hit(target, name, f"{name}={shown} is not a session driver: `Driver [...] not supported`")


@rule("SES010", "session-cookie-name-invalid", Severity.ERROR, "session")
def session_cookie_name_invalid(stack: Stack) -> Iterator[Hit]:
    """The session cookie name has a `.`, a space or a `[`.

    Why: PHP rewrites `.` and spaces in incoming cookie names to `_` (and `[` starts an array), so
    the cookie the browser sends back is not the one Laravel looks for: no session, 419 on every
    POST. The name Laravel derives from APP_NAME is slugged and safe; an explicit SESSION_COOKIE
    is used as written.
    Example: `SESSION_COOKIE=my.app_session`.
    Fix: letters, digits, `_` and `-` only: `SESSION_COOKIE=my_app_session`.
    Source: PHP manual, Variables From External Sources (dots in incoming variable names).
    """
    name = stack.env_name("session.cookie", "SESSION_COOKIE")
    if stack.ignores("session.cookie"):
        return
    for target in stack.runnable():
        value = env(target, name)
        text = value.value if value.known else None
        if isinstance(text, str) and any(c in text for c in ". ["):
            yield variable_hit(
                target, name, f"{name}={text!r}: PHP renames the cookie on the way back, so the session is lost"
            )


@rule("SES011", "session-lifetime-invalid", Severity.ERROR, "session")
def session_lifetime_invalid(stack: Stack) -> Iterator[Hit]:
    """SESSION_LIFETIME is empty, not a number, or 0.

    Why: the lifetime is minutes added to now for the cookie and the store; an empty or
    non-numeric value is a TypeError in PHP 8 on every request, and 0 expires every session at
    once (users are logged out on their next click).
    Example: `SESSION_LIFETIME=` ; `SESSION_LIFETIME=2h`; `SESSION_LIFETIME=0`.
    Fix: a positive number of minutes (Laravel's default is 120).
    Source: Laravel config/session.php (`lifetime`); Illuminate\\Session\\Middleware\\StartSession.
    """
    name = stack.env_name("session.lifetime", "SESSION_LIFETIME")
    if stack.ignores("session.lifetime"):
        return
    for target in stack.runnable():
        value = env(target, name)
        if not (value.present and value.known):
            continue
        text = value.value if isinstance(value.value, str) else None
        if text is None or not text.strip().isdigit() or int(text) == 0:
            var = target.get(name)
            yield variable_hit(
                target, name, f"{name}={var.shown if var else '?'!r} is not a positive number of minutes"
            )
