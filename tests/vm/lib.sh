# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the host-side scripts in tests/vm/ (sourced, not run).

VIGIL_CACHE=${VIGIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil}
VIGIL_SRC_TAR=${VIGIL_SRC_TAR:-/usr/src/linux-source-6.1.tar.xz}

vm_die() {
	echo "vigil-vm: $*" >&2
	exit 125
}

vm_log() {
	[ -n "${VM_QUIET:-}" ] || echo "vigil-vm: $*" >&2
}

# vm_pkg_version PKG: installed Debian version of PKG, or empty.
vm_pkg_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null
}

# vm_src_dir: unpack linux-source-6.1 once under $VIGIL_CACHE/src/ and
# print the tree's path.  Re-unpacks when the package version changes.
vm_src_dir() {
	local ver dir stamp tmp
	[ -r "$VIGIL_SRC_TAR" ] || vm_die "missing $VIGIL_SRC_TAR (run tests/vm/deps)"
	ver=$(vm_pkg_version linux-source-6.1)
	dir=$VIGIL_CACHE/src/linux-source-6.1
	stamp=$dir/.vigil-unpacked
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ver" ]; then
		echo "$dir"
		return 0
	fi
	mkdir -p "$VIGIL_CACHE/src" || return 1
	tmp=$(mktemp -d "$VIGIL_CACHE/src/.unpack.XXXXXX") || return 1
	tar -xf "$VIGIL_SRC_TAR" -C "$tmp" || { rm -rf "$tmp"; return 1; }
	rm -rf "$dir"
	mv "$tmp/linux-source-6.1" "$dir" && rmdir "$tmp" || return 1
	echo "$ver" > "$stamp"
	echo "$dir"
}

# vm_kernel_key NAME: cache key of the test kernel NAME (kunit|debug):
# sha256 of the config fragments, the source version and the compiler.
vm_kernel_key() {
	local here frags
	here=$(dirname "${BASH_SOURCE[0]}")
	frags=$here/kunit.config
	[ "$1" = debug ] && frags="$frags $here/debug.config"
	{
		echo "$1"
		cat $frags
		vm_pkg_version linux-source-6.1
		gcc --version | head -n1
	} | sha256sum | cut -c1-16
}

# vm_kernel_dir NAME: the cache directory of test kernel NAME.
vm_kernel_dir() {
	echo "$VIGIL_CACHE/kernels/$1-$(vm_kernel_key "$1")"
}

# vm_abi 6.1|6.12: the Debian kernel ABI (e.g. 6.1.0-56) of that series,
# as tests/vm/deps resolved it last (cached), else resolved now.
vm_abi() {
	local f=$VIGIL_CACHE/images/abis here
	if [ ! -s "$f" ]; then
		here=$(dirname "${BASH_SOURCE[0]}")
		"$here/deps" --print > /dev/null || return 1
	fi
	awk -v k="$1" '$1 == k { print $2 }' "$f"
}
