#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The workload whose exec and file events tests/bench/record-events
# records into events.jsonl: an ordinary server/developer mix of shell
# pipelines, a compiler run, an archive round trip, a scratch git
# repository, in-place edits, copies, links, renames and deletions.
set -e
w=/tmp/vigil-bench-work
cd "$w"
mkdir -p src etc out
cat > src/hello.c <<'C'
#include <stdio.h>
int main(int argc, char **argv) { printf("%d\n", argc); return 0; }
C
gcc -O2 -o out/hello src/hello.c
./out/hello a b c > out/hello.txt
for f in /etc/hostname /etc/passwd /etc/group /etc/os-release; do
	cp "$f" etc/
done
sed -i 's/root/admin/' etc/passwd
grep -c admin etc/passwd > out/count.txt
find /etc -maxdepth 1 -name '*.conf' 2>/dev/null | head -20 | xargs grep -l '^#' > out/conf.txt || true
sort etc/group | uniq | wc -l > out/groups.txt
tar cf out/etc.tar etc
mkdir -p restore
tar xf out/etc.tar -C restore
gzip -k out/etc.tar
ln -s "$w/out/hello" out/hello-link
ln out/hello.txt out/hello-hard.txt
mv out/groups.txt out/groups.old
cp -r etc etc.bak
rm -rf etc.bak
git init -q repo
cd repo
git config user.email bench@example.invalid
git config user.name bench
cp ../src/hello.c .
git add hello.c
git commit -q -m 'first'
echo '/* more */' >> hello.c
git commit -q -am 'second'
git log --oneline > ../out/log.txt
cd ..
for i in 1 2 3 4 5 6 7 8; do
	date +%s > out/stamp.$i
	id -u >> out/stamp.$i
	uname -r >> out/stamp.$i
	cat out/stamp.$i | tr a-z A-Z > out/stamp.$i.up
	rm out/stamp.$i
done
ps -e > out/ps.txt 2>/dev/null || true
env | sort > out/env.txt
chmod 600 out/env.txt
stat out/env.txt > /dev/null
touch out/touched
rm -f out/touched out/hello-link out/hello-hard.txt
