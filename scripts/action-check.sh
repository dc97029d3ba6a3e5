#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): find the task definitions to check, run
# `ecs-advisor check` for annotations and for the PR comment, and hand the exit code to the last step.
# Inputs arrive as environment variables, never pasted into the script (no injection from file names).
#   INPUT_TASK_DEFINITIONS  files, space- or newline-separated; empty: the pull request's changed files
#   INPUT_PATTERN           git pathspec globs for changed files
#   INPUT_SNAPSHOT          snapshot file; empty: live collection
#   INPUT_ARGS              more arguments for check
# GitHub provides GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_BASE_REF.
set -uo pipefail

cli="$GITHUB_ACTION_PATH/dist/cli/main.js"
out="${RUNNER_TEMP:-/tmp}/ecs-advisor-comment.md"

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

# Annotations on the changed lines, then the comment; the verdict is the first run's.
node "$cli" check "${files[@]}" "${evidence[@]}" "${extra[@]}" --format github
code=$?
if [ "$code" -le 1 ]; then
  node "$cli" check "${files[@]}" "${evidence[@]}" "${extra[@]}" --format markdown --out "$out" || true
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out" ]; then cat "$out" >>"$GITHUB_STEP_SUMMARY"; fi
  echo "comment=$out" >>"$GITHUB_OUTPUT"
else
  echo "comment=" >>"$GITHUB_OUTPUT"
fi
{
  echo "exit-code=$code"
  echo "files=${files[*]}"
} >>"$GITHUB_OUTPUT"
exit 0
