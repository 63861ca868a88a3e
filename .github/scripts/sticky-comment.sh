#!/usr/bin/env bash
# Keep one comment on an issue or pull request up to date: find the comment that starts with MARKER
# and replace its text with FILE, or add it. Usage: sticky-comment.sh NUMBER MARKER FILE
# Needs GH_TOKEN and GITHUB_REPOSITORY. The text is passed as a file, never through the shell.
set -euo pipefail
number="$1" marker="$2" file="$3"
existing="$(gh api --paginate "repos/${GITHUB_REPOSITORY}/issues/${number}/comments" \
  --jq ".[] | select(.user.login == \"github-actions[bot]\") | select(.body | startswith(\"${marker}\")) | .id" | head -n 1)"
if [ -n "${existing}" ]; then
  gh api --method PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${existing}" -F "body=@${file}" > /dev/null
else
  gh api --method POST "repos/${GITHUB_REPOSITORY}/issues/${number}/comments" -F "body=@${file}" > /dev/null
fi
