#!/usr/bin/env bash
# Pull-request job: plan every stack the change affects and post the review.
#
# Runs in a clone of the repository with the pull request's head checked out and the target branch fetched.
#   TARGET_BRANCH  the branch the pull request merges into (default: main)
#   PLAN_STORE     a directory (mounted volume, synced bucket, CI cache) where the review is kept for the merge job,
#                  under the reviewed commit's hash
#   POST_COMMENT   a command that posts the Markdown file named by its argument as a pull-request comment
#                  (default: print it); called once per part, in order
#   TANDEM         the tandem binary (default: tandem on PATH)
# Exit code: tandem review's (0 nothing to change, 1 a stack could not be planned, 2 changes to apply).
set -uo pipefail
tandem=${TANDEM:-tandem}
target=${TARGET_BRANCH:-main}
: "${PLAN_STORE:?set PLAN_STORE to where reviews are kept for the merge job}"

base=origin/$target
git rev-parse -q --verify "$base" >/dev/null || base=$target
commit=$(git rev-parse HEAD)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$tandem" review --base "$base" --out "$out/review" --detailed-exitcode --no-color
status=$?
[[ -f $out/review/review.json ]] || exit 1

# Post every part, in the order review.json lists them.
parts=$(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["markdown_parts"]))' "$out/review/review.json")
while IFS= read -r part; do
    [[ -n $part ]] || continue
    if [[ -n ${POST_COMMENT:-} ]]; then $POST_COMMENT "$out/review/$part"; else cat "$out/review/$part"; fi
done <<<"$parts"

# Keep the review (plans are 0600; the store should be readable by the CI only) for the merge job.
mkdir -p "$PLAN_STORE/$commit"
chmod 700 "$PLAN_STORE" "$PLAN_STORE/$commit"
cp -a "$out/review/." "$PLAN_STORE/$commit/"
echo "review of $commit kept in $PLAN_STORE/$commit (exit $status)" >&2
exit $status
