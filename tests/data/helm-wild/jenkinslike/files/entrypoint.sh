#!/bin/bash
set -e
cp /configmaps/config.toml /home/gitlab-runner/.gitlab-runner/
exec /entrypoint run --user=gitlab-runner
