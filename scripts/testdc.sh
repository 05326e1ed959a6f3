#!/usr/bin/env bash
# A throw-away "datacenter" of SSH hosts on this machine, for the SSH transport tests. Needs root.
#
#   scripts/testdc.sh up NAME N [--bastion]   create N VMs (vm1..vmN), print their layout (see below)
#   scripts/testdc.sh down NAME               remove everything `up` created (safe to repeat, safe after a failed up)
#   scripts/testdc.sh gc                      `down` every datacenter whose owner process is gone
#
# NAME: a lowercase letter then up to 9 lowercase letters or digits (interface names derive from it and Linux
# limits them to 15 bytes). Each VM is a network namespace with a veth into a bridge, its own mount namespace
# (private /home, /root, /etc/passwd, /etc/group, /etc/shadow bind-mounted from its directory) and its own sshd
# (ed25519 host key, pubkey only, users root and kafka). Addresses come from 10.213.0.0/16, one /24 per network,
# claimed atomically under $TESTDC_ROOT/.subnets, and are the only non-loopback addresses tests talk to.
#
#   plain:    root ns (bridge NAMEb, 10.213.X.1) -- vmI 10.213.X.(10+I)
#   bastion:  root ns (bridge NAMEb, 10.213.X.1) -- bastion 10.213.X.2
#             bastion ns (bridge NAMEp, 10.213.Y.1) -- vmI 10.213.Y.(10+I)
#             and an `unreachable` route for 10.213.Y.0/24 in the root ns, so a direct attempt fails at once
#             instead of leaving the machine.
#
# Output of `up`, one record per line: `dir D`, `user U`, `identity F`, `known_hosts F`, `ssh_config F`, then
# `bastion NAME IP HOME LOG` (bastion mode) and `vm NAME IP HOME LOG` per VM. HOME is the kafka user's home as
# seen from this machine; LOG is that VM's sshd log. Everything `up` creates is appended to D/created as it is
# created, and `down` removes exactly those things, newest first.
set -euo pipefail

ROOT=${TESTDC_ROOT:-/tmp/testdc}
USER_NAME=kafka
USER_ID=1999

die() { echo "testdc: $*" >&2; exit 1; }

check_name() {
    [[ $1 =~ ^[a-z][a-z0-9]{0,9}$ ]] || die "bad NAME '$1' (a lowercase letter, then at most 9 lowercase letters or digits)"
}

record() { echo "$*" >>"$DIR/created"; }

claim_subnet() {
    mkdir -p "$ROOT/.subnets"
    local x
    for x in $(seq 1 254); do
        # Skip a /24 this machine already routes (another tool's, or a leftover of ours).
        if ip -4 route show | grep -qE "(^| )10\.213\.$x\.0/24( |$)"; then continue; fi
        if mkdir "$ROOT/.subnets/$x" 2>/dev/null; then
            echo "$NAME" >"$ROOT/.subnets/$x/owner"
            record subnet "$x"
            echo "$x"
            return 0
        fi
    done
    die "no free /24 left in 10.213.0.0/16 (stale datacenters? try: $0 gc)"
}

# make_vm NS VMDIR IP LABEL: keys, users, homes and the sshd of one VM (its namespace already has its address).
make_vm() {
    local ns=$1 vmdir=$2 ip=$3 label=$4
    mkdir -p "$vmdir/etc" "$vmdir/root/config" "$vmdir/home/$USER_NAME/config"
    chmod 0700 "$vmdir/root"
    chmod 0755 "$vmdir" "$vmdir/home"
    chown -R "$USER_ID:$USER_ID" "$vmdir/home/$USER_NAME"
    chmod 0750 "$vmdir/home/$USER_NAME"
    grep -v "^$USER_NAME:" /etc/passwd >"$vmdir/etc/passwd"
    echo "$USER_NAME:x:$USER_ID:$USER_ID:Kafka:/home/$USER_NAME:/bin/sh" >>"$vmdir/etc/passwd"
    grep -v "^$USER_NAME:" /etc/group >"$vmdir/etc/group"
    echo "$USER_NAME:x:$USER_ID:" >>"$vmdir/etc/group"
    # '*': no password, but not locked (sshd refuses locked accounts when UsePAM is off).
    cut -d: -f1 "$vmdir/etc/passwd" | sed 's/$/:*:19000:0:99999:7:::/' >"$vmdir/etc/shadow"
    chmod 0640 "$vmdir/etc/shadow"
    ssh-keygen -q -t ed25519 -N '' -C "$label" -f "$vmdir/ssh_host_ed25519_key"
    cat >"$vmdir/sshd_config" <<EOF
ListenAddress $ip
Port 22
HostKey $vmdir/ssh_host_ed25519_key
PidFile $vmdir/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
AllowUsers root $USER_NAME
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
PrintLastLog no
UseDNS no
LogLevel INFO
EOF
    echo "$ip $(cut -d' ' -f1,2 "$vmdir/ssh_host_ed25519_key.pub")" >>"$DIR/known_hosts"
    mkdir -p /run/sshd
    chmod 0755 /run/sshd
    # sshd daemonizes once it listens (then writes its PidFile); its mount namespace lives as long as it does.
    ip netns exec "$ns" unshare --mount --propagation private sh -c '
        set -e
        vm=$1
        mount --bind "$vm/home" /home
        mount --bind "$vm/root" /root
        mount --bind "$vm/etc/passwd" /etc/passwd
        mount --bind "$vm/etc/group" /etc/group
        mount --bind "$vm/etc/shadow" /etc/shadow
        exec /usr/sbin/sshd -f "$vm/sshd_config" -E "$vm/sshd.log"
    ' sh "$vmdir" </dev/null >/dev/null 2>"$vmdir/start.err" || die "sshd of $label did not start: $(cat "$vmdir/start.err")"
    local i
    for i in $(seq 1 100); do
        [ -s "$vmdir/sshd.pid" ] && return 0
        sleep 0.05
    done
    die "sshd of $label did not write its pid file: $(tail -n 5 "$vmdir/sshd.log" 2>/dev/null)"
}

# add_ns NS: a network namespace with loopback up.
add_ns() {
    ip netns add "$1"
    record netns "$1"
    ip -n "$1" link set lo up
}

# plug NS IFNAME BRIDGE BRIDGE_NS IP/24: a veth from BRIDGE (in BRIDGE_NS, "" = root) to NS as IFNAME.
plug() {
    local ns=$1 ifname=$2 bridge=$3 bridge_ns=$4 addr=$5 outer=$6
    if [ -z "$bridge_ns" ]; then
        ip link add "$outer" type veth peer name "$ifname" netns "$ns"
        record link "$outer"
        ip link set "$outer" master "$bridge" up
    else
        ip -n "$bridge_ns" link add "$outer" type veth peer name "$ifname" netns "$ns"
        ip -n "$bridge_ns" link set "$outer" master "$bridge" up
    fi
    ip -n "$ns" addr add "$addr" dev "$ifname"
    ip -n "$ns" link set "$ifname" up
}

up() {
    local n=$1 bastion=$2
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 50 ] || die "N must be 1..50"
    [ "$(id -u)" = 0 ] || die "needs root (network and mount namespaces)"
    [ ! -e "$DIR" ] || die "$DIR exists: run '$0 down $NAME' first"
    mkdir -p "$ROOT"
    chmod 0755 "$ROOT"
    mkdir -m 0755 "$DIR"
    : >"$DIR/created"
    echo "${TESTDC_OWNER_PID:-$PPID}" >"$DIR/owner"
    # Any failure from here on (set -e, die, a signal) removes what was created so far.
    trap 'rc=$?; if [ "$rc" -ne 0 ]; then echo "testdc: up $NAME failed; cleaning up" >&2; down_quietly; fi' EXIT
    trap 'exit 1' INT TERM HUP

    local front back bridge=${NAME}b
    front=$(claim_subnet)
    ssh-keygen -q -t ed25519 -N '' -C "testdc-$NAME" -f "$DIR/id_ed25519"
    cp "$DIR/id_ed25519.pub" "$DIR/authorized_keys"
    chmod 0644 "$DIR/authorized_keys"
    : >"$DIR/known_hosts"

    ip link add "$bridge" type bridge
    record link "$bridge"
    ip addr add "10.213.$front.1/24" dev "$bridge"
    # IPv4 only: no IPv6 link-local chatter from this machine's side.
    echo 1 >"/proc/sys/net/ipv6/conf/$bridge/disable_ipv6" 2>/dev/null || true
    ip link set "$bridge" up

    local net=$front bridge_ns="" vm_bridge=$bridge jump=""
    {
        echo "dir $DIR"
        echo "user $USER_NAME"
        echo "identity $DIR/id_ed25519"
        echo "known_hosts $DIR/known_hosts"
        echo "ssh_config $DIR/ssh_config"
    } >"$DIR/layout"
    {
        echo "Host *"
        echo "    User $USER_NAME"
        echo "    IdentityFile $DIR/id_ed25519"
        echo "    IdentitiesOnly yes"
        echo "    UserKnownHostsFile $DIR/known_hosts"
        echo "    StrictHostKeyChecking yes"
        echo "    BatchMode yes"
    } >"$DIR/ssh_config"

    if [ "$bastion" = 1 ]; then
        back=$(claim_subnet)
        local bns="tdc-$NAME-bastion" bdir="$DIR/bastion"
        add_ns "$bns"
        plug "$bns" eth0 "$bridge" "" "10.213.$front.2/24" "${NAME}x"
        ip -n "$bns" link add "${NAME}p" type bridge
        ip -n "$bns" addr add "10.213.$back.1/24" dev "${NAME}p"
        ip -n "$bns" link set "${NAME}p" up
        ip route add unreachable "10.213.$back.0/24"
        record route "unreachable 10.213.$back.0/24"
        make_vm "$bns" "$bdir" "10.213.$front.2" bastion
        echo "bastion bastion 10.213.$front.2 $bdir/home/$USER_NAME $bdir/sshd.log" >>"$DIR/layout"
        printf 'Host bastion\n    HostName 10.213.%s.2\n' "$front" >>"$DIR/ssh_config"
        net=$back bridge_ns=$bns vm_bridge=${NAME}p jump=bastion
    fi

    local i
    for i in $(seq 1 "$n"); do
        local ns="tdc-$NAME-vm$i" vmdir="$DIR/vm$i" ip="10.213.$net.$((10 + i))"
        add_ns "$ns"
        plug "$ns" eth0 "$vm_bridge" "$bridge_ns" "$ip/24" "${NAME}v$i"
        make_vm "$ns" "$vmdir" "$ip" "vm$i"
        echo "vm vm$i $ip $vmdir/home/$USER_NAME $vmdir/sshd.log" >>"$DIR/layout"
        printf 'Host vm%s\n    HostName %s\n' "$i" "$ip" >>"$DIR/ssh_config"
        [ -z "$jump" ] || printf '    ProxyJump %s\n' "$jump" >>"$DIR/ssh_config"
    done
    trap - EXIT INT TERM HUP
    cat "$DIR/layout"
}

kill_namespace_processes() {
    local ns=$1 pids i
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for i in $(seq 1 40); do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [ -n "$pids" ] || return 0
        sleep 0.05
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.1
}

down_quietly() {
    [ -d "$DIR" ] || return 0
    local kind arg
    if [ -f "$DIR/created" ]; then
        # Namespaces first (their processes, then the namespace), then links, routes and subnet claims.
        while read -r kind arg; do
            [ "$kind" = netns ] || continue
            kill_namespace_processes "$arg"
            ip netns del "$arg" 2>/dev/null || true
        done < <(tac "$DIR/created")
        while read -r kind arg; do
            case $kind in
                link) ip link del "$arg" 2>/dev/null || true ;;
                route) ip route del $arg 2>/dev/null || true ;;
                subnet) rm -rf "${ROOT:?}/.subnets/$arg" ;;
            esac
        done < <(tac "$DIR/created")
    fi
    rm -rf "$DIR"
}

gc() {
    [ -d "$ROOT" ] || return 0
    local d owner
    for d in "$ROOT"/*/; do
        [ -d "$d" ] || continue
        owner=$(cat "$d/owner" 2>/dev/null || echo 0)
        if [ "$owner" -gt 0 ] 2>/dev/null && kill -0 "$owner" 2>/dev/null; then continue; fi
        echo "testdc: removing stale datacenter $(basename "$d") (owner $owner is gone)" >&2
        NAME=$(basename "$d") DIR=${d%/} down_quietly
    done
}

case ${1:-} in
    up)
        [ $# -ge 3 ] || die "usage: $0 up NAME N [--bastion]"
        NAME=$2; check_name "$NAME"; DIR=$ROOT/$NAME
        bastion=0
        [ "${4:-}" != --bastion ] || bastion=1
        up "$3" "$bastion"
        ;;
    down)
        [ $# -eq 2 ] || die "usage: $0 down NAME"
        NAME=$2; check_name "$NAME"; DIR=$ROOT/$NAME
        down_quietly
        ;;
    gc) gc ;;
    *) die "usage: $0 up NAME N [--bastion] | down NAME | gc" ;;
esac
