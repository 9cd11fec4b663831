# Exec hosts node1..nodeN for the test cell, each a network namespace of the same name,
# sourced by start-sge (which has loaded the cell's settings and defined step and fail).
#
# A node is: a named network namespace (ip netns) with one veth on the bridge sgebr0
# (10.250.0.0/24 on this machine only; the submit host is 10.250.0.1, nodeI is
# 10.250.0.(10+I)), a UTS namespace with hostname nodeI, a private mount of a hosts
# file in which the qmaster's name is the bridge address (the main /etc/hosts maps it
# to 127.0.0.1, which inside a namespace is the namespace's own loopback), and its own
# sge_execd. 4 slots each, and different memory per node: h_vmem 6G on node1, 12G on
# node2, and so on.

BRIDGE=sgebr0
SUBNET=10.250.0
NODES_RUN=/run/sgecompile-nodes
HOSTS_MARK="# sgecompile test cell"
NODE_SLOTS=4

node_address() { echo "$SUBNET.$((10 + ${1#node}))"; }

node_names() {  # the nodes the cell has now, as qmaster knows them
    qconf -sel 2>/dev/null | grep -E '^node[0-9]+$' || true
}

node_execd() {  # the pid of nodeI's sge_execd, told by the hostname of its UTS namespace
    local pid
    for pid in $(pgrep -x sge_execd); do
        [ "$(nsenter -t "$pid" -u hostname 2>/dev/null)" = "$1" ] && { echo "$pid"; return 0; }
    done
    return 1
}

execd_running() { node_execd "$1" >/dev/null; }

kill_tree() {  # a process and everything under it (a node's execd: its shepherds and their jobs)
    local child
    for child in $(pgrep -P "$1"); do kill_tree "$child"; done
    kill -9 "$1" 2>/dev/null || true
}

bridge_up() {
    ip link show "$BRIDGE" >/dev/null 2>&1 || step ip link add "$BRIDGE" type bridge
    ip -4 addr show dev "$BRIDGE" | grep -q "$SUBNET.1/" || step ip addr add "$SUBNET.1/24" dev "$BRIDGE"
    step ip link set "$BRIDGE" up
}

hosts_files() {  # every node's name in /etc/hosts (for qmaster) and in the nodes' own hosts file
    local count=$1 i
    mkdir -p "$NODES_RUN"
    {
        echo "127.0.0.1 localhost"
        echo "$SUBNET.1 $(hostname)"
    } >"$NODES_RUN/hosts"
    for i in $(seq "$count"); do
        # Kept after --down: qmaster remembers a name it once failed to resolve for minutes, so a
        # name that vanished and came back could not be added again until it forgot.
        grep -q "^$(node_address "node$i") node$i " /etc/hosts || echo "$(node_address "node$i") node$i $HOSTS_MARK" >>/etc/hosts
        echo "$(node_address "node$i") node$i" >>"$NODES_RUN/hosts"
    done
}

namespace_up() {  # the namespace of nodeI and its link onto the bridge
    local node=$1 veth="sgeveth${1#node}"
    ip netns list | grep -qw "^$node" || step ip netns add "$node"
    if ! ip link show "$veth" >/dev/null 2>&1; then
        step ip link add "$veth" type veth peer name eth0 netns "$node"
    fi
    step ip link set "$veth" master "$BRIDGE" up
    ip -n "$node" -4 addr show dev eth0 | grep -q "$(node_address "$node")/" \
        || step ip -n "$node" addr add "$(node_address "$node")/24" dev eth0
    step ip -n "$node" link set eth0 up
    step ip -n "$node" link set lo up
}

exec_host_config() {  # nodeI as an exec host: 4 slots, h_vmem 6G x I
    local node=$1 conf
    conf=$(mktemp)
    cat >"$conf" <<EOF
hostname $node
load_scaling NONE
complex_values slots=$NODE_SLOTS,h_vmem=$((6 * ${node#node}))G
user_lists NONE
xuser_lists NONE
projects NONE
xprojects NONE
usage_scaling NONE
report_variables NONE
EOF
    qconf -sh 2>/dev/null | grep -qx "$node" || step qconf -ah "$node"
    if qconf -sel 2>/dev/null | grep -qx "$node"; then step qconf -Me "$conf"; else step qconf -Ae "$conf"; fi
    rm -f "$conf"
}

execd_up() {  # nodeI's sge_execd, started inside its namespaces (it forks and stays there)
    local node=$1
    execd_running "$node" && return 0
    step ip netns exec "$node" unshare --uts --mount --propagation private sh -c \
        "hostname $node && mount --bind $NODES_RUN/hosts /etc/hosts && exec /usr/sbin/sge_execd"
}

host_group() {  # @allhosts: the given hosts, and so all.q's queue instances
    local conf
    conf=$(mktemp)
    printf 'group_name @allhosts\nhostlist %s\n' "$*" >"$conf"
    step qconf -Mhgrp "$conf"
    rm -f "$conf"
}

wait_for_nodes() {  # every node's all.q instance reports load (state not "au")
    local node state
    for node in "$@"; do
        for _ in $(seq 300); do
            state=$(qstat -f -q "all.q@$node" 2>/dev/null | awk -v q="all.q@$node" '$1 == q { print (NF > 5 ? $NF : "ok") }')
            [ "$state" = ok ] && break
            sleep 0.2
        done
        [ "$state" = ok ] || fail "$node's execution daemon did not come up: all.q@$node is in state '$state'"
    done
}

# How soon qmaster gives up a host it no longer hears from: SGE's defaults (reports every 40 s, a host
# unknown after 5 minutes) in single-host mode; with nodes, 5 s and 20 s, so that a host-loss test need
# not wait 5 minutes for qmaster to stop sending jobs to a node that died.
heartbeat() {
    local report=$1 unheard=$2 folder
    [ "$(qconf -sconf global | awk '$1 == "load_report_time" || $1 == "max_unheard" { print $2 }' | tr '\n' ' ')" \
        = "$report $unheard " ] && return 0
    folder=$(mktemp -d)  # qconf -Mconf takes the configuration's name from the file's
    qconf -sconf global >"$folder/global"
    sed -i -E -e "s/^load_report_time[[:space:]].*/load_report_time $report/" \
        -e "s/^max_unheard[[:space:]].*/max_unheard $unheard/" "$folder/global"
    step qconf -Mconf "$folder/global"
    rm -rf "$folder"
}

# Which host SGE fills first. Nodes in namespaces share one kernel, so their load ties; with nodes,
# all.q@node1 comes first, then node2, ... (queue_sort_method seqno), so that a test knows where jobs go.
fill_order() {
    local method=$1 seq=$2 folder
    if [ "$(qconf -ssconf | awk '$1 == "queue_sort_method" { print $2 }')" != "$method" ]; then
        folder=$(mktemp -d)
        qconf -ssconf >"$folder/sched"
        sed -i -E "s/^queue_sort_method[[:space:]].*/queue_sort_method $method/" "$folder/sched"
        step qconf -Msconf "$folder/sched"
        rm -rf "$folder"
    fi
    [ "$(qconf -sq all.q | awk '$1 == "seq_no" { print $2 }')" = "$seq" ] || step qconf -rattr queue seq_no "$seq" all.q
}

nodes_up() {  # node1..nodeN up (whatever of them is missing), the submit host no longer an exec host
    local count=$1 i nodes=()
    heartbeat 00:00:05 00:00:20
    bridge_up
    hosts_files "$count"
    for i in $(seq "$count"); do
        nodes+=("node$i")
        namespace_up "node$i"
        exec_host_config "node$i"
        execd_up "node$i"
    done
    host_group "${nodes[@]}"
    fill_order seqno "0$(for i in $(seq "$count"); do printf ',[node%s=%s]' "$i" "$i"; done)"
    wait_for_nodes "${nodes[@]}"
}

nodes_down() {  # every node gone; the submit host is the cell's one exec host again
    local node pid
    host_group "$(hostname)"
    fill_order load 0  # before the nodes go: all.q's seq_no names them
    for node in $(node_names); do  # jobs qmaster still lists there, however the node ended
        qstat -u '*' -q "all.q@$node" 2>/dev/null | awk 'NR > 2 { print $1 }' | sort -u | xargs -r qdel -f >/dev/null 2>&1 || true
    done
    for node in $(node_names) $(ip netns list | awk '/^node[0-9]+/ { print $1 }'); do
        pid=$(node_execd "$node") && kill_tree "$pid"
        ip netns del "$node" 2>/dev/null || true
        ip link del "sgeveth${node#node}" 2>/dev/null || true
        qconf -de "$node" >/dev/null 2>&1 || true
        qconf -dh "$node" >/dev/null 2>&1 || true
        rm -rf "/var/spool/gridengine/execd/$node"
    done
    ip link del "$BRIDGE" 2>/dev/null || true
    heartbeat 00:00:40 00:05:00
    rm -rf "$NODES_RUN"  # the names stay in /etc/hosts (see hosts_files); their addresses are gone
}
