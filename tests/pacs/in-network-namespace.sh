#!/bin/sh
# Runs a test (and everything it starts, such as Orthanc) inside a network namespace of its own where only loopback
# exists: Orthanc 1.10 listens on every interface and has no bind option, so it must never run in the machine's own
# namespace. As root `unshare -n`; as a user `unshare -rn` (a user namespace maps us to root inside it).
# A machine that does not permit it makes the test fail, never skip.
set -eu
if [ "$(id -u)" -eq 0 ]; then
  flags=-n
else
  flags=-rn
fi
if ! unshare $flags true 2>/dev/null; then
  echo "in-network-namespace: 'unshare $flags' is not permitted here; the PACS tests need a network namespace of" \
       "their own (Orthanc listens on every interface). Allow unprivileged user namespaces" \
       "(sysctl kernel.unprivileged_userns_clone=1) or run as root." >&2
  exit 1
fi
command -v ip >/dev/null || { echo "in-network-namespace: 'ip' (iproute2) is missing" >&2; exit 1; }
exec unshare $flags sh -c 'ip link set lo up && exec "$@"' in-network-namespace "$@"
