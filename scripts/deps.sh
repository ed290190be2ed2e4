#!/usr/bin/env bash
# scripts/deps.sh — install what dangxiao needs to build, test and run on
# Debian 12.  Idempotent: when everything is already present it prints
# nothing and returns in well under a second.  `make run` and `make test`
# call it first.
#
# Usage: scripts/deps.sh [--no-npm]
#   --no-npm   skip `npm ci` (the browser-test node modules)
#
# Run as root, or as a user with sudo.  Missing Debian packages are found with
# dpkg-query; only then is `apt-get update` run (once) and the missing ones
# installed.  Afterwards, if package-lock.json exists in the repo root and
# node_modules is absent or older than it, `npm ci` is run there.
set -eu

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

die() { echo "deps.sh: $*" >&2; exit 1; }

NPM=1
for arg in "$@"; do
	case $arg in
	--no-npm) NPM=0 ;;
	-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument: $arg (usage: scripts/deps.sh [--no-npm])" ;;
	esac
done

PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev
libsqlite3-dev sqlite3 libpq-dev postgresql libsodium-dev libssl-dev
libqrencode-dev libxlsxwriter-dev libminizip-dev libexpat1-dev libicu-dev
libcmocka-dev gettext wrk chromium fonts-wqy-zenhei curl clang unzip zip
libclang-rt-14-dev rime-data-stroke libcrack2-dev cracklib-runtime"
# node may come from elsewhere (nodesource, nvm): only ask apt when missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	PKGS="$PKGS nodejs npm"
fi

# One dpkg-query for all packages (one per package costs ~0.5 s in total).
# Unknown packages make it print to stderr and exit 1; they are then missing.
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script is for Debian"
# shellcheck disable=SC2086 # word splitting of the package list is wanted
status=$(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null) || true
missing=
for p in $PKGS; do
	case "
$status
" in
	*"
$p install ok installed
"*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -n "$missing" ]; then
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=
	elif command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		die "not root and no sudo; as root run: apt-get install$missing"
	fi
	echo "deps.sh: installing:$missing" >&2
	$SUDO apt-get update -qq || die "apt-get update failed"
	# shellcheck disable=SC2086 # word splitting of the package list is wanted
	$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $missing \
		|| die "apt-get install failed for:$missing"
fi

if [ "$NPM" = 1 ] && [ -f "$ROOT/package-lock.json" ]; then
	stamp="$ROOT/node_modules/.package-lock.json"
	if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
		command -v npm >/dev/null 2>&1 || die "npm not found"
		echo "deps.sh: npm ci in $ROOT" >&2
		(cd "$ROOT" && npm ci --no-audit --no-fund --silent) || die "npm ci failed"
		# With no dependencies npm writes no node_modules at all; leave the
		# stamp anyway so the next run stays silent.
		if [ ! -f "$stamp" ]; then
			mkdir -p "$ROOT/node_modules" && cp "$ROOT/package-lock.json" "$stamp"
		fi
	fi
fi
exit 0
