# SPDX-License-Identifier: GPL-2.0-or-later
# A container node in private namespaces: pods $NAT-pod1..$NAT-podN behind
# $NAT-node, which masquerades (Debian's nftables) towards $NAT-srv, all
# joined by veth pairs created inside the namespaces (nothing in the
# host's namespace). Pod k is 10.77.k.2 (node side 10.77.k.1); the node
# is 10.78.0.1 towards the server 10.78.0.2.
#
#   nat_up N [fully-random]    make it; NAT is the name prefix
#   nat_down                   remove what nat_up made
#   nat_exec NAME CMD...       run CMD in $NAT-NAME

nat_up() {
	local n=$1 opt=${2:-} k
	NAT="twct$$"
	export NAT
	for k in node srv $(seq 1 "$n" | sed 's/^/pod/'); do
		ip netns add "$NAT-$k"
		ip -n "$NAT-$k" link set lo up
	done
	ip -n "$NAT-node" link add up0 type veth peer name eth0 netns "$NAT-srv"
	ip -n "$NAT-node" addr add 10.78.0.1/24 dev up0
	ip -n "$NAT-node" link set up0 up
	ip -n "$NAT-srv" addr add 10.78.0.2/24 dev eth0
	ip -n "$NAT-srv" link set eth0 up
	for k in $(seq 1 "$n"); do
		ip -n "$NAT-node" link add "p$k" type veth peer name eth0 netns "$NAT-pod$k"
		ip -n "$NAT-node" addr add "10.77.$k.1/24" dev "p$k"
		ip -n "$NAT-node" link set "p$k" up
		ip -n "$NAT-pod$k" addr add "10.77.$k.2/24" dev eth0
		ip -n "$NAT-pod$k" link set eth0 up
		ip -n "$NAT-pod$k" route add default via "10.77.$k.1"
	done
	ip netns exec "$NAT-node" sysctl -qw net.ipv4.ip_forward=1
	# the server holds every TIME_WAIT (see tw_keep in common-setup.bash)
	ip netns exec "$NAT-srv" sysctl -qw net.ipv4.tcp_rfc1337=1
	ip netns exec "$NAT-node" nft -f - <<NFT
table ip twnat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "up0" masquerade $opt
	}
}
NFT
}

nat_exec() {
	local name=$1
	shift
	ip netns exec "$NAT-$name" "$@"
}

nat_down() {
	local ns
	[ -n "${NAT:-}" ] || return 0
	for ns in $(ip netns list | awk '{print $1}' | grep "^$NAT-"); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns"
	done
}
