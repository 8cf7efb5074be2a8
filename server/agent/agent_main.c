/* micetro-dhcp-agent: installs dhcpd.conf files pushed over SOAP (see
 * wsdl/agent.wsdl) and reports the failover state of the local ISC dhcpd.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * main: parses the configuration, cleans up after an earlier agent,
 * starts dhcpd on the live file when there is one, serves until
 * SIGTERM/SIGINT, then stops a supervised dhcpd.
 */
#include <stdio.h>
#include <string.h>

#include "agent_config.h"
#include "agent_httpd.h"
#include "log.h"
#include "soaphttpd.h"
#include "agent_service.h"
#include "signals.h"

static volatile sig_atomic_t stop_flag;

int main(int argc, char **argv)
{
    static struct agent_config cfg;
    struct agent_service *svc = NULL;
    struct soaphttpd *h = NULL;
    struct err e;
    int rc, status = 1;

    rc = agent_config_parse(&cfg, argc, argv);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    signals_install(&stop_flag);
    /* listen first: a second agent on the same port fails before it
     * touches dhcpd */
    h = agent_httpd_new(&cfg, NULL, &stop_flag, &e);
    if (h == NULL) {
        log_msg("%s", e.msg);
        goto out;
    }
    svc = agent_service_new(&cfg, &e);
    if (svc == NULL) {
        log_msg("%s", e.msg);
        goto out;
    }
    soaphttpd_set_user(h, svc);
    log_msg("listening on %s:%d (%s; SOAP at /agent, WSDL at /agent?wsdl); "
            "dhcpd.conf \"%s\", %s",
            cfg.listen_host, soaphttpd_port(h),
            cfg.tls_cert[0] ? "HTTPS only" : "HTTP", cfg.dhcpd_conf,
            cfg.start_cmd[0] ? "dhcpd run by --start-cmd/--stop-cmd"
                             : "dhcpd supervised as a child");
    status = soaphttpd_run(h) == 0 ? 0 : 1;
    log_msg("stopping");
out:
    soaphttpd_free(h);
    agent_service_free(svc);
    explicit_bzero(cfg.secret, sizeof(cfg.secret));
    return status;
}
