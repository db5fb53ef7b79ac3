# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/ops/*.sh: TAP helpers and a scratch directory.
#   ok WHAT / nok WHAT [DETAIL...]   one TAP line; nok sets $rc
#   check WHAT CMD...                ok when CMD succeeds (output shown on failure)
#   skip WHAT WHY                    an "ok ... # SKIP" line
#   $repo, $tmp (removed on exit), $rc (exit with it)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-ops.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
rc=0
ok() { echo "ok - $*"; }
nok() {
	echo "not ok - $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | head -n 20 | sed 's/^/#   /'
	rc=1
}
check() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$what"; else nok "$what" "$out"; fi
}
skip() { echo "ok - $1 # SKIP $2"; }
