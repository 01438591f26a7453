#!/usr/bin/env bash
# Merge job: apply exactly the plans that were reviewed, after the pull request merged.
#
#   REVIEWED_COMMIT  the pull request's head commit that review.sh reviewed
#   TARGET_BRANCH    the branch it merged into (default: main); the reviewed commit must be part of it
#   PLAN_STORE       where review.sh kept the review
#   TANDEM           the tandem binary (default: tandem on PATH)
# The reviewed commit is checked out (detached) so each plan applies against the commit it was made from; a plan
# whose state changed since it was reviewed (another apply in between) is refused by tandem: review again.
set -euo pipefail
tandem=${TANDEM:-tandem}
target=${TARGET_BRANCH:-main}
: "${REVIEWED_COMMIT:?set REVIEWED_COMMIT to the pull request head that was reviewed}"
: "${PLAN_STORE:?set PLAN_STORE to where review.sh kept the review}"

review=$PLAN_STORE/$REVIEWED_COMMIT
[[ -f $review/review.json ]] || { echo "no review of $REVIEWED_COMMIT in $PLAN_STORE: run review.sh for it first" >&2; exit 1; }
branch=origin/$target
git rev-parse -q --verify "$branch" >/dev/null || branch=$target
git merge-base --is-ancestor "$REVIEWED_COMMIT" "$branch" || { echo "$REVIEWED_COMMIT is not merged into $target: nothing applied" >&2; exit 1; }
git checkout -q --detach "$REVIEWED_COMMIT"

# Each planned stack with changes, as "path<TAB>plan file".
stacks=$(python3 - "$review/review.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for stack in report["stacks"]:
    if stack["status"] == "planned" and any(stack["counts"].values()):
        print(stack["path"] + "\t" + stack["plan_file"])
PY
)
while IFS=$'\t' read -r path plan; do
    [[ -n $path ]] || continue
    echo "== applying the reviewed plan of $path" >&2
    "$tandem" apply --dir "$path" --no-color "$review/$plan"
done <<<"$stacks"
