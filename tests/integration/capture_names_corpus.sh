#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Elastic rules (capture_names_corpus.rules-from), unmodified, that name
# a script or a link fire end to end now that process.name is the name a
# program was run by (issue 11 item 5); look-alikes stay silent.  Attack
# cases run as uid 65534.
. /vigil/lib.sh
HACKTOOL=1df1152b-610a-4f48-9d7a-504f6ee5d9da
MAPS=2f95540c-923e-4f57-9dae-de30169c68b9
ROOTCA=6ded0996-7d4b-40f2-bf4a-6913e7591795
mkdir -p /tmp/cnc/bin
chmod -R 1777 /tmp/cnc
script() { printf '#!/bin/sh\n%s\n' "$2" > "$1" && chmod 755 "$1"; }

# Potential Linux Hack Tool Launched: process.name "linpeas.sh".
script /tmp/cnc/bin/linpeas.sh ':'
as_nobody /tmp/cnc/bin/linpeas.sh			# alert: a #! script
as_nobody /usr/bin/sh /tmp/cnc/bin/linpeas.sh	# look-alike: sh runs, named sh
cp /tmp/cnc/bin/linpeas.sh /tmp/cnc/bin/linpeas.sh.txt
as_nobody /tmp/cnc/bin/linpeas.sh.txt		# look-alike: another name
expect_alerts $HACKTOOL 1 "Potential Linux Hack Tool Launched: linpeas.sh"

# Suspicious /proc/maps Discovery: process.name "awk" (a link to mawk).
as_nobody awk 'END { }' /proc/self/maps		# alert
as_nobody mawk 'END { }' /proc/self/maps		# look-alike: named mawk
as_nobody awk 'END { }' /etc/hostname		# look-alike: not maps
expect_alerts $MAPS 1 "Suspicious /proc/maps Discovery: awk"

# Root Certificate Installation: process.name "update-ca-certificates",
# not under a parent named "ca-certificates.postinst".
script /tmp/cnc/bin/update-ca-certificates ':'
script /tmp/cnc/bin/ca-certificates.postinst \
	'/tmp/cnc/bin/update-ca-certificates
:'
as_nobody /tmp/cnc/bin/update-ca-certificates		# alert
as_nobody /tmp/cnc/bin/ca-certificates.postinst	# look-alike: excluded parent
expect_alerts $ROOTCA 1 "Root Certificate Installation: a script, postinst parent excluded"
n=$(jq -c "select(.rule.id == \"$ROOTCA\") | [.process.name, .process.executable, .process.parent.name]" \
	"$VIGIL_ALERTS")
[ "$n" = '["update-ca-certificates","/usr/bin/dash","sh"]' ] &&
	pass "Root Certificate Installation: named after the script" ||
	fail "Root Certificate Installation: $n"

exit $vigil_rc
