"""Laravel apps: framework version, scheduled tasks and the env() reads of config/*.php.

PHP is never executed. Every reader works on tokens and never raises on odd input; what it cannot
follow (a task built in a helper method, a dynamic env() name) is skipped rather than guessed.

The modules, from the bottom up: php (the tokenizer), php_file (tokens with their bracket pairs),
env_calls (env() reads), config (config arrays, queue retry_after, Horizon timeouts), schedules, composer
(roots and versions), app (`LaravelApp` and `load_laravel`).
"""

from envcheck.sources.laravel.app import LaravelApp, load_laravel
from envcheck.sources.laravel.composer import major_of
from envcheck.sources.laravel.config import ConfigKey, HorizonTimeout, RetryAfter
from envcheck.sources.laravel.config import returned_array as _returned_array  # tests read the parsed array
from envcheck.sources.laravel.env_calls import ENV_FUNCTIONS, EnvRead, env_call_at, env_reads
from envcheck.sources.laravel.php import Token, tokenize
from envcheck.sources.laravel.php_file import PhpFile
from envcheck.sources.laravel.schedules import ScheduledTask, bootstrap_tasks, kernel_tasks, routes_tasks

__all__ = [
    "ENV_FUNCTIONS",
    "ConfigKey",
    "EnvRead",
    "HorizonTimeout",
    "LaravelApp",
    "PhpFile",
    "RetryAfter",
    "ScheduledTask",
    "Token",
    "_returned_array",
    "bootstrap_tasks",
    "env_call_at",
    "env_reads",
    "kernel_tasks",
    "load_laravel",
    "major_of",
    "routes_tasks",
    "tokenize",
]
