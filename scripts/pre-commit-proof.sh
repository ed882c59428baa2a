#!/usr/bin/env bash
# Proves .pre-commit-hooks.yaml with the real pre-commit: `pre-commit try-repo` of this
# repository against a scratch git repository holding a failing manifest (a privileged
# container) and a passing one. pre-commit builds runeguard with `cargo install --path .`
# (language: rust); CARGO_TARGET_DIR is kept between runs so only the first build is slow.
#   scripts/pre-commit-proof.sh            exit 0 when both outcomes are as expected
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${RUNEGUARD_PROOF_CACHE:-$HOME/.cache/runeguard-pre-commit-proof}
mkdir -p "$cache"

if [ -x "$repo/../shared/tools/install-peers" ]; then
  "$repo/../shared/tools/install-peers" pre-commit >&2
  PRE_COMMIT=${RUNEGUARD_PEERS:-$HOME/.cache/runeguard-peers}/bin/pre-commit
else
  [ -x "$cache/venv/bin/pre-commit" ] || {
    python3 -m venv "$cache/venv"
    "$cache/venv/bin/pip" install -q --disable-pip-version-check pre-commit==4.7.0
  }
  PRE_COMMIT=$cache/venv/bin/pre-commit
fi
"$PRE_COMMIT" --version

export PRE_COMMIT_HOME=$cache/pre-commit-home
export CARGO_TARGET_DIR=$cache/target
# The proof is about the hook, not the binary's speed: Cargo.toml's release profile (fat LTO,
# one codegen unit) costs minutes of one core, so this build takes the default release
# settings unless the caller chose otherwise.
export CARGO_PROFILE_RELEASE_LTO=${CARGO_PROFILE_RELEASE_LTO:-false}
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-16}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
git init -q .
git config user.email proof@example.com
git config user.name proof
cat > bad.yaml <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: tools
spec:
  containers:
    - name: agent
      image: registry.example.com/agent:1.2.3
      securityContext:
        privileged: true
YAML
cat > good.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels:
    app.kubernetes.io/name: shop
    app.kubernetes.io/version: "1.2.3"
data:
  LOG_LEVEL: info
YAML
git add bad.yaml good.yaml

fail=0
if "$PRE_COMMIT" try-repo "$repo" runeguard --files bad.yaml >bad.out 2>&1; then
  echo "FAIL: the hook passed a privileged container" >&2; cat bad.out >&2; fail=1
elif ! grep -q "K8S-001" bad.out; then
  echo "FAIL: the hook failed on bad.yaml without reporting K8S-001" >&2; cat bad.out >&2; fail=1
else
  echo "ok: bad.yaml fails the hook with K8S-001"
fi
if "$PRE_COMMIT" try-repo "$repo" runeguard --files good.yaml >good.out 2>&1; then
  echo "ok: good.yaml passes the hook"
else
  echo "FAIL: the hook failed a clean manifest" >&2; cat good.out >&2; fail=1
fi
exit $fail
