#!/usr/bin/env bash
# make notebooks: execute the TypeScript (tslab) notebooks in notebooks/ headless and export each to HTML.
#
#   bash scripts/notebooks.sh [NOTEBOOK.ipynb ...]     (default: every notebooks/[0-9]*.ipynb)
#
# Steps:
#   1. installs the Debian Jupyter packages when one is missing (apt-get update, then apt-get install
#      --no-install-recommends; needs root or sudo);
#   2. registers the tslab kernel inside the project: kernelspec in .cache/jupyter/share/jupyter/kernels/tslab,
#      found through JUPYTER_PATH; Jupyter's config and runtime files stay in .cache/jupyter too;
#   3. builds the default dataset (data/datasets/phase1) when CARTSTREAM_DATASET is unset and it is missing;
#   4. runs `jupyter nbconvert --to html --execute` on each notebook; any failing cell fails the notebook, and
#      any failed notebook makes this script exit 1 (after running the others).
#
# Environment:
#   CARTSTREAM_DATASET  dataset folder the notebooks read (default data/datasets/phase1; relative paths are
#                       taken from the current directory)
#   NOTEBOOKS_OUT       where the HTML exports go (default data/reports)
#   NOTEBOOKS_JOBS      notebooks executed at once (default 2; each runs its own kernel)
#   NOTEBOOKS_TIMEOUT   seconds one cell may run (default 600)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CALLER_PWD="$PWD"
cd "$REPO"

log() { printf '[notebooks] %s\n' "$*"; }
die() { printf '[notebooks] error: %s\n' "$*" >&2; exit 2; }
abs() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$CALLER_PWD" "$1" ;; esac; }

OUT="$(abs "${NOTEBOOKS_OUT:-$REPO/data/reports}")"
JOBS="${NOTEBOOKS_JOBS:-2}"
TIMEOUT="${NOTEBOOKS_TIMEOUT:-600}"
JUPYTER_HOME="$REPO/.cache/jupyter"
TSLAB="$REPO/node_modules/.bin/tslab"
PYTHON=/usr/bin/python3
JUPYTER=/usr/bin/jupyter
START=$SECONDS

# 1. Debian packages. Debian's Jupyter lives in /usr/bin/python3's dist-packages, which is why the kernel is
#    registered with --python=/usr/bin/python3 (a python3 earlier on PATH, e.g. pyenv's, does not see it).
PACKAGES=(jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-core)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing Debian packages ${missing[*]}; install them as root: apt-get install ${missing[*]}"
    SUDO=sudo
  fi
  log "installing Debian packages ${missing[*]} (apt-get update, then apt-get install --no-install-recommends)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian Jupyter packages present (${PACKAGES[*]})"
fi
[[ -x $JUPYTER ]] || die "$JUPYTER not found after installing ${PACKAGES[*]}"
[[ -x $TSLAB ]] || die "$TSLAB not found: install the npm dependencies first (make install, or npm ci)"

# 2. The kernel, registered inside the project only.
export JUPYTER_PATH="$JUPYTER_HOME/share/jupyter"
export JUPYTER_DATA_DIR="$JUPYTER_HOME/share/jupyter"
export JUPYTER_CONFIG_DIR="$JUPYTER_HOME/config"
export JUPYTER_RUNTIME_DIR="$JUPYTER_HOME/runtime"
export PYDEVD_DISABLE_FILE_VALIDATION=1 # silences debugpy's "frozen modules" warning on every jupyter command
KERNEL_JSON="$JUPYTER_PATH/kernels/tslab/kernel.json"
mkdir -p "$JUPYTER_CONFIG_DIR" "$JUPYTER_RUNTIME_DIR" "$OUT"
if [[ -f $KERNEL_JSON ]] && grep -qF "\"$TSLAB\"" "$KERNEL_JSON"; then
  log "tslab kernel registered: $KERNEL_JSON"
else
  log "registering the tslab kernel in $JUPYTER_HOME (tslab install --prefix)"
  "$TSLAB" install --python="$PYTHON" --binary="$TSLAB" --prefix="$JUPYTER_HOME" >/dev/null
  [[ -f $KERNEL_JSON ]] || die "tslab install did not write $KERNEL_JSON"
fi

# nbclient hook: tslab reports a failing cell as status "error" with no traceback (the message is on the
# cell's stderr), so nbconvert alone would only say which cell failed, not why.
NBCONVERT_CONFIG="$JUPYTER_HOME/nbconvert_notebooks.py"
cat >"$NBCONVERT_CONFIG" <<'PY'
import sys


def _print_failed_cell(cell, cell_index, execute_reply, **_):
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    print(f"[notebooks] cell {cell_index} failed; its output:\n{text}", file=sys.stderr, flush=True)


c.ExecutePreprocessor.on_cell_error = _print_failed_cell  # noqa: F821 (c is traitlets' config object)
PY

# 3. The dataset.
if [[ -n ${CARTSTREAM_DATASET:-} ]]; then
  CARTSTREAM_DATASET="$(abs "$CARTSTREAM_DATASET")"
  [[ -f $CARTSTREAM_DATASET/manifest.json ]] ||
    die "CARTSTREAM_DATASET=$CARTSTREAM_DATASET holds no manifest.json; build it with node bin/cartstream.js dataset --name NAME"
else
  CARTSTREAM_DATASET="$REPO/data/datasets/phase1"
  if [[ ! -f $CARTSTREAM_DATASET/manifest.json ]]; then
    log "building the default dataset (node bin/cartstream.js dataset --name phase1)"
    # Exit 1 means "built, validation passed with warnings": the dataset is there, go on.
    rc=0
    node bin/cartstream.js dataset --name phase1 || rc=$?
    ((rc <= 1)) || die "cartstream dataset failed (exit $rc)"
  fi
fi
export CARTSTREAM_DATASET
log "dataset: $CARTSTREAM_DATASET"

# 4. Execute and export.
if (($#)); then
  NOTEBOOKS=()
  for nb in "$@"; do
    NOTEBOOKS+=("$(abs "$nb")")
  done
else
  NOTEBOOKS=("$REPO"/notebooks/[0-9]*.ipynb)
fi
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

run_one() {
  local nb="$1" name t0=$SECONDS rc=0
  name="$(basename "$nb" .ipynb)"
  # The kernel starts in the notebook's folder, so the notebooks' relative paths resolve from there.
  "$JUPYTER" nbconvert --config "$NBCONVERT_CONFIG" --to html --execute \
    --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout="$TIMEOUT" \
    --output-dir "$OUT" "$nb" >"$LOGS/$name.log" 2>&1 || rc=$?
  echo "$rc $((SECONDS - t0))" >"$LOGS/$name.status"
}

log "executing ${#NOTEBOOKS[@]} notebook(s), $JOBS at a time, into $OUT"
running=0
for nb in "${NOTEBOOKS[@]}"; do
  [[ -f $nb ]] || die "no such notebook: $nb"
  run_one "$nb" &
  running=$((running + 1))
  if ((running >= JOBS)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
for nb in "${NOTEBOOKS[@]}"; do
  name="$(basename "$nb" .ipynb)"
  read -r rc secs <"$LOGS/$name.status"
  if ((rc == 0)); then
    log "ok     $name (${secs} s) -> $OUT/$name.html"
  else
    failed=$((failed + 1))
    log "FAILED $name (${secs} s, nbconvert exit $rc); its log, without nbconvert's Python stack:"
    # Keep the failing cell's output (printed by the hook above) and nbclient's closing message.
    awk '/^Traceback \(most recent call last\):/ { skip = 1 } /^nbclient\.exceptions\./ { skip = 0 } !skip' \
      "$LOGS/$name.log" | sed 's/^/    /'
  fi
done
log "done in $((SECONDS - START)) s: $((${#NOTEBOOKS[@]} - failed)) passed, $failed failed"
((failed == 0)) || exit 1
