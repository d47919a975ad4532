"""Rules whose findings the loaders report: what envcheck could not read or could not know."""

from envcheck.model import Severity
from envcheck.rules.registry import documented

documented(
    "SRC001",
    "source-unreadable",
    Severity.ERROR,
    "source",
    """A file could not be read, so nothing in it was checked.

    Why: a binary or truncated file, one over the size cap (5 MB by default), a permission error,
    a symlink that loops or leads outside the scanned root, or a Terraform `file()` that points
    outside it. envcheck never reads outside the paths it was given.
    Example: `file("../../etc/passwd")` in a task definition; a `.env` that is a link to `/etc/shadow`.
    Fix: keep deploy configuration inside the repository, as text; raise the cap with `--max-bytes`
    only for files that really are configuration.
    Source: Terraform docs, file function (paths are read as given, so envcheck confines them).
    """,
)

documented(
    "SRC002",
    "source-parse-error",
    Severity.ERROR,
    "source",
    """HCL or JSON does not parse, so nothing in it was checked.

    Why: Terraform or ECS would refuse the same file, or envcheck reads it differently from them;
    either way its variables went unchecked. An `environment` entry that is not a pair of strings
    is reported here too: ECS refuses the registration.
    Example: a task-definition JSON with a trailing comma; an HCL block with a missing brace;
    `for key, value in var.env : { name = key, value = value }` over a list of `{name, value}`
    objects, where the key is the index and the value the whole object.
    Fix: run `terraform validate` or a JSON linter on the file and correct the syntax at the line given.
    Source: Terraform docs, Configuration Syntax; RFC 8259 (JSON).
    """,
)

documented(
    "SRC003",
    "source-unresolved",
    Severity.INFO,
    "source",
    """A value depends on something envcheck cannot know, so rules that need it were skipped.

    Why: a variable with no default, a data source, a resource attribute or a module output is only
    known at apply time. envcheck never guesses: it reports the value as unknown instead of risking
    a false finding, and says so once.
    Example: `value = var.api_token` where `api_token` has no default and no tfvars sets it.
    Fix: nothing to fix when the value really is decided at apply time; give the variable a default
    or a `*.tfvars` entry when you want envcheck to check it.
    Source: Terraform docs, Input Variables (assigning values, tfvars).
    """,
)
