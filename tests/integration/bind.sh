#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14: bind events, auditd's "bound-socket" (Documentation/fields.rst).
# uid 65534 runs listeners on every interface (IPv4 and IPv6) and on the
# loopback; our rule (bind.rules) fires on the first
# two only.  A bind's source is the address and port asked for; it has
# no destination.  The loopback bind is decided on its address alone.
. /vigil/lib.sh
BIND=vigil-test-bind-any

require_rules $BIND
ip link set lo up
b0=$(cat /sys/kernel/vigil/stats/events_bind)
d0=$(cat /sys/kernel/vigil/stats/events_decided_early)

# a bind shell's listener named socat (vigil-poke binds what it is told)
mkdir -p /tmp/bind && cp /usr/local/bin/vigil-poke /tmp/bind/socat
as_nobody /tmp/bind/socat bind 127.0.0.1 4445	# look-alike: loopback
as_nobody /tmp/bind/socat bind ::1 4447		# look-alike: loopback
as_nobody /tmp/bind/socat bind 0.0.0.0 4444	# every IPv4 interface
as_nobody timeout 1 nc -l -p 4446		# busybox nc: [::]:4446

vigil_rc=0
expect_alerts $BIND 2 "listeners bind every interface, IPv4 and IPv6"
t=$(jq -c "select(.rule.id == \"$BIND\") | [.event.category, .event.type,
	.event.action, .source.ip, .source.port, .destination,
	.network.transport, .network.direction, .process.name, .user.id]" \
	"$VIGIL_ALERTS" | tr '\n' ' ')
want='["network","start","bound-socket","0.0.0.0",4444,null,"tcp","unknown","socat","65534"] ["network","start","bound-socket","::",4446,null,"tcp","unknown","nc","65534"] '
[ "$t" = "$want" ] && pass "bind events: $t" || fail "bind fields: $t (want $want)"
b=$(($(cat /sys/kernel/vigil/stats/events_bind) - b0))
d=$(($(cat /sys/kernel/vigil/stats/events_decided_early) - d0))
[ "$b" -ge 4 ] && pass "events_bind +$b" || fail "events_bind +$b (>= 4)"
[ "$d" -ge 2 ] && [ "$d" -le $((b - 2)) ] &&
	pass "events_decided_early +$d of $b binds" ||
	fail "events_decided_early +$d (>= 2, <= $((b - 2)))"
exit $vigil_rc
