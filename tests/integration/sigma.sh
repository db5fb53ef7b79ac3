#!/bin/sh
# Sigma rules from the SigmaHQ corpus (sigma.rules-from), unmodified,
# fire through real binaries; look-alikes that differ in one detail stay
# silent.  Also: Sigma's case-insensitive Image match (a copy of cp named
# CP) and file_event on both creation and rename.
. /vigil/lib.sh
CHATTR=34979410-e4b5-4e5d-8cfb-389fdff05c12
CP=fa4aaed5-4fe0-498d-bbc0-08e3346387ba
ENV=bed978f8-7f3a-432b-82c5-9286a9b3031a
SUDOERS=0f79c4d2-4e1f-4683-9c36-b5469a665e06
TOUCH=31545105-3444-4584-bebf-c466353230d2
FIND=6adfbf8f-52be-4444-9bac-81b539624146
DOAS=00eee2a5-fdb0-4746-a21d-e43fbdea5681

mkdir -p /tmp/s /tmp/bin
: > /tmp/s/f
cd /tmp/s || exit 1

chattr -i /tmp/s/f 2>/dev/null			# alert
chattr +i /tmp/s/f 2>/dev/null			# look-alike: no ' -i '
cp /etc/passwd /tmp/s/p1			# alert
cp /etc/hostname /tmp/s/h 2>/dev/null		# look-alike: no passwd/shadow
cp /usr/bin/cp /tmp/bin/CP
/tmp/bin/CP /etc/passwd /tmp/s/p3		# alert: Image|endswith is case-insensitive
env /bin/sh -c true				# alert
env true					# look-alike
cat /etc/sudoers 2>/dev/null			# alert
head -n 1 /etc/sudoers 2>/dev/null		# alert
cat /etc/sudoers.bak 2>/dev/null		# alert too: contains ' /etc/sudoers'
cat /etc/hostname > /dev/null			# look-alike
touch -t 202001010000 /tmp/s/x.service		# alert
touch /tmp/s/y.service				# look-alike: no -t
touch -t 202001010000 /tmp/s/x.services		# look-alike: endswith
find . -maxdepth 0 -exec /bin/sh -c true \;	# alert
find /tmp -maxdepth 0 -exec /bin/true \;	# look-alike
touch /etc/doas.conf				# alert: creation
echo x > /etc/d.tmp && mv /etc/d.tmp /etc/doas.conf	# alert: rename onto it
touch /etc/doas.conf.new			# look-alike
echo x > /etc/d2.tmp && mv /etc/d2.tmp /etc/doas.conf.old # look-alike

expect_alerts "$CHATTR" 1 "chattr -i"
expect_alerts "$CP" 2 "cp of passwd into /tmp (one as CP)"
expect_alerts "$ENV" 1 "env /bin/sh"
expect_alerts "$SUDOERS" 3 "cat/head of /etc/sudoers"
expect_alerts "$TOUCH" 1 "touch -t *.service"
expect_alerts "$FIND" 1 "find . -exec /bin/sh"
expect_alerts "$DOAS" 2 "doas.conf created and renamed into place"
n=$(jq -c 'select(.rule.id == "'"$DOAS"'") | .event.action' "$VIGIL_ALERTS" |
	sort | tr '\n' ' ')
[ "$n" = '"creation" "rename" ' ] || fail "doas.conf alerts: actions $n"
# Sigma metadata in the alert: level medium -> severity medium, risk 47
s=$(jq -r 'select(.rule.id == "'"$TOUCH"'") | "\(.vigil.rule.severity) \(.vigil.rule.risk_score)"' \
	"$VIGIL_ALERTS" | head -n1)
[ "$s" = "medium 47" ] || fail "touch rule severity/risk: '$s', expected 'medium 47'"
exit $vigil_rc
