#!/bin/sh
# SPDX-License-Identifier: ISC
# Sets up a Debian 12 machine for sessrec and builds it, then either runs
# sessrec on the bundled samples (demo) or runs the whole test suite
# (test).  Run as root (it installs missing Debian packages with apt-get).
#
#   ./quickstart.sh demo    build, then ls, info, cat, play --dump and grep
#                           the samples; record, verify, export, archive
#   ./quickstart.sh test    build, then make check
set -eu

cd "$(dirname "$0")"
what=${1:-demo}

# Build dependencies, then the real tools the tests drive.
BUILD_PKGS="build-essential autoconf automake pkg-config libjansson-dev
libpcre2-dev libzstd-dev libarchive-dev libncurses-dev libcmocka-dev libsodium-dev
libssl-dev libvterm-dev libsystemd-dev mandoc"
TEST_PKGS="tlog sudo asciinema ttyrec bsdutils zstd jq tmux zip gzip xz-utils
bzip2 clang-format python3 bc less openssl procps openssh-server openssh-client
rsyslog systemd-journal-remote gdb util-linux passwd"

need=""
for p in $BUILD_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    need="$need $p"
done
if [ "$what" = test ]; then
	for p in $TEST_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'ok installed' || need="$need $p"
	done
fi
if [ -n "$need" ]; then
	echo "quickstart: installing$need"
	if [ "$(id -u)" != 0 ]; then
		echo "quickstart: run as root to install packages" >&2
		exit 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
fi

[ -x configure ] || ./bootstrap
[ -f Makefile ] || ./configure --enable-werror
make -j"$(nproc)"

case $what in
demo)
	set -x
	./sessrec ls --source samples
	./sessrec info --source samples/sudo-io/sudoers-compressed 000001
	./sessrec cat samples/escape-probes/inject-probe.cast
	./sessrec ls -l --source samples/archives/tlog-and-sudo.tar.zst
	./sessrec cat -t --source samples/archives/tlog-and-sudo.tar.zst 310206c72ddf4de88a051887e16f1ca7-1ec7
	./sessrec play --dump samples/escape-probes/inject-probe.cast
	./sessrec grep -i passw --source samples
	rec=$(mktemp -d)
	./sessrec keygen -d "$rec"
	./sessrec record -k "$rec/host.key" -o "$rec/" -- \
	    sh -c 'echo recorded by sessrec; uname -s'
	./sessrec info "$rec"/*.srec
	./sessrec cat "$rec"/*.srec
	./sessrec verify --key "$rec/host.pub" "$rec"/*.srec
	./sessrec export -f siem "$rec"/*.srec
	./sessrec export -f asciicast samples/tlog/pty-input-resize.json | head -3
	mkdir "$rec/hot"
	cp samples/tlog/*.json "$rec/hot/"
	touch -d '30 days ago' "$rec"/hot/*
	./sessrec archive -k "$rec/host.key" --older-than 1h \
	    --source "$rec/hot" "$rec/cold.tar.zst"
	./sessrec ls -l "$rec/cold.tar.zst"
	./sessrec verify --key "$rec/host.pub" "$rec/cold.tar.zst"
	rm -rf "$rec"
	;;
test)
	make check -j"$(nproc)" VERBOSE=1
	;;
*)
	echo "usage: ./quickstart.sh demo|test" >&2
	exit 2
	;;
esac
