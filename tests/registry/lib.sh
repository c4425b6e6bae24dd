# Registry helpers for the test scripts that start servers on 127.0.0.1
# (tests/cli/t-image-registry.sh, t-fleet.sh); sourced after tests/lib.sh
# (ok/notok, TMPD). Every server started goes into PIDS; the script calls
# `trap cleanup EXIT` so that they are stopped however it ends.
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
# a TCP port free on 127.0.0.1 now
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_port PORT: until something listens (10 s)
wait_port() {
	local i
	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# wait_file FILE: until FILE is not empty (10 s; the port files servers write)
wait_file() { local i; for i in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }
# start_registry NAME [htpasswd-file] -> prints the port: Debian's
# docker-registry (Distribution 2.8) storing in $TMPD/NAME/data, with
# htpasswd basic auth when a file is given
start_registry() {
	local name=$1 htp=${2:-} port
	port=$(free_port)
	mkdir -p "$TMPD/$name/data"
	{
		echo "version: 0.1"
		echo "log: {level: error, accesslog: {disabled: true}}"
		echo "storage: {filesystem: {rootdirectory: $TMPD/$name/data}, delete: {enabled: true}}"
		echo "http: {addr: 127.0.0.1:$port}"
		[ -n "$htp" ] && echo "auth: {htpasswd: {realm: goabi-test, path: $htp}}"
	} > "$TMPD/$name/config.yml"
	docker-registry serve "$TMPD/$name/config.yml" > "$TMPD/$name/log" 2>&1 &
	PIDS+=($!)
	wait_port "$port" || { notok "$name: docker-registry did not start: $(tail -3 "$TMPD/$name/log")"; return 1; }
	echo "$port"
}
