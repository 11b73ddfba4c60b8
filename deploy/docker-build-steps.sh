#!/usr/bin/env bash
# Runs the Dockerfile's build stage outside Docker: copies exactly what its COPY lines
# copy into an empty directory, runs its RUN line there, and checks the binary starts.
# A file the build needs but the Dockerfile does not copy makes this fail.
#   deploy/docker-build-steps.sh            (CARGO_TARGET_DIR is reused when set)
set -euo pipefail
cd "$(dirname "$0")/.."
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
# Every `COPY SRC… DEST` of the build stage (not `COPY --from=…`).
awk '/^FROM .* AS runtime/{exit} /^COPY / && $2 !~ /^--from/ {print}' Dockerfile | while read -r _ rest; do
  set -- $rest
  dest="${!#}"
  for ((i = 1; i < $#; i++)); do
    src="${!i}"
    case "$dest" in
      ./) cp -R "$src" "$ctx/" ;;
      *) mkdir -p "$ctx/$(dirname "$dest")"; cp -R "$src" "$ctx/$dest" ;;
    esac
  done
done
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
(cd "$ctx" && cargo build --release --locked)
"$CARGO_TARGET_DIR/release/paydesk" --version
