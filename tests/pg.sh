#!/usr/bin/env bash
# tests/pg.sh — start and stop a throwaway PostgreSQL cluster for the tests.
#
#   tests/pg.sh start DIR          initdb in DIR/data, start a server on a free
#                                  port of 127.0.0.1 (from 55432 up), print
#                                  postgresql://postgres@127.0.0.1:PORT/postgres
#   tests/pg.sh createdb DIR NAME  create database NAME, print its URI
#   tests/pg.sh stop DIR           stop the server and remove DIR (safe to run
#                                  twice, or after a failed start)
#
# Only the URI goes to stdout; everything else goes to stderr.  The cluster
# trusts every local connection (no password), runs without fsync, listens
# on 127.0.0.1 and on a Unix socket in DIR, and logs to DIR/pg.log; its port
# is in DIR/port.  Run as root, the server runs as the `postgres` system user
# (the server refuses to run as root).  PG_BINDIR overrides where the
# PostgreSQL programs are looked for.
#
# Typical use:
#   dir=$(mktemp -d); trap 'tests/pg.sh stop "$dir"' EXIT
#   uri=$(tests/pg.sh start "$dir")
#   db=$(tests/pg.sh createdb "$dir" dangxiao_test)
set -euo pipefail

FIRST_PORT=55432
MAX_TRIES=50
MARKER=.pg.sh # marks a DIR this script owns, so `stop` may delete it

die() { echo "pg.sh: $*" >&2; exit 1; }
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# The directory holding initdb/pg_ctl/postgres: $PG_BINDIR, pg_config's
# bindir (Debian's pg_config reports /usr/lib/postgresql/N/bin), the newest
# /usr/lib/postgresql/*/bin, or $PATH.
find_bindir() {
	local d
	if [[ -n ${PG_BINDIR:-} ]]; then
		[[ -x $PG_BINDIR/initdb ]] || die "no initdb in PG_BINDIR=$PG_BINDIR"
		echo "$PG_BINDIR"; return
	fi
	if d=$(pg_config --bindir 2>/dev/null) && [[ -x $d/initdb && -x $d/pg_ctl ]]; then
		echo "$d"; return
	fi
	d=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	if [[ -n $d && -x $d/initdb ]]; then
		echo "$d"; return
	fi
	d=$(command -v initdb 2>/dev/null) && { dirname "$d"; return; }
	die "initdb not found (install the postgresql package: scripts/deps.sh)"
}

# Run a command as the cluster's owner: the postgres user when we are root.
# The working directory is DIR, since the PostgreSQL programs fail when they
# cannot read the current directory (e.g. /root).
as_owner() {
	if ((EUID == 0)); then
		(cd "$DIR" && runuser -u postgres -- "$@")
	else
		(cd "$DIR" && "$@")
	fi
}

port_in_use() { # PORT
	if command -v ss >/dev/null 2>&1; then
		[[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]] && return 0
	fi
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# DIR must exist and hold a cluster started by this script.
need_cluster() {
	[[ -f $DIR/port ]] || die "no cluster in $DIR (run: tests/pg.sh start $DIR)"
	PORT=$(<"$DIR/port")
	[[ $PORT =~ ^[0-9]+$ ]] || die "bad port in $DIR/port"
}

cmd_start() {
	local bin locale_opt port tries=0 uri out
	bin=$(find_bindir)
	mkdir -p -- "$DIR"
	DIR=$(cd -- "$DIR" && pwd -P)
	[[ $DIR != */* || $DIR == / ]] && die "refusing to use $DIR"
	[[ $DIR == *"'"* ]] && die "DIR must not contain a single quote: $DIR"
	[[ -e $DIR/data ]] && die "$DIR/data already exists (stop it first)"
	: >"$DIR/$MARKER"
	chmod 755 "$DIR" # mktemp -d makes it 700: the postgres user must enter

	if ((EUID == 0)); then
		id postgres >/dev/null 2>&1 ||
			die "running as root but there is no postgres user (install the postgresql package)"
		chown -R postgres: "$DIR"
		runuser -u postgres -- test -w "$DIR" -a -x "$DIR" ||
			die "user postgres cannot enter $DIR: make its parent directories world-searchable (chmod o+x) or use one under /tmp"
	fi

	if locale -a 2>/dev/null | grep -Eqix 'c\.utf-?8'; then
		locale_opt=--locale=C.UTF-8
	else
		locale_opt=--no-locale
	fi
	echo "pg.sh: initdb $DIR/data ($bin)" >&2
	if ! as_owner "$bin/initdb" -D "$DIR/data" --auth=trust -U postgres \
		--encoding=UTF8 "$locale_opt" >"$DIR/initdb.log" 2>&1; then
		cat "$DIR/initdb.log" >&2
		die "initdb failed (log: $DIR/initdb.log)"
	fi

	# Pick a free port and start.  Another process may take the port between
	# the check and the bind; then the start fails with a bind error in the
	# log and the next port is tried.
	port=$FIRST_PORT
	while :; do
		while port_in_use "$port"; do port=$((port + 1)); done
		tries=$((tries + 1))
		echo "pg.sh: starting on 127.0.0.1:$port" >&2
		rm -f "$DIR/pg.log" # pg_ctl creates it, owned by the server's user
		if out=$(as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/pg.log" -w -t 60 \
			-o "-p $port -k '$DIR' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
			start 2>&1); then
			break
		fi
		if ((tries < MAX_TRIES)) &&
			grep -Eq 'could not bind|Address already in use|could not create any TCP/IP sockets|could not create lock file' "$DIR/pg.log" 2>/dev/null; then
			port=$((port + 1))
			continue
		fi
		echo "$out" >&2
		[[ -f $DIR/pg.log ]] && tail -n 30 "$DIR/pg.log" >&2
		die "postgres did not start (log: $DIR/pg.log)"
	done
	echo "$port" >"$DIR/port"
	uri="postgresql://postgres@127.0.0.1:$port/postgres"
	echo "pg.sh: ready: $uri" >&2
	echo "$uri"
}

cmd_createdb() {
	local bin
	[[ $NAME =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] ||
		die "database name must match [A-Za-z_][A-Za-z0-9_]*: $NAME"
	need_cluster
	bin=$(find_bindir)
	"$bin/createdb" -h 127.0.0.1 -p "$PORT" -U postgres -w -- "$NAME" >&2 ||
		die "createdb $NAME failed on port $PORT"
	echo "postgresql://postgres@127.0.0.1:$PORT/$NAME"
}

cmd_stop() {
	local bin pid
	[[ -d $DIR ]] || return 0 # already stopped and removed
	DIR=$(cd -- "$DIR" && pwd -P)
	[[ $DIR != */* || $DIR == / ]] && die "refusing to remove $DIR"
	if [[ ! -e $DIR/$MARKER ]] && [[ -n $(ls -A "$DIR") ]]; then
		die "$DIR was not made by tests/pg.sh start; not removing it"
	fi
	if [[ -f $DIR/data/postmaster.pid ]]; then
		bin=$(find_bindir)
		if ! as_owner "$bin/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
			: # not running (crashed or killed): nothing to stop
		elif ! as_owner "$bin/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
			echo "pg.sh: fast stop failed, trying immediate" >&2
			if ! as_owner "$bin/pg_ctl" -D "$DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
				# Never leave a server running on a deleted directory.
				pid=$(head -n 1 "$DIR/data/postmaster.pid" 2>/dev/null) || pid=
				if [[ $pid =~ ^[0-9]+$ ]] && [[ $(ps -o comm= -p "$pid" 2>/dev/null) == postgres* ]]; then
					echo "pg.sh: killing postmaster $pid" >&2
					kill -KILL "$pid" 2>/dev/null || true
				fi
			fi
		fi
	fi
	rm -rf -- "$DIR"
}

(($# >= 2)) || usage
ACTION=$1 DIR=$2
[[ -n $DIR ]] || usage
case $ACTION in
start) (($# == 2)) || usage; cmd_start ;;
createdb) (($# == 3)) || usage; NAME=$3; cmd_createdb ;;
stop) (($# == 2)) || usage; cmd_stop ;;
*) usage ;;
esac
