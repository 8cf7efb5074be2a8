#!/bin/sh
# ISC host image: micetro-dhcp-agent supervising dhcpd, which runs once the
# worker has installed a dhcpd.conf (/etc/dhcp/dhcpd.conf) and is stopped
# with the agent.  The lease file is /var/lib/dhcp/dhcpd.leases (a volume).
#
#   MICETRO_AGENT_SECRET_FILE  the agent's secret (required; a compose secret)
#   MICETRO_AGENT_PORT         the agent's port (default 8647)
#   MICETRO_ISC_ADDRESS        an address with its prefix (10.89.250.11/24)
#                              added to the interface: the fixed address
#                              the DHCP server is known by (needs NET_ADMIN)
#   MICETRO_ISC_INTERFACE      dhcpd's interface (default eth0)
#
# dhcpd needs NET_RAW (raw sockets) and NET_BIND_SERVICE (ports 67 and
# 647); Docker grants both by default, podman only the second.
# Arguments are passed on to the agent.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
iface=${MICETRO_ISC_INTERFACE:-eth0}
if [ -z "${MICETRO_AGENT_SECRET_FILE:-}" ] || [ ! -r "$MICETRO_AGENT_SECRET_FILE" ]; then
    echo "isc-entrypoint: MICETRO_AGENT_SECRET_FILE must name a readable file" >&2
    exit 2
fi
if [ -n "${MICETRO_ISC_ADDRESS:-}" ]; then
    case "$(ip -o -4 addr show dev "$iface")" in
    *" inet ${MICETRO_ISC_ADDRESS} "*) ;;
    *) ip addr add "$MICETRO_ISC_ADDRESS" dev "$iface" ;;
    esac
fi
exec /usr/local/bin/micetro-dhcp-agent \
    --listen "0.0.0.0:${MICETRO_AGENT_PORT:-8647}" \
    --dhcpd-conf /etc/dhcp/dhcpd.conf \
    --lease-file /var/lib/dhcp/dhcpd.leases --pid-file /run/dhcpd.pid \
    --interface "$iface" --secret-file "$MICETRO_AGENT_SECRET_FILE" "$@"
