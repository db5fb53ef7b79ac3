#!/bin/sh
# Capture: each exec and file event reaches the rules exactly once, with
# the right fields, read back from real alerts.  Two catch-all rules are
# loaded at runtime: every exec naming /tmp/cap/ and every file event
# under /tmp/cap/ or /dev/shm/.
. /vigil/lib.sh
rc=0
mkdir -p /tmp/cap /tmp/caprules
for r in file:"file where file.path : (\"/tmp/cap/*\", \"/dev/shm/*\")" \
	 exec:"process where event.action == \"exec\" and process.args : \"/tmp/cap/*\""; do
	id=${r%%:*}
	cat > /tmp/caprules/$id.toml <<TOML
[rule]
name = "capture $id"
rule_id = "vigil-test-cap-$id"
type = "eql"
language = "eql"
severity = "low"
risk_score = 1
query = '''
${r#*:}
'''
TOML
done
vigilctl load /tmp/caprules || { echo "FAIL: load"; exit 1; }

/usr/bin/cp /etc/hostname /tmp/cap/a.so
/usr/bin/ln -s /usr/bin/id /tmp/cap/sym
/usr/bin/ln /tmp/cap/a.so /tmp/cap/hard
/usr/bin/mv /tmp/cap/a.so /tmp/cap/b.so
/usr/bin/mv /tmp/cap/b.so /dev/shm/c.so		# other fs: create + delete
/usr/bin/rm /tmp/cap/hard
busybox mknod /tmp/cap/fifo p
/usr/bin/touch /tmp/cap/touched
/usr/bin/touch /tmp/cap/touched			# exists: no creation
vigil_sync

jq -c 'select(.rule.id == "vigil-test-cap-file") |
	[.event.action, .process.name, .file.path,
	 (.file.target_path // ""), (.file.Ext.original.path // "")]' \
	"$VIGIL_ALERTS" > /tmp/file-events
# once JSON-ARRAY: exactly one file event equal to it
once() {
	n=$(grep -cxF "$1" /tmp/file-events)
	[ "$n" -eq 1 ] || { echo "FAIL: $n events equal to $1"; rc=1; }
}
once '["creation","cp","/tmp/cap/a.so","",""]'
once '["symlink","ln","/tmp/cap/sym","/usr/bin/id",""]'
once '["creation","ln","/tmp/cap/hard","",""]'
once '["rename","mv","/tmp/cap/b.so","","/tmp/cap/a.so"]'
once '["creation","mv","/dev/shm/c.so","",""]'
once '["deletion","mv","/tmp/cap/b.so","",""]'
once '["deletion","rm","/tmp/cap/hard","",""]'
once '["creation","busybox","/tmp/cap/fifo","",""]'
once '["creation","touch","/tmp/cap/touched","",""]'
total=$(wc -l < /tmp/file-events)
[ "$total" -eq 9 ] || { echo "FAIL: $total file events, expected 9"; cat /tmp/file-events; rc=1; }

# the exec of cp: named as run (/usr/bin/cp: cp), argv complete,
# parent is this shell, and its creation carries the same entity id
ex=$(jq -c 'select(.rule.id == "vigil-test-cap-exec" and .process.name == "cp")' "$VIGIL_ALERTS")
[ "$(echo "$ex" | jq -r .process.executable)" = /usr/bin/cp ] || { echo "FAIL: executable"; rc=1; }
[ "$(echo "$ex" | jq -c .process.args)" = '["/usr/bin/cp","/etc/hostname","/tmp/cap/a.so"]' ] ||
	{ echo "FAIL: args $(echo "$ex" | jq -c .process.args)"; rc=1; }
[ "$(echo "$ex" | jq -r .process.args_count)" = 3 ] || { echo "FAIL: args_count"; rc=1; }
[ "$(echo "$ex" | jq -r .process.command_line)" = "/usr/bin/cp /etc/hostname /tmp/cap/a.so" ] ||
	{ echo "FAIL: command_line"; rc=1; }
[ "$(echo "$ex" | jq -r .process.parent.pid)" = $$ ] || { echo "FAIL: parent pid"; rc=1; }
[ "$(echo "$ex" | jq -r .user.id)" = 0 ] || { echo "FAIL: user.id"; rc=1; }
e1=$(echo "$ex" | jq -r .process.entity_id)
e2=$(jq -r 'select(.rule.id == "vigil-test-cap-file" and .file.path == "/tmp/cap/a.so" and
	.event.action == "creation") | .process.entity_id' "$VIGIL_ALERTS")
[ -n "$e1" ] && [ "$e1" = "$e2" ] || { echo "FAIL: entity ids differ: '$e1' '$e2'"; rc=1; }
[ $rc -eq 0 ] && echo "capture: every event once, fields as expected"
exit $rc
