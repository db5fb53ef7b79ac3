#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Secure Boot: `make sign KEY= CERT= KO=` signs a copy of vigil.ko with a
# throwaway key (openssl, as for a MOK) using the kernel headers'
# scripts/sign-file, and modinfo shows the signer and the hash.  Without
# KEY the target refuses with its usage.
. "$(dirname "$0")/tap.sh"

kdir=$(tests/vm/kdir default) || { nok "sign: no kernel headers"; exit 1; }
[ -f module/vigil.ko ] || make -s module > /dev/null 2>&1 ||
	{ nok "sign: no module/vigil.ko (make module)"; exit 1; }
cn="vigil make check throwaway key"
if ! out=$(openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -outform DER \
	-keyout "$tmp/mok.priv" -out "$tmp/mok.der" -subj "/CN=$cn/" 2>&1); then
	nok "sign: openssl req" "$out"
	exit 1
fi
cp module/vigil.ko "$tmp/vigil.ko"
[ -z "$(modinfo -F signer "$tmp/vigil.ko")" ] || nok "sign: the copy is signed already"
if ! out=$(make -s sign KDIR="$kdir" KEY="$tmp/mok.priv" CERT="$tmp/mok.der" \
	KO="$tmp/vigil.ko" 2>&1); then
	nok "make sign" "$out"
	exit 1
fi
signer=$(modinfo -F signer "$tmp/vigil.ko")
hash=$(modinfo -F sig_hashalgo "$tmp/vigil.ko")
if [ "$signer" = "$cn" ] && [ "$hash" = sha256 ]; then
	ok "make sign: modinfo shows signer '$signer', $hash"
else
	nok "make sign: modinfo signer '$signer', sig_hashalgo '$hash'"
fi
if make -s sign KDIR="$kdir" KO="$tmp/vigil.ko" > "$tmp/out" 2>&1; then
	nok "make sign without KEY/CERT succeeded"
else
	grep -q 'usage: make sign' "$tmp/out" && ok "make sign without KEY/CERT: usage" ||
		nok "make sign without KEY/CERT" "$(cat "$tmp/out")"
fi
exit $rc
