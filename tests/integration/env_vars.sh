#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14: process.env_vars (Documentation/fields.rst).  Three corpus
# rules (env_vars.rules-from), unmodified, fire on the environment
# variables uid 65534 sets; the look-alikes stay silent; and capture keeps
# only the variables the loaded rules name: none of the others (PATH,
# HOME, USER, a secret) ever reaches an alert.  An environment longer
# than vigil looks at leaves the field marked cut.
. /vigil/lib.sh
HIST=a68da7d6-7eab-45bd-97c5-93b469c0706e	# HISTFILE=/dev/null and co.
SOCKS=734239fe-eda8-48c0-bca8-9e3dafd81a88	# curl through a socks5h proxy
LOONEY=6d8685a1-94fa-4ef7-83de-59302e7c4ca8	# GLIBC_TUNABLES 5 times
PAM=135abb91-dcf4-48aa-b81a-5ad036b67c68	# names LD_LIBRARY_PATH

require_rules $HIST $SOCKS $LOONEY $PAM

E=/tmp/envt
mkdir -p $E
cp /usr/bin/dash $E/curl
chmod -R 755 $E
T='glibc.malloc.mxfast=glibc.malloc.mxfast=1'

# Look-alikes.
as_nobody env HISTFILE=/tmp/h SECRET=hunter2 /usr/bin/true
as_nobody env HISTFILEX=/dev/null /usr/bin/true
as_nobody env ALL_PROXY=http://10.0.0.1:3128 $E/curl -c true
as_nobody sh -c "for i in 1 2 3 4; do GLIBC_TUNABLES=$T /usr/bin/true; done"
# Attacks.
as_nobody env HISTFILE=/dev/null SECRET=hunter2 /usr/bin/true	# HIST
as_nobody env histsize=0 /usr/bin/true				# HIST
as_nobody env all_proxy=socks5h://10.0.0.1:1080 $E/curl -c true	# SOCKS
as_nobody sh -c "for i in 1 2 3 4 5; do GLIBC_TUNABLES=$T /usr/bin/true; done"
# A long environment: three 100 KiB variables before the proxy.
big=$(head -c 102400 /dev/zero | tr '\0' x)
as_nobody env B1=$big B2=$big B3=$big ALL_PROXY=socks5h://10.0.0.1:1080 \
	$E/curl -c true -x						# SOCKS (-x)

vigil_rc=0
expect_alerts $HIST 2 "history cleared through the environment"
expect_alerts $SOCKS 2 "curl through a socks5h proxy (and with -x)"
expect_alerts $LOONEY 1 "GLIBC_TUNABLES five times from one parent"

sel() { jq -c "select(.rule.id == \"$1\") | $2" "$VIGIL_ALERTS"; }
t=$(sel $HIST '.process.env_vars' | tr '\n' ' ')
[ "$t" = '["HISTFILE=/dev/null"] ["histsize=0"] ' ] &&
	pass "only the named variables are kept: $t" || fail "env_vars: $t"
t=$(jq -r '.process.env_vars[]? | sub("=.*"; "") | ascii_downcase' \
	"$VIGIL_ALERTS" | sort -u | tr '\n' ' ')
[ "$t" = 'all_proxy glibc_tunables histfile histsize ' ] &&
	pass "no alert carries another variable: $t" ||
	fail "variables in alerts: $t"
grep -q hunter2 "$VIGIL_ALERTS" && fail "an unnamed variable reached an alert"
t=$(sel $SOCKS '[.process.env_vars, (.vigil.event.truncated // [] |
	index("process.env_vars") != null)]' | tr '\n' ' ')
[ "$t" = '[["all_proxy=socks5h://10.0.0.1:1080"],false] [null,true] ' ] &&
	pass "past 256 KiB of environment the field is marked cut: $t" ||
	fail "cut environment: $t"
exit $vigil_rc
