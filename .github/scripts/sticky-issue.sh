#!/usr/bin/env bash
# Keep one open issue up to date: find the open issue whose body starts with MARKER and replace its
# body with FILE, or open it with TITLE. Usage: sticky-issue.sh TITLE MARKER FILE
# Needs GH_TOKEN and GITHUB_REPOSITORY. The text is passed as a file, never through the shell.
set -euo pipefail
title="$1" marker="$2" file="$3"
existing="$(gh api --paginate "repos/${GITHUB_REPOSITORY}/issues?state=open&per_page=100" \
  --jq ".[] | select(.pull_request == null) | select(.body != null) | select(.body | startswith(\"${marker}\")) | .number" | head -n 1)"
if [ -n "${existing}" ]; then
  gh api --method PATCH "repos/${GITHUB_REPOSITORY}/issues/${existing}" -F "body=@${file}" > /dev/null
else
  gh api --method POST "repos/${GITHUB_REPOSITORY}/issues" -f "title=${title}" -F "body=@${file}" > /dev/null
fi
