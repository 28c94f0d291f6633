# Sourced by the scripts that start a collector on local ports (bench-collector.sh, soak.sh).

# port_open PORT: whether something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_ports N: prints N distinct ports nobody listened on a moment ago, or fails after 50 tries
# for each.
free_ports() {
	local picked=() port tries
	while ((${#picked[@]} < $1)); do
		for ((tries = 0; ; tries++)); do
			((tries < 50)) || return 1
			port=$((20000 + RANDOM % 30000))
			[[ " ${picked[*]} " == *" $port "* ]] && continue
			port_open "$port" || break
		done
		picked+=("$port")
	done
	echo "${picked[*]}"
}
