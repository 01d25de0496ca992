#!/usr/bin/env bash
# git.sh TREE WORK: a software project in the tree: a git repository (TREE/Projects/intranet/)
# with a generated source tree of about 2,000 small files and up to 50 of the tree's documents,
# committed; a branch that changes about 600 files, adds 100 and deletes 50; the two branches
# checked out back and forth three times (each checkout rewrites hundreds of files in a moment);
# a merge, and git gc (pack files rewritten).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init git "$@"
need git python3

repo=$tree/Projects/intranet
rm -rf "$repo"
mkdir -p "$repo"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
export GIT_AUTHOR_NAME='Service informatique' GIT_AUTHOR_EMAIL='informatique@hopital.example'
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_AUTHOR_DATE='2024-03-14T09:30:00Z' GIT_COMMITTER_DATE='2024-03-14T09:30:00Z'
g() { git -C "$repo" -c advice.detachedHead=false -c gc.auto=0 "$@"; }

# generate STEP: writes (STEP 0) or changes (STEP 1) the source tree, deterministically.
generate() {
  python3 - "$repo" "$1" <<'PY'
import os, random, sys
repo, step = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
modules = ["agenda", "patients", "pharmacie", "stocks", "annuaire", "planning", "facturation", "qualite"]
files = []
for m in modules:
    for sub in ["src", "tests", "templates", "static"]:
        for i in range(62):
            ext = {"src": "py", "tests": "py", "templates": "html", "static": "css"}[sub]
            files.append(os.path.join(m, sub, "{}_{:03d}.{}".format(m, i, ext)))
def body(path, version):
    r = random.Random(path + str(version))
    lines = ["# {} (version {})".format(path, version)]
    for n in range(r.randint(10, 60)):
        lines.append("def fonction_{}_{}(x):\n    return x * {} + {}\n".format(n, version, r.randint(1, 99), r.randint(1, 99)))
    return "\n".join(lines) + "\n"
if step == 0:
    for f in files:
        os.makedirs(os.path.join(repo, os.path.dirname(f)), exist_ok=True)
        with open(os.path.join(repo, f), "w") as out:
            out.write(body(f, 0))
    with open(os.path.join(repo, "README.md"), "w") as out:
        out.write("Intranet du service\n")
else:
    order = sorted(files)
    rng.shuffle(order)
    for f in order[:600]:
        with open(os.path.join(repo, f), "w") as out:
            out.write(body(f, 1))
    for f in order[600:650]:
        os.remove(os.path.join(repo, f))
    for i in range(100):
        f = os.path.join(repo, "nouveau", "module_{:03d}.py".format(i))
        os.makedirs(os.path.dirname(f), exist_ok=True)
        with open(f, "w") as out:
            out.write(body(f, 1))
PY
}

g init -q -b main || fail "git init failed"
generate 0
docs=()
find_docs docs
if [ ${#docs[@]} -gt 0 ]; then
  mkdir -p "$repo/docs"
  cp -p "${docs[@]:0:50}" "$repo/docs/"
fi
g add -A
g commit -q -m 'Intranet: premiere version' || fail "first commit failed"
tracked=$(g ls-files | wc -l)

g checkout -q -b evolution
generate 1
g add -A
g commit -q -m 'Evolution: 600 fichiers modifies, 100 ajoutes, 50 supprimes' || fail "second commit failed"
changed=$(g diff --name-only main evolution | wc -l)
[ "$changed" -ge 700 ] || fail "the branch changes only $changed files"

for _ in 1 2 3; do
  g checkout -q --no-progress main || fail "checkout main failed"
  [ -z "$(g status --porcelain)" ] || fail "the work tree is not clean on main"
  g checkout -q --no-progress evolution || fail "checkout evolution failed"
  [ -z "$(g status --porcelain)" ] || fail "the work tree is not clean on evolution"
done
g checkout -q main
# A fast-forward merge prints its progress whatever -q says when it takes a while.
g merge -q --no-edit evolution 2>"$work/merge.log" || { cat "$work/merge.log" >&2; fail "merge failed"; }
[ "$(g rev-parse HEAD)" = "$(g rev-parse evolution)" ] || fail "main is not at evolution after the merge"
g gc -q || fail "git gc failed"
g fsck --no-progress >/dev/null 2>&1 || fail "git fsck failed"

echo "git: Projects/intranet with $tracked files, a branch changing $changed files, checked out back and forth 3 times, merged, gc"
