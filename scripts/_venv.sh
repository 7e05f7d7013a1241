# Sourced by the scripts: makes .venv and installs the package with its dev extras when pyproject.toml changed.
ensure_venv() {
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "创建虚拟环境 .venv …" >&2
    if ! "$python" -m venv .venv; then
      # Debian's own python3 leaves venv (ensurepip) to a separate package
      rm -rf .venv
      command -v apt-get >/dev/null 2>&1 || { echo "无法创建虚拟环境：请先安装 python3-venv" >&2; return 1; }
      local sudo=""
      [ "$(id -u)" -eq 0 ] || sudo="sudo"
      echo "安装 python3-venv …" >&2
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      "$python" -m venv .venv
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
