#!/bin/sh
# The image's entry point: one image for the controller and the command line.
#   docker run IMAGE                      the controller (`schema-operator run`)
#   docker run IMAGE --leader-elect ...   the controller with these flags (what a Deployment passes)
#   docker run IMAGE plan -f - ...        any command: plan, apply, version, help, completion, run
#   docker run IMAGE --help | --version   the program's own help and version
# A first argument that is not a flag names the command, so a Deployment's args stay flags only.
# exec: the program is PID 1 and gets SIGTERM itself (it finishes the DDL step in flight).
set -eu
program="$(dirname "$0")/schema-operator"
case "${1:-}" in
  -h|--help|--version) exec "$program" "$@" ;;
  ""|-*) exec "$program" run "$@" ;;
  *) exec "$program" "$@" ;;
esac
