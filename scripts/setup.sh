# Shared by scripts/run, scripts/test and scripts/bench (sourced, not run):
# installs the Debian packages Spindle needs when any is missing, then
# configures a CMake preset. Idempotent and quick on a second run.

SPINDLE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPINDLE_PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-svg-dev libqcustomplot-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  xvfb xauth fonts-dejavu-core
  dpkg-dev file desktop-file-utils appstream
)
# Only scripts/fuzz needs these: clang and its libFuzzer runtime.
SPINDLE_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

spindle_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# spindle_install_packages [package...]   (default: SPINDLE_PACKAGES)
spindle_install_packages() {
  local missing=() wanted=("$@")
  [ $# -gt 0 ] || wanted=("${SPINDLE_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  spindle_log "Installing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "spindle: need root or sudo to install: ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || return 1
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

# spindle_configure PRESET [extra cmake args...]
spindle_configure() {
  local preset=$1; shift
  local dir="$SPINDLE_ROOT/build/$preset"
  if [ ! -f "$dir/build.ninja" ] || [ "$SPINDLE_ROOT/CMakePresets.json" -nt "$dir/CMakeCache.txt" ] || [ $# -gt 0 ]; then
    spindle_log "Configuring ($preset)"
    cmake --preset "$preset" -S "$SPINDLE_ROOT" "$@" >/dev/null || return 1
  fi
}

spindle_build() {
  local preset=$1; shift
  spindle_log "Building ($preset)"
  cmake --build "$SPINDLE_ROOT/build/$preset" "$@"
}

spindle_runtime_dir() {
  export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d /tmp/spindle-xdg.XXXXXX)}
  chmod 700 "$XDG_RUNTIME_DIR"
}
