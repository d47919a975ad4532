"""Rules over a pair of revisions (`envcheck ecs diff OLD NEW`, `envcheck diff A B`).

They read `stack.previous` (OLD) next to the stack being linted (NEW); on a plain scan there is
no previous stack and they stay quiet. What breaks here is the deploy itself, not either side.
"""

from __future__ import annotations

from collections.abc import Iterator

from envcheck.diff import pair_targets
from envcheck.laravel import env
from envcheck.model import Severity, Target
from envcheck.rules.common import where
from envcheck.rules.registry import Hit, rule
from envcheck.session_cookie import cookie_name, cookie_scope, naming
from envcheck.stack import Stack


def _text(target: Target, name: str) -> str:
    var = target.get(name)
    if var is None:
        return "unset"
    return repr(var.shown)


@rule("SES007", "session-domain-changed", Severity.ERROR, "session")
def session_domain_changed(stack: Stack) -> Iterator[Hit]:
    """Between two revisions, SESSION_DOMAIN changes while the session cookie keeps its name.

    Why: the browser files a cookie by name, domain, host-only flag and path. When the scope
    changes (host-only to a Domain, one Domain to another) and the name does not, returning
    browsers keep the old cookie next to the new one and send both; the older comes first
    (RFC 6265 §5.4) and PHP keeps the first of two cookies with one name, so Laravel reads the
    stale session: 419 on every POST and login loops for returning users only, while new
    visitors (a fresh iPhone) log in fine. That is laravel/framework#31987, and the incident's
    revisions 8 to 9 (`my-teacher-app.com` to `""`). A change browsers do not see is reported
    as info, not error: the leading dot (`.my-teacher-app.com` to `my-teacher-app.com`, revisions
    7 to 8) is ignored (RFC 6265 §5.2.3), and `""`, `null` and unset all send no Domain, so
    removing an empty SESSION_DOMAIN (revisions 9 to 11) is the same host-only cookie: such a
    deploy neither causes nor fixes stale-cookie 419s, whatever it is credited with. The name is
    SESSION_COOKIE, else derived from APP_NAME the way the app's config/session.php does it:
    `Str::slug(APP_NAME, '_').'_session'` (the default through Laravel 12), `Str::slug(APP_NAME)
    .'-session'` (the laravel/laravel skeleton since laravel/laravel#6636, 2025), or
    `Str::snake(APP_NAME).'_session'` (the framework's own config from 13, laravel/framework#56172);
    a deploy that changes APP_NAME renames the cookie too.
    Example: revision 8 `SESSION_DOMAIN=my-teacher-app.com`, revision 9 `SESSION_DOMAIN=""`,
    SESSION_COOKIE unset in both (the cookie stays `myteacher_session`).
    Fix: rename the cookie in the same deploy (`SESSION_COOKIE=myteacher_session_v2`): returning
    browsers then start a new session instead of sending the stale one; the old cookie expires.
    Source: RFC 6265 §5.2.3 and §5.4; draft-ietf-httpbis-rfc6265bis, Storage Model (a cookie is replaced only
    by one with the same name, domain, host-only flag and path); php-src main/php_variables.c (the
    first cookie of a name wins); laravel/framework#31987.
    """
    if stack.previous is None:
        return
    new_how = naming(stack)
    old_how = naming(stack.previous) if stack.previous.apps else new_how  # a lone file: the app is NEW's
    domain_old = stack.previous.env_name("session.domain", "SESSION_DOMAIN")
    domain_new = stack.env_name("session.domain", "SESSION_DOMAIN")
    for before, after in pair_targets(stack.previous, stack):
        if before is None or after is None:
            continue
        a, b = env(before, domain_old), env(after, domain_new)
        if (a.present, a.value) == (b.present, b.value) or not (a.known and b.known):
            continue
        scope_a, scope_b = cookie_scope(before, domain_old), cookie_scope(after, domain_new)
        name_a, name_b = cookie_name(before, old_how), cookie_name(after, new_how)
        if scope_a is None or scope_b is None or name_a is None or name_a != name_b:
            continue
        change = f"{domain_new} changed from {_text(before, domain_old)} to {_text(after, domain_new)}"
        if scope_a == scope_b:
            yield Hit(
                f"{change}, but browsers see the same cookie ({scope_b.describe()} either way): this deploy "
                f"neither causes nor fixes stale-session 419s",
                where(after, domain_new),
                after.id,
                domain_new,
                Severity.INFO,
            )
            continue
        yield Hit(
            f"{change} (from {scope_a.describe()} to {scope_b.describe()}) while the session cookie keeps its "
            f"name {name_b!r}: returning browsers send the old cookie first and get 419s; rename "
            f"{new_how.variable} in the same deploy",
            where(after, domain_new),
            after.id,
            domain_new,
        )
