#!/usr/bin/env bash
# The scan step of action.yml, kept in a file so it can be tested (tests/test_integrations.py).
# Reads INPUT_* and ENVCHECK from the environment; writes exit-code to $GITHUB_OUTPUT and the
# Markdown report to $GITHUB_STEP_SUMMARY; always exits 0 so that the SARIF upload still runs:
# the action's last step fails the job with envcheck's exit code.
set -uo pipefail
set -f  # INPUT_PATH and INPUT_ARGS are split on spaces, never globbed

summary="${RUNNER_TEMP:-/tmp}/envcheck-summary.md"
rm -f "$summary"
format=text
if [ "${INPUT_ANNOTATIONS:-true}" = "true" ]; then format=github; fi
args=(scan --format "$format" --fail-on "${INPUT_FAIL_ON:-error}" -o "markdown=$summary")
if [ -n "${INPUT_SARIF_FILE:-}" ]; then args+=(-o "sarif=$INPUT_SARIF_FILE"); fi
if [ -n "${INPUT_BASELINE:-}" ]; then args+=(--baseline "$INPUT_BASELINE"); fi
# shellcheck disable=SC2206
extra=(${INPUT_ARGS:-})
# shellcheck disable=SC2206
paths=(${INPUT_PATH:-.})

"${ENVCHECK:-envcheck}" "${args[@]}" "${extra[@]}" "${paths[@]}"
code=$?

if [ "${INPUT_SUMMARY:-true}" = "true" ] && [ -s "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
echo "exit-code=$code" >> "${GITHUB_OUTPUT:-/dev/null}"
exit 0
