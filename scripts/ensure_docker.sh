#!/usr/bin/env bash
# Make this machine ready for ioi-agent's Docker sandbox, idempotently:
#   1. apt-install g++, bubblewrap, docker.io, debootstrap when missing;
#   2. start dockerd by hand (CI machines have no init system) when `docker info` fails;
#   3. build the base image ioi-agent-base:bookworm with debootstrap (no registry is reachable);
#   4. build ioi-agent-sandbox:latest from Dockerfile.sandbox unless an up-to-date one exists.
# A warm run (everything in place) takes a few seconds. Needs root for steps 1-3.
#
# Up-to-date means: label ioi-agent.dockerfile-sha == sha256 of the bytes of Dockerfile.sandbox followed by
# sandbox/*.py in C-locale name order (Python: sha256(b"".join(p.read_bytes() for p in
# [Path("Dockerfile.sandbox"), *sorted(Path("sandbox").glob("*.py"))]))), and label ioi-agent.base-id ==
# the current base image id.
#
# Environment knobs:
#   IOI_AGENT_DOCKERD_FLAGS  dockerd flags to use instead of the built-in fallback list
#   IOI_AGENT_DEBIAN_MIRROR  Debian mirror for debootstrap (default: the one in this machine's apt sources)
#   IOI_AGENT_SANDBOX_IMAGE  the sandbox image tag to build (default ioi-agent-sandbox:latest), as ioi_agent/sandbox/docker.py reads it
set -euo pipefail

BASE_IMAGE=ioi-agent-base:bookworm
SANDBOX_IMAGE=${IOI_AGENT_SANDBOX_IMAGE:-ioi-agent-sandbox:latest}  # the tag the docker backend runs (same variable)
SUITE=bookworm
DOCKERD_LOG=/tmp/dockerd.log
DOCKER_WAIT_S=60
# The legacy builder works with every client/daemon pair (BuildKit would need the buildx plugin).
export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '[ensure_docker %3ds] %s\n' "$SECONDS" "$*"; }
die() {
    printf 'ensure_docker: error: %s\n' "$*" >&2
    exit 1
}
need_root() { [[ $EUID -eq 0 ]] || die "$1 needs root (run as root or with sudo)"; }

# ---------------------------------------------------------------- 1. packages
apt_install() {
    need_root "installing $*"
    # Refresh the package lists only when there are none, or when they are stale enough to make
    # the install fail (404 on a superseded .deb).
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
        say "apt-get update (no package lists yet)"
        apt-get update -qq || die "apt-get update failed"
    fi
    local opts=(-y -qq --no-install-recommends -o Dpkg::Options::=--force-confold)
    if ! apt-get install "${opts[@]}" "$@"; then
        say "install failed; apt-get update and retry"
        apt-get update -qq || die "apt-get update failed"
        apt-get install "${opts[@]}" "$@" || die "apt-get install $* failed"
    fi
}

ensure_packages() {
    local missing=()
    command -v g++ >/dev/null || missing+=(g++)
    command -v bwrap >/dev/null || missing+=(bubblewrap)
    command -v dockerd >/dev/null && command -v docker >/dev/null || missing+=(docker.io)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        apt_install "${missing[@]}"
    else
        say "packages present: g++ bubblewrap docker debootstrap"
    fi
}

# ---------------------------------------------------------------- 2. dockerd
docker_up() { docker info >/dev/null 2>&1; }

# Wait for the daemon; $1 is the pid to watch (empty: don't watch). Returns 1 if it died or timed out.
wait_for_docker() {
    local pid=$1 deadline=$((SECONDS + DOCKER_WAIT_S))
    while ((SECONDS < deadline)); do
        docker_up && return 0
        if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        sleep 0.5
    done
    return 1
}

# Start dockerd with the given flags; on failure stop it again and return 1.
try_dockerd() {
    say "starting dockerd $* (log: $DOCKERD_LOG)"
    printf '\n==== %s dockerd %s\n' "$(date -u +%FT%TZ)" "$*" >>"$DOCKERD_LOG"
    # setsid + nohup: the daemon must outlive this script and ignore the CI shell's hangups.
    nohup setsid dockerd "$@" >>"$DOCKERD_LOG" 2>&1 </dev/null &
    local pid=$!
    if wait_for_docker "$pid"; then
        say "dockerd is up (pid $pid)"
        return 0
    fi
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        local _
        for _ in $(seq 1 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
    fi
    say "dockerd $* did not come up; last log lines:"
    tail -n 5 "$DOCKERD_LOG" | sed 's/^/    /'
    return 1
}

ensure_dockerd() {
    if docker_up; then
        say "docker daemon already running"
        return
    fi
    # A daemon that is still starting (pid file with a live pid): wait for it rather than start a second.
    local pidfile=/var/run/docker.pid
    if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        say "dockerd (pid $(cat "$pidfile")) is starting; waiting"
        wait_for_docker "$(cat "$pidfile")" && return
        die "dockerd pid $(cat "$pidfile") runs but does not answer 'docker info' (see $DOCKERD_LOG)"
    fi
    need_root "starting dockerd"
    rm -f "$pidfile" # stale: its process is gone
    if [[ -n ${IOI_AGENT_DOCKERD_FLAGS:-} ]]; then
        # shellcheck disable=SC2086 # the flags are meant to be split
        try_dockerd $IOI_AGENT_DOCKERD_FLAGS && return
        die "dockerd $IOI_AGENT_DOCKERD_FLAGS did not start within ${DOCKER_WAIT_S}s (see $DOCKERD_LOG)"
    fi
    # overlay2 is fast but needs a kernel/filesystem that allows overlay mounts (not always true
    # inside another container); vfs always works, only slower and bigger; without iptables there is
    # no bridge network, and the image build then runs with --network host.
    try_dockerd --storage-driver=overlay2 && return
    try_dockerd --storage-driver=vfs && return
    try_dockerd --storage-driver=vfs --iptables=false --bridge=none && return
    die "dockerd did not start with overlay2, vfs or vfs without iptables (see $DOCKERD_LOG)"
}

# ---------------------------------------------------------------- 3. base image
# Debian apt entries of this machine for $SUITE*, as one-line "URI SUITE COMPONENTS..." records, from
# both the deb822 (*.sources) and the one-line (*.list) formats.
host_debian_entries() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        awk -v suite="$SUITE" '
            function flush(   i, n, s, u) {
                if (types ~ /(^| )deb( |$)/ && enabled != "no") {
                    n = split(suites, s, " ")
                    split(uris, u, " ")
                    for (i = 1; i <= n; i++)
                        if (s[i] == suite || index(s[i], suite "-") == 1) print u[1], s[i], comps
                }
                types = uris = suites = comps = enabled = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^#/ { next }
            tolower($1) == "types:" { $1 = ""; types = substr($0, 2) }
            tolower($1) == "uris:" { $1 = ""; uris = substr($0, 2) }
            tolower($1) == "suites:" { $1 = ""; suites = substr($0, 2) }
            tolower($1) == "components:" { $1 = ""; comps = substr($0, 2) }
            tolower($1) == "enabled:" { enabled = tolower($2) }
            END { flush() }
        ' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        # "deb [opts] URI SUITE COMPONENTS..."
        sed -E -n 's/^[ \t]*deb[ \t]+(\[[^]]*\][ \t]+)?//p' "$f" |
            awk -v suite="$SUITE" '$2 == suite || index($2, suite "-") == 1'
    done
}

ensure_base_image() {
    if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
        say "base image $BASE_IMAGE exists"
        return
    fi
    need_root "debootstrap"
    local entries mirror
    entries="$(host_debian_entries | awk '!seen[$1 " " $2]++')"
    mirror="${IOI_AGENT_DEBIAN_MIRROR:-$(awk -v s="$SUITE" '$2 == s { print $1; exit }' <<<"$entries")}"
    mirror="${mirror:-http://deb.debian.org/debian}"
    if [[ -z $entries || -n ${IOI_AGENT_DEBIAN_MIRROR:-} ]]; then
        entries="$mirror $SUITE main"
    fi

    local rootfs
    rootfs="$(mktemp -d /var/tmp/ioi-agent-rootfs.XXXXXX)"
    # shellcheck disable=SC2064 # expand now: the variable is local
    trap "rm -rf '$rootfs'" EXIT
    say "debootstrap --variant=minbase $SUITE from $mirror (about 30 s)"
    if ! debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >/tmp/debootstrap.log 2>&1; then
        tail -n 5 /tmp/debootstrap.log | sed 's/^/    /' >&2
        die "debootstrap $SUITE from $mirror failed (see /tmp/debootstrap.log)"
    fi
    # Same Debian entries as this machine (bookworm, -updates, -security), so apt inside the image
    # reaches what the machine reaches; downloaded .debs and lists would only bloat the image.
    awk '{ printf "deb %s", $1; for (i = 2; i <= NF; i++) printf " %s", $i; print "" }' \
        <<<"$entries" >"$rootfs/etc/apt/sources.list"
    say "image apt sources: $(paste -sd ';' "$rootfs/etc/apt/sources.list")"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    : >"$rootfs/etc/resolv.conf" # docker provides its own; don't bake in this machine's
    say "docker import -> $BASE_IMAGE"
    tar -C "$rootfs" -c . | docker import \
        -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        -c 'CMD ["bash"]' \
        -c "LABEL ioi-agent.debian-mirror=$mirror" \
        - "$BASE_IMAGE" >/dev/null || die "docker import of the debootstrapped $SUITE failed"
    rm -rf "$rootfs"
    trap - EXIT
}

# ---------------------------------------------------------------- 4. sandbox image
sandbox_sha() {
    local files=(Dockerfile.sandbox) py
    while IFS= read -r py; do files+=("$py"); done < <(
        shopt -s nullglob
        for py in sandbox/*.py; do printf '%s\n' "$py"; done | LC_ALL=C sort
    )
    cat "${files[@]}" | sha256sum | cut -d' ' -f1
}

image_label() {
    docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

build_failed() {
    tail -n 5 /tmp/docker-build.log | sed 's/^/    /' >&2
    die "docker build of $SANDBOX_IMAGE failed (see /tmp/docker-build.log)"
}

ensure_sandbox_image() {
    [[ -f Dockerfile.sandbox ]] || die "Dockerfile.sandbox not found in $(pwd)"
    [[ -d sandbox ]] || die "sandbox/ (the in-box executor) not found in $(pwd)"
    local sha base_id
    sha="$(sandbox_sha)"
    base_id="$(docker image inspect -f '{{ .Id }}' "$BASE_IMAGE")"
    if [[ "$(image_label "$SANDBOX_IMAGE" ioi-agent.dockerfile-sha)" == "$sha" &&
        "$(image_label "$SANDBOX_IMAGE" ioi-agent.base-id)" == "$base_id" ]]; then
        say "sandbox image $SANDBOX_IMAGE is up to date (${sha:0:12})"
        return
    fi
    local old_id
    old_id="$(docker image inspect -f '{{ .Id }}' "$SANDBOX_IMAGE" 2>/dev/null || true)"
    local args=(-f Dockerfile.sandbox --build-arg "BASE_IMAGE=$BASE_IMAGE"
        --build-arg "DOCKERFILE_SHA=$sha" --label "ioi-agent.base-id=$base_id" -t "$SANDBOX_IMAGE")
    # No bridge (dockerd without iptables): apt inside the build needs the host's network.
    docker network inspect bridge >/dev/null 2>&1 || args+=(--network host)
    say "docker build $SANDBOX_IMAGE (${sha:0:12}; apt-get + PCH, about 1-2 min cold)"
    if ! docker build "${args[@]}" . >/tmp/docker-build.log 2>&1; then
        if [[ " ${args[*]} " != *" --network host "* ]]; then
            say "build failed; retrying with --network host (log: /tmp/docker-build.log)"
            args+=(--network host)
            docker build "${args[@]}" . >/tmp/docker-build.log 2>&1 || build_failed
        else
            build_failed
        fi
    fi
    # The replaced image is now untagged; drop it unless a container still uses it.
    if [[ -n $old_id && "$(docker image inspect -f '{{ .Id }}' "$SANDBOX_IMAGE")" != "$old_id" ]]; then
        docker rmi "$old_id" >/dev/null 2>&1 || true
    fi
    say "built $SANDBOX_IMAGE"
}

ensure_packages
ensure_dockerd
ensure_base_image
ensure_sandbox_image
say "ready: $SANDBOX_IMAGE"
