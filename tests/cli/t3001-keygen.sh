# SPDX-License-Identifier: ISC
# sessrec keygen: the files and their modes, refusing to replace a key
# without -f, atomic replacement with it, exit statuses, and that OpenSSL
# reads both files, derives the same public key and checks signatures
# made with them.  Keys are random, so most checks are explicit rather
# than golden.
. "$SR_SRCDIR/tests/lib.sh"

# mode FILE: the ls(1) mode string, e.g. "-r--------".
mode() {
	ls -ld "$1" | cut -c1-10
}

expect_mode() { # FILE WANT
	if [ "$(mode "$1")" != "$2" ]; then
		fail "mode of $1: $(mode "$1"), want $2"
	fi
}

expect_empty() { # FILE WHAT
	if [ -s "$1" ]; then
		fail "$2 should be empty, got:"
		head -5 "$1"
	fi
}

step keygen-extra-arg 2 keygen extra
step keygen-bad-option 2 keygen -x
step keygen-dir-no-arg 2 keygen -d
step keygen-help 0 keygen -h

# A new directory, created 0755 whatever the umask; the files 0400/0444.
K=$TMP/keys
old_umask=$(umask)
umask 077
run 0 keygen -d "$K"
umask "$old_umask"
expect_empty "$TMP/err" "first keygen: stderr"
expect_grep "$TMP/out" '^key id: [0-9a-f]{16}$' "first keygen: key id"
expect_grep "$TMP/out" "^secret key: $K/host.key\$" "first keygen: key path"
expect_grep "$TMP/out" "^public key: $K/host.pub\$" "first keygen: pub path"
[ "$(wc -l <"$TMP/out")" -eq 3 ] || fail "first keygen: not 3 lines"
id1=$(sed -n 's/^key id: //p' "$TMP/out")
expect_mode "$K" drwxr-xr-x
expect_mode "$K/host.key" -r--------
expect_mode "$K/host.pub" -r--r--r--
grep -q '^-----BEGIN PRIVATE KEY-----$' "$K/host.key" ||
    fail "host.key is not a PEM private key"
grep -q '^-----BEGIN PUBLIC KEY-----$' "$K/host.pub" ||
    fail "host.pub is not a PEM public key"
cp "$K/host.key" "$TMP/first.key"
cp "$K/host.pub" "$TMP/first.pub"

# A second run without -f changes nothing.
run 1 keygen -d "$K"
expect_empty "$TMP/out" "second keygen: stdout"
expect_grep "$TMP/err" "^sessrec keygen: '$K/host.key' exists; use -f to replace it\$" \
    "second keygen: message"
cmp -s "$K/host.key" "$TMP/first.key" || fail "second keygen changed host.key"
cmp -s "$K/host.pub" "$TMP/first.pub" || fail "second keygen changed host.pub"

# Half a pair is refused too, and stays half.
mv "$K/host.key" "$TMP/aside.key"
run 1 keygen -d "$K"
expect_grep "$TMP/err" "'$K/host.pub' exists" "half pair: message"
[ ! -e "$K/host.key" ] || fail "half pair: host.key was written"
mv "$TMP/aside.key" "$K/host.key"

# -f replaces both, keeps the modes, leaves no temporary file.
run 0 keygen -f -d "$K"
expect_empty "$TMP/err" "keygen -f: stderr"
id2=$(sed -n 's/^key id: //p' "$TMP/out")
[ -n "$id2" ] && [ "$id2" != "$id1" ] || fail "keygen -f: key id '$id2' after '$id1'"
cmp -s "$K/host.key" "$TMP/first.key" && fail "keygen -f: host.key unchanged"
cmp -s "$K/host.pub" "$TMP/first.pub" && fail "keygen -f: host.pub unchanged"
expect_mode "$K/host.key" -r--------
expect_mode "$K/host.pub" -r--r--r--
[ "$(ls -A "$K" | wc -l)" -eq 2 ] || fail "keygen -f left files: $(ls -A "$K")"

# Cannot write: exit 3.
run 3 keygen -d "$TMP/missing/keys"
expect_grep "$TMP/err" "cannot create directory '$TMP/missing/keys'" \
    "missing parent: message"
run 3 keygen -d "$K/host.pub"
expect_grep "$TMP/err" "Not a directory" "directory is a file: message"

# OpenSSL reads our files: the same public key, the same key id
# (first 8 bytes of SHA-256 of the raw key), and signatures both ways.
if command -v openssl >/dev/null 2>&1; then
	if ! openssl pkey -in "$K/host.key" -pubout >"$TMP/derived.pub" 2>"$TMP/ossl.err"; then
		fail "openssl cannot read host.key: $(cat "$TMP/ossl.err")"
	elif ! cmp -s "$TMP/derived.pub" "$K/host.pub"; then
		fail "openssl derives another public key from host.key"
	fi
	id=$(openssl pkey -pubin -in "$K/host.pub" -outform DER | tail -c 32 |
	    openssl dgst -sha256 -r | cut -c1-16)
	[ "$id" = "$id2" ] || fail "key id $id2, openssl says $id"
	printf 'sessrec/v1/seal and some record bytes\n' >"$TMP/msg"
	if ! openssl pkeyutl -sign -rawin -inkey "$K/host.key" \
	    -in "$TMP/msg" -out "$TMP/sig" 2>"$TMP/ossl.err"; then
		fail "openssl cannot sign with host.key: $(cat "$TMP/ossl.err")"
	elif ! openssl pkeyutl -verify -pubin -inkey "$K/host.pub" -rawin \
	    -in "$TMP/msg" -sigfile "$TMP/sig" >/dev/null 2>&1; then
		fail "openssl does not verify with host.pub"
	fi
else
	echo "openssl not installed: interoperability checks skipped"
fi
finish
