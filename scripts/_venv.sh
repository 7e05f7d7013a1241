# Sourced by the scripts: apt_install for Debian packages, and ensure_venv, which makes .venv and installs the
# package with its dev extras when pyproject.toml changed.

# apt_install PKG...: install Debian packages as root or through sudo, without questions; apt-get update runs
# once per script. `env` carries DEBIAN_FRONTEND through sudo, whose env_reset would drop a plain assignment.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || { echo "需要安装 $*，但这台电脑没有 apt-get：请手动安装" >&2; return 1; }
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "需要安装 $*，但当前不是 root 且没有 sudo" >&2; return 1; }
    sudo="sudo"
  fi
  echo "安装 $* …" >&2
  if [ -z "${APT_UPDATED:-}" ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    APT_UPDATED=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_venv() {
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "创建虚拟环境 .venv …" >&2
    if ! "$python" -m venv .venv; then
      # Debian's own python3 leaves venv (ensurepip) to a separate package
      rm -rf .venv
      apt_install python3-venv || { echo "无法创建虚拟环境：请先安装 python3-venv" >&2; return 1; }
      "$python" -m venv .venv || return 1
    fi
  fi
  local stamp=.venv/.perfeval-installed
  local want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "安装 perfeval-xl 及开发依赖 …" >&2
    .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" >&2 || true
    .venv/bin/python -m pip install -q -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" >&2 || true
    .venv/bin/python -c "import perfeval_xl, pytest, hypothesis, pytest_benchmark" || {
      echo "安装失败：见上面 pip 的输出" >&2; return 1; }
    echo "$want" > "$stamp"
  fi
}
