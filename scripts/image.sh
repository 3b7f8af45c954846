#!/usr/bin/env bash
# scripts/image.sh: build the container image with podman (`make image`).
#
#   scripts/image.sh          build localhost/linkstream:<key> and :latest,
#                             print the name on the last line
#
# No base image is pulled. The base is a Debian root file system that
# mmdebstrap assembles from Debian's packages (glibc, libstdc++, libgcc, the
# CA bundle); the files on top are those scripts/image-stage.sh lays out from
# bin/linkstream and the `make deps` cache. Podman then builds the runtime
# stage of the repository's Dockerfile on both, so the image has the very
# layout, environment and entry point that `docker build .` gives.
#
# Cached and keyed like the rest of the native stack: the base rootfs lives
# under $LINKSTREAM_CACHE/image/base/<suite>-<key>/ (key: suite, packages,
# this script's base recipe) and is imported once as
# localhost/linkstream-base:<suite>-<rootfs sha256>;
# the image is tagged with a key over the staged files, the base and the
# Dockerfile, so a second run with nothing changed only re-hashes (seconds).
#
# Needs: podman, mmdebstrap (Debian packages: podman, mmdebstrap, runc),
# python3, sha256sum. Environment: LINKSTREAM_CACHE, CONTAINERS_CONF
# (default deploy/image/containers.conf), IMAGE_REPO (default
# localhost/linkstream), DEBIAN_SUITE (default bookworm: the glibc the
# binary is built against on the project's hosts).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LINKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linkstream}
SUITE=${DEBIAN_SUITE:-bookworm}
REPO=${IMAGE_REPO:-localhost/linkstream}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/deploy/image/containers.conf}
# What the binary and libonnxruntime link against, plus the CA bundle for
# TLS endpoints (OTLP, a registry over https).
BASE_PACKAGES=libc6,libgcc-s1,libstdc++6,ca-certificates
# Bump when the base recipe below changes: it is part of the cache key.
BASE_RECIPE=2

START=$SECONDS
say() { printf 'image: [%3ds] %s\n' $((SECONDS - START)) "$*"; }
die() {
	printf 'image: ERROR: %s\n' "$*" >&2
	exit 1
}

need() {
	command -v "$1" >/dev/null ||
		die "$1 is not installed: on Debian, apt-get update && apt-get install -y podman mmdebstrap runc"
}

base_key() { printf '%s %s %s\n' "$SUITE" "$BASE_PACKAGES" "$BASE_RECIPE" | sha256sum | cut -c1-12; }

# The base rootfs: mmdebstrap's "extract" variant unpacks the packages and
# their dependencies without running maintainer scripts, so no dpkg, shell
# or apt ends up in the image (about 13 MB). The hook does by hand the one
# thing a maintainer script would (the CA bundle), adds the nonroot user,
# and drops what a service never reads. (These are extract hooks: the
# extract variant runs no customize hooks.)
base() {
	local key dir
	key=$(base_key)
	dir=$CACHE/image/base/$SUITE-$key
	if [[ -f $dir/.stamp ]] && (cd "$dir" && sha256sum --quiet -c .stamp); then
		say "base $SUITE-$key: cached ($dir/rootfs.tar)"
	else
		need mmdebstrap
		say "base $SUITE-$key: mmdebstrap $SUITE ($BASE_PACKAGES) ..."
		rm -rf "$dir"
		mkdir -p "$dir"
		# SOURCE_DATE_EPOCH: file times and the tar are then reproducible
		# for the same package versions.
		SOURCE_DATE_EPOCH=0 nice mmdebstrap --quiet --variant=extract --include="$BASE_PACKAGES" \
			--extract-hook='cat "$1"/usr/share/ca-certificates/mozilla/*.crt > "$1"/etc/ssl/certs/ca-certificates.crt' \
			--extract-hook='printf "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n" > "$1"/etc/passwd' \
			--extract-hook='printf "root:x:0:\nnonroot:x:65532:\n" > "$1"/etc/group' \
			--extract-hook='mkdir -p "$1"/home/nonroot && chown 65532:65532 "$1"/home/nonroot && chmod 1777 "$1"/tmp' \
			--extract-hook='rm -rf "$1"/usr/bin/openssl "$1"/usr/lib/ssl/misc "$1"/usr/lib/x86_64-linux-gnu/gconv "$1"/usr/share/man "$1"/usr/share/info "$1"/usr/share/locale "$1"/usr/share/perl5 "$1"/usr/share/debconf "$1"/usr/share/gcc "$1"/var/cache/debconf' \
			--extract-hook='find "$1"/usr/share/doc -type f ! -name copyright -delete' \
			"$SUITE" "$dir/rootfs.tar" >"$dir/mmdebstrap.log" 2>&1 ||
			{
				tail -n 20 "$dir/mmdebstrap.log" >&2
				die "mmdebstrap failed (log: $dir/mmdebstrap.log)"
			}
		(cd "$dir" && sha256sum rootfs.tar >.stamp)
		say "base $SUITE-$key: built ($(du -h "$dir/rootfs.tar" | cut -f1))"
	fi
	# Tagged by the rootfs's own hash: a rebuilt rootfs (newer packages) is
	# a new base, never mistaken for the one imported before.
	BASE_IMAGE=localhost/linkstream-base:$SUITE-$(cut -c1-12 "$dir/.stamp")
	if ! podman image exists "$BASE_IMAGE"; then
		podman import --quiet "$dir/rootfs.tar" "$BASE_IMAGE" >/dev/null || die "podman import of $dir/rootfs.tar failed"
		say "base imported as $BASE_IMAGE"
	fi
}

# stage: the files of the image, then their key. Hashing ~200 MB is the
# cost of a cached run (about a second).
stage() {
	STAGE_DIR=$CACHE/image/stage
	"$ROOT/scripts/image-stage.sh" "$STAGE_DIR" | sed 's/^/image: /'
	STAGE_KEY=$(cd "$STAGE_DIR" && find . \( -type f -o -type l \) -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum | sha256sum | cut -c1-12)
}

image_key() {
	printf '%s %s %s\n' "$STAGE_KEY" "$BASE_IMAGE" "$(sha256sum "$ROOT/Dockerfile" | cut -d' ' -f1)" |
		sha256sum | cut -c1-12
}

build() {
	need podman
	base
	say "staging bin/linkstream, libonnxruntime and the default model ..."
	stage
	local key name
	key=$(image_key)
	name=$REPO:$key
	if podman image exists "$name"; then
		podman tag "$name" "$REPO:latest"
		say "image $name: cached"
	else
		local stage_image=localhost/linkstream-stage:$STAGE_KEY
		if ! podman image exists "$stage_image"; then
			say "importing the staged files as $stage_image ..."
			tar -C "$STAGE_DIR/.." -cf - stage |
				podman import --quiet - "$stage_image" >/dev/null || die "podman import of the staged files failed"
		fi
		local stage_id
		stage_id=$(podman image inspect --format '{{.Id}}' "$stage_image")
		say "podman build --target runtime (Dockerfile) ..."
		local ctx
		ctx=$(mktemp -d)
		# shellcheck disable=SC2064
		trap "rm -rf '$ctx'" EXIT
		# The runtime stage copies only from the staged image: the build
		# context can stay empty. --layers=false: no intermediate image per
		# step (the "staged" stage alone would keep another 240 MB).
		nice podman build --quiet --layers=false --target runtime \
			--build-arg RUNTIME_BASE="$BASE_IMAGE" --build-arg STAGE="$stage_image" \
			--label io.linkstream.image-key="$key" \
			-f "$ROOT/Dockerfile" -t "$name" -t "$REPO:latest" "$ctx" >/dev/null ||
			die "podman build failed"
		# The staged files now live in the image's top layer; keeping the
		# staging image too would hold every build's 240 MB twice. By id:
		# removing the name alone leaves the image behind, untagged.
		podman rmi --force "$stage_id" >/dev/null 2>&1 || true
		say "image $name: built"
		# Older builds of this script (tags of the same form) each hold
		# their own 240 MB layer: keep only the current one.
		local old
		for old in $(podman images --format '{{.Repository}}:{{.Tag}}' --filter reference="$REPO" |
			grep -E "^$REPO:[0-9a-f]{12}\$" | grep -vx "$name"); do
			podman rmi "$old" >/dev/null 2>&1 && say "removed the older build $old"
		done
	fi
	local size
	size=$(podman image inspect --format '{{.Size}}' "$name")
	say "ready: $name (also $REPO:latest), $((size / 1000000)) MB uncompressed"
	echo "$name"
}

case ${1:-build} in
build) build ;;
*)
	echo "usage: $0 [build]" >&2
	exit 2
	;;
esac
