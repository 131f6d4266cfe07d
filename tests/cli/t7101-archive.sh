#!/bin/sh
# SPDX-License-Identifier: ISC
# sessrec archive: hot recordings (made here by the real recorder, signed
# with a key from keygen) and the real tlog and sudo samples with old
# mtimes are packed into a signed tar.zst, the originals go, and the
# archive stays readable by ls, cat, grep, play --dump and verify.  Then:
# failures injected while writing (read-only and full file systems, a
# file size limit, a missing key) leave the originals untouched and no
# temporary file; tampered archives are TAMPERED under verify; --expire
# deletes only archives it can verify.
. "$SR_SRCDIR/tests/lib.sh"

command -v zstd >/dev/null 2>&1 || skip "zstd not installed"
S=$(samples_with_modes)
K=$TMP/keys
HOT=$TMP/hot
COLD=$TMP/cold
mkdir -p "$K" "$K/other" "$HOT/tlog" "$HOT/sudo" "$HOT/rec" "$COLD"
"$SESSREC" keygen -d "$K" >/dev/null 2>&1 || fail "keygen"
"$SESSREC" keygen -d "$K/other" >/dev/null 2>&1 || fail "keygen other"
KEY="-k $K/host.key --trusted $K/host.pub"
# Hermetic: no configuration, no trusted.d of this host.
printf 'trusted_keys = %s\n' "$K/host.pub" >"$TMP/archive.conf"
CONF="--config $TMP/archive.conf"
mkdir -p "$TMP/nokeys"
printf 'trusted_keys = %s\n' "$TMP/nokeys" >"$TMP/nokeys.conf"

# The hot tree: real samples, made old, and two fresh recordings.
cp "$S"/tlog/*.json "$HOT/tlog/"
cp -Rp "$S/sudo-io/sudoers-uncompressed/00" "$HOT/sudo/"
cp -Rp "$S/sudo-io/sudoers-compressed/00/00/01" "$HOT/sudo/00/00/11"
find "$HOT/tlog" "$HOT/sudo" -type f -exec touch -d 2026-11-01 {} +
for i in 1 2; do
	"$SESSREC" record -k "$K/host.key" -o "$HOT/rec" -- \
	    sh -c "echo archive-me-$i" </dev/null >/dev/null 2>&1 ||
	    fail "record $i"
done
nfiles() { find "$1" -type f | wc -l | tr -d ' '; }
nhot=$(nfiles "$HOT")

# Usage.
step usage-none 2 archive $CONF "$COLD/x.tar.zst"
step usage-both 2 archive $CONF --older-than 1d --expire 1d "$COLD/x.tar.zst"
step usage-age 2 archive $CONF --older-than soon "$COLD/x.tar.zst"
step usage-operand 2 archive $CONF --older-than 1d

# What would go: the samples (they ended hours ago), not the fresh ones.
step dry-run 0 archive $CONF --older-than 1h --dry-run --source "$HOT" \
    "$COLD/a.tar.zst"
expect_eq "$(nfiles "$HOT")" "$nhot" "dry-run keeps every file"
[ ! -e "$COLD/a.tar.zst" ] || fail "dry-run wrote the archive"

# Failures while writing leave the originals and no temporary file.
step no-key 3 archive --older-than 1h -k "$K/nosuch.key" $CONF \
    --source "$HOT" "$COLD/a.tar.zst"
if command -v prlimit >/dev/null 2>&1; then
	set +e
	prlimit --fsize=20000 "$SESSREC" archive --older-than 1h $KEY $CONF \
	    --source "$HOT" "$COLD/a.tar.zst" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	set -e
	expect_eq "$rc" 5 "file size limit: exit status"
	expect_grep "$TMP/err" "nothing archived: originals untouched" \
	    "file size limit: message"
	expect_eq "$(nfiles "$HOT")" "$nhot" "file size limit: originals"
	expect_eq "$(ls -A "$COLD" | wc -l | tr -d ' ')" 0 \
	    "file size limit: no file left"
fi
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	mkdir -p "$TMP/ro" "$TMP/full"
	set +e
	unshare -m sh -c "mount -t tmpfs -o ro,size=1m none '$TMP/ro' &&
	    exec '$SESSREC' archive --older-than 1h $KEY $CONF \
	    --source '$HOT' '$TMP/ro/a.tar.zst'" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	set -e
	expect_eq "$rc" 5 "read-only file system: exit status"
	expect_grep "$TMP/err" "cannot create a file in .*Read-only" \
	    "read-only file system: message"
	expect_eq "$(nfiles "$HOT")" "$nhot" "read-only: originals"
	set +e
	unshare -m sh -c "mount -t tmpfs -o size=64k none '$TMP/full' &&
	    '$SESSREC' archive --older-than 1h $KEY $CONF \
	    --source '$HOT' '$TMP/full/a.tar.zst'; rc=\$?;
	    ls -A '$TMP/full' >'$TMP/left'; exit \$rc" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	set -e
	expect_eq "$rc" 5 "full file system: exit status"
	expect_grep "$TMP/err" "No space left on device" \
	    "full file system: message"
	expect_eq "$(wc -l <"$TMP/left" | tr -d ' ')" 0 \
	    "full file system: no file left"
	expect_eq "$(nfiles "$HOT")" "$nhot" "full file system: originals"
fi

# The real thing.
step archive 0 archive $CONF --older-than 1h $KEY --source "$HOT" \
    "$COLD/a.tar.zst"
expect_eq "$(nfiles "$HOT")" 2 "only the fresh recordings stay"
[ -d "$HOT/sudo/00/00/01" ] && fail "empty sudo session directory kept"
expect_eq "$(ls -A "$COLD")" a.tar.zst "no temporary file left"
step exists 5 archive $CONF --older-than 1h $KEY --source "$HOT" \
    "$COLD/a.tar.zst"
zstd -tq "$COLD/a.tar.zst" || fail "zstd -t"
tar --zstd -tf "$COLD/a.tar.zst" >"$TMP/list" || fail "tar -t"
expect_eq "$(tail -n 1 "$TMP/list")" SESSREC-MANIFEST "manifest last"

# Readable by everything.
A=$COLD/a.tar.zst
step ls 0 ls "$A"
step cat 0 cat --source "$A" 310206c72ddf4de88a051887e16f1ca7-1c08-a865
step grep 0 grep --source "$A" hello-output
step play 0 play --dump --source "$A" \
    310206c72ddf4de88a051887e16f1ca7-1ec7-afbe
step verify 0 verify $CONF "$A"

# The fresh recordings: signed, OK in the archive too.
sleep 1
run 0 archive $CONF --older-than 0s -q $KEY --source "$HOT" "$COLD/b.tar.zst"
expect_eq "$(nfiles "$HOT")" 0 "fresh recordings archived"
run 0 verify --key "$K/host.pub" "$COLD/b.tar.zst"
expect_eq "$(grep -c '^OK ' "$TMP/out")" 2 "native recordings OK"

# Tampered archives: rebuilt with tar in the same order, one change each.
X=$TMP/x
mkdir -p "$X"
tar --zstd -xf "$A" -C "$X"
tar --zstd -tf "$A" >"$TMP/order"
retar() { # NAME [ORDER-FILE]
	(cd "$X" && tar --zstd -cf "$TMP/$1.tar.zst" -T "${2:-$TMP/order}")
}
T=$X/${TMP#/}/hot
cp "$T/tlog/pipe-binary.json" "$TMP/keep.json"
sed 's/"ver"/"ver" /' "$TMP/keep.json" >"$T/tlog/pipe-binary.json"
retar changed
cp "$TMP/keep.json" "$T/tlog/pipe-binary.json"
grep -v 'sudo/00/00/02/timing$' "$TMP/order" >"$TMP/order-removed"
retar removed "$TMP/order-removed"
cp "$S/tlog/pipe-binary.json" "$T/tlog/extra.json"
sed "\$i\\
${T#"$X"/}/tlog/extra.json" "$TMP/order" >"$TMP/order-added"
retar added "$TMP/order-added"
rm "$T/tlog/extra.json"
(sed -n 2p "$TMP/order"; sed -n 1p "$TMP/order"; sed 1,2d "$TMP/order") \
    >"$TMP/order-swapped"
retar reordered "$TMP/order-swapped"
cp "$X/SESSREC-MANIFEST" "$TMP/manifest"
sed '1s/"host":"[^"]*"/"host":"elsewhere"/' "$TMP/manifest" \
    >"$X/SESSREC-MANIFEST"
retar resigned
cp "$TMP/manifest" "$X/SESSREC-MANIFEST"
# Each names the member (the archive's names hold $TMP without its '/').
M=${TMP#/}/hot
tampered() { # NAME REGEX [ARGS...]
	sr_t=$1
	sr_re=$2
	shift 2
	run 1 verify -q "$@" "$TMP/$sr_t.tar.zst"
	expect_grep "$TMP/out" "$sr_re" "tampered $sr_t"
}
tampered changed "^TAMPERED .*sudo/00/00/01 .*member '$M/tlog/pipe-binary.json': manifest: size 538 differs from 537 in the manifest" $CONF
tampered changed "^TAMPERED .*pipe-binary.json  tlog .*manifest: size 538 differs" $CONF
tampered removed "member '$M/sudo/00/00/02/timing': manifest: listed in the manifest but missing" $CONF
tampered added "^TAMPERED .*tlog/extra.json  tlog .*manifest: recording is not in the archive manifest" $CONF
tampered added "member '$M/tlog/extra.json': manifest: not in the manifest" $CONF
tampered reordered "member '$M/sudo/00/00/01/log': manifest: out of the manifest's order" $CONF
tampered resigned "member 'SESSREC-MANIFEST': manifest-sig: archive manifest signature does not verify with key [0-9a-f]{16}$" $CONF
expect_eq "$(grep -c '^TAMPERED' "$TMP/out")" 10 "resigned: every recording"
# Without any trusted key a signature that fails even with its own key
# is still a contradiction.
tampered resigned "signature does not verify with the key it names" \
    --config "$TMP/nokeys.conf"
run 1 verify -q --key "$K/other/host.pub" "$A"
expect_grep "$TMP/out" "manifest-sig: archive manifest signed by key [0-9a-f]{16}, which is not trusted" "untrusted key"
run 0 verify --json $CONF "$A"
expect_no_grep "$TMP/out" "TAMPERED|SESSREC-MANIFEST" "untouched archive"

# --expire: only what verifies against a trusted key.
cp "$TMP/changed.tar.zst" "$COLD/changed.tar.zst"
echo notes >"$COLD/notes.txt"
step expire-nokey 3 archive --expire 1h --config "$TMP/nokeys.conf" "$COLD"
run 1 archive $CONF --expire 1h --dry-run "$COLD"
expect_eq "$(normalize <"$TMP/out")" \
    "would delete  @TMP@/cold/a.tar.zst  newest 2026-11-25T03:44:49Z" \
    "expire --dry-run"
expect_grep "$TMP/err" "kept '$COLD/changed.tar.zst': does not match its manifest: member '$M/tlog/pipe-binary.json': size 538" "expire: tampered kept"
expect_grep "$TMP/err" "kept '$COLD/notes.txt': no valid manifest: not a tar archive" "expire: other file kept"
run 1 archive --expire 1h --trusted "$K/other/host.pub" "$COLD"
expect_grep "$TMP/err" "kept '$COLD/a.tar.zst': archive manifest signed by key [0-9a-f]{16}, which is not trusted" "expire: untrusted kept"
expect_eq "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "expire: untrusted: nothing deleted"
[ -e "$A" ] || fail "an untrusted archive was deleted"
run 1 archive $CONF --expire 1h "$COLD"
expect_eq "$(normalize <"$TMP/out")" \
    "deleted  @TMP@/cold/a.tar.zst  newest 2026-11-25T03:44:49Z" "expire"
[ -e "$A" ] && fail "expired archive kept"
[ -e "$COLD/b.tar.zst" ] || fail "archive within retention deleted"
[ -e "$COLD/changed.tar.zst" ] || fail "tampered archive deleted"
[ -e "$COLD/notes.txt" ] || fail "other file deleted"
finish
