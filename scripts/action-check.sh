#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): find the task definitions to check, run
# `ecs-advisor check` for annotations and for the PR comment, and hand the exit code to the last step.
# Inputs arrive as environment variables, never pasted into the script (no injection from file names).
#   INPUT_TASK_DEFINITIONS  files, space- or newline-separated; empty: the pull request's changed files
#   INPUT_PATTERN           git pathspec globs for changed files
#   INPUT_SNAPSHOT          snapshot file; empty: live collection
#   INPUT_ARGS              more arguments for check
#   INPUT_COMMENT_WHEN      always | changes | failures: when to post a new comment (one posted before is
#                           always updated)
# GitHub provides GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_BASE_REF.
set -uo pipefail

cli="$GITHUB_ACTION_PATH/dist/cli/main.js"
out="${RUNNER_TEMP:-/tmp}/ecs-advisor-comment.md"
json="${RUNNER_TEMP:-/tmp}/ecs-advisor-check.json"
rm -f "$out" "$json"

files=()
if [ -n "${INPUT_TASK_DEFINITIONS:-}" ]; then
  read -r -d '' -a files <<<"$INPUT_TASK_DEFINITIONS"
elif [ -n "${GITHUB_BASE_REF:-}" ]; then
  git fetch --no-tags --quiet origin "$GITHUB_BASE_REF" 2>/dev/null || true
  specs=()
  read -r -d '' -a globs <<<"${INPUT_PATTERN:-}"
  for g in "${globs[@]}"; do specs+=(":(glob)$g"); done
  base="$(git merge-base "origin/$GITHUB_BASE_REF" HEAD 2>/dev/null || echo "origin/$GITHUB_BASE_REF")"
  while IFS= read -r f; do [ -n "$f" ] && files+=("$f"); done < <(git diff --name-only --diff-filter=AMR "$base" HEAD -- "${specs[@]}")
fi

if [ "${#files[@]}" -eq 0 ]; then
  echo "::notice title=ecs-advisor::no task definition files to check"
  echo "exit-code=0" >>"$GITHUB_OUTPUT"
  echo "comment=" >>"$GITHUB_OUTPUT"
  exit 0
fi

evidence=()
if [ -n "${INPUT_SNAPSHOT:-}" ]; then evidence=(--snapshot "$INPUT_SNAPSHOT"); fi
read -r -d '' -a extra <<<"${INPUT_ARGS:-}"

# One run (one evidence collection): annotations on stdout, the comment and the JSON to files.
node "$cli" check "${files[@]}" "${evidence[@]}" "${extra[@]}" --format github --also "markdown=$out" --also "json=$json"
code=$?
mode=""
# check writes the comment whenever it could check anything (a file it could not read is reported in it,
# with exit 2); with no comment (no evidence, a bad option) there is nothing to post.
if [ -f "$out" ]; then
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out" >>"$GITHUB_STEP_SUMMARY"; fi
  case "${INPUT_COMMENT_WHEN:-always}" in
    always) ;;
    failures) [ "$code" -ge 1 ] || mode="--update-only" ;;
    changes)
      # A cost change or any violation (warnings too) is worth a comment; a no-op change is not.
      node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.exit(r.totals.deltaMonthlyUsd !== 0 || r.totals.errors + r.totals.warnings > 0 ? 0 : 1)' "$json" || mode="--update-only"
      ;;
    *) echo "::warning title=ecs-advisor::comment-when must be always, changes or failures (got ${INPUT_COMMENT_WHEN}); commenting always" ;;
  esac
  echo "comment=$out" >>"$GITHUB_OUTPUT"
else
  echo "comment=" >>"$GITHUB_OUTPUT"
fi
{
  echo "comment-mode=$mode"
  echo "exit-code=$code"
  echo "files=${files[*]}"
} >>"$GITHUB_OUTPUT"
exit 0
