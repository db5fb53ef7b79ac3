#!/bin/sh
# Issue 16: Elastic sequences whose steps join on different fields fire
# through real binaries, next to silent look-alikes.  The rules are the
# corpus's own (seq_joins.rules/ links into ../shared/corpus; run-integration
# passes the ones that resolve); without them the test skips.
#
# tar, git and wget are not in the guest: stand-ins are copies of dash
# (tar, git) and cp (wget) under those names, which is all the rules see
# of them.  rm deleting itself is rm itself, run from /tmp.
. /vigil/lib.sh
WILD=0b803267-74c5-444d-ae29-32b5db2d562a	# entity_id -> parent.entity_id
GIT=dc61f382-dc0c-4cc0-a845-069f2a071704	# entity_id -> parent.entity_id
SELF=702a2046-ea74-4bdc-b8ea-b185471f64c8	# executable -> file.path
FEXEC=09bc6c90-7501-494d-b015-5d988dc3f233	# file.name -> process.name -> file.name

require_rules $WILD $GIT $SELF $FEXEC

S=/tmp/sj
mkdir -p $S/bin $S/repo/.git/hooks
cp /usr/bin/dash $S/bin/tar
cp /usr/bin/dash $S/bin/git
cp /usr/bin/cp $S/bin/wget
cp /usr/bin/rm $S/rmself
cp /usr/bin/rm $S/rmother
printf 'id > /dev/null\ntrue\n' > $S/repo/.git/hooks/pre-commit
: > $S/victim
sleep 1.2	# past the 1 s maxspan of the setup's own execs

# 1. a checkpoint action of "tar" runs a shell (child joins on parent.entity_id)
$S/bin/tar -c 'sh -c true; true' tar --checkpoint=1 --checkpoint-action=exec=sh
#    look-alike: a shell under a tar without a checkpoint action
$S/bin/tar -c 'sh -c true; true' tar --checkpoint=1

# 2. "git" runs a hook with sh, and the hook runs a command
(cd $S/repo && $S/bin/git -c 'sh .git/hooks/pre-commit; true')
#    look-alike: git runs sh -c, not a hook
(cd $S/repo && $S/bin/git -c 'sh -c "id > /dev/null; true"; true')

# 3. a binary in /tmp deletes itself
$S/rmself $S/rmself
#    look-alikes: it deletes another file; another process deletes it
$S/rmother $S/victim
/usr/bin/rm $S/rmother

# 4. "wget" drops /tmp/sj/payload, a shell runs it, find deletes it
$S/bin/wget /usr/bin/true $S/payload
sh -c "$S/payload; true"
find $S -name payload -delete
#    look-alike: the same, but rm deletes it (the rule excludes rm)
$S/bin/wget /usr/bin/true $S/payload2
sh -c "$S/payload2; true"
/usr/bin/rm $S/payload2

vigil_rc=0
expect_alerts $WILD 1 "wildcard shell spawn (tar checkpoint action)"
expect_alerts $GIT 1 "git hook execution"
expect_alerts $SELF 1 "execution followed by self-deletion"
expect_alerts $FEXEC 1 "file execution followed by deletion"
# the steps joined across fields
bad=$(jq -c "select(.rule.id == \"$WILD\" or .rule.id == \"$GIT\") |
	select((.vigil.events | length) != 2 or
	       .vigil.events[0].process.entity_id != .vigil.events[1].process.parent.entity_id)" \
	"$VIGIL_ALERTS" | wc -l)
[ "$bad" -eq 0 ] || fail "$bad parent/child alerts whose steps do not join"
bad=$(jq -c "select(.rule.id == \"$SELF\") |
	select(.vigil.events[0].process.executable != \"$S/rmself\" or
	       .vigil.events[1].file.path != \"$S/rmself\")" "$VIGIL_ALERTS" | wc -l)
[ "$bad" -eq 0 ] || fail "$bad self-deletion alerts on the wrong file"
bad=$(jq -c "select(.rule.id == \"$FEXEC\") |
	select((.vigil.events | length) != 3 or .vigil.events[2].file.path != \"$S/payload\")" \
	"$VIGIL_ALERTS" | wc -l)
[ "$bad" -eq 0 ] || fail "$bad file-execution alerts on the wrong file"
exit $vigil_rc
