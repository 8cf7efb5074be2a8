/* micetro-emu: storage tests of a server's configuration (store_config.c)
 * on an embedded cluster (storage_fixture.h). */
#include <stdlib.h>
#include <string.h>

#include "store_config.h"
#include "storage_fixture.h"
#include "store_int.h"

/* The configuration of each server of storage_fixture_servers read back
 * from the tables and rendered: relationship roles and ports, scopes in
 * address order with their pools, a disabled scope, statements, and the
 * OMAPI key. */
static void test_config(struct store *st)
{
    struct store_config *cfg = NULL, *cfg2 = NULL;
    struct store_conn *c;
    char id[32], *text = NULL, *text2 = NULL;
    size_t len;
    struct err e;
    int rc;

    storage_fixture_servers(st);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;
    rc = store_query_text(c,
                          "SELECT id FROM dhcp_servers WHERE name = "
                          "'cfg1.example.'",
                          0, NULL, id, sizeof(id), &e);
    CHECK(rc == 1, "server id: %s", e.msg);
    rc = store_config_load(c, strtoll(id, NULL, 10), 7911, &cfg, &e);
    CHECK(rc == 0, "load: %s", e.msg);
    if (rc == 0) {
        CHECK(cfg->model.nrelationships == 1 &&
                  cfg->rels[0].role == RENDER_PRIMARY &&
                  cfg->rels[0].port == 647 && cfg->rels[0].peer_port == 847 &&
                  cfg->rels[0].address == 0x7f000002u &&
                  cfg->rels[0].peer_address == 0x7f000003u,
              "the primary's side of the relationship");
        CHECK(cfg->model.nscopes == 2 &&
                  cfg->scopes[0].network == 0x0a4d0000u &&
                  cfg->scopes[1].network == 0x0a4d0100u &&
                  cfg->scopes[0].npools == 1 && cfg->scopes[1].npools == 1 &&
                  cfg->scopes[0].pools[0].from == 0x0a4d0064u &&
                  cfg->scopes[0].failover == 0,
              "scopes by address with their pools");
        rc = render_config(&cfg->model, &text, &len, &e);
        CHECK(rc == 0, "render: %s", e.msg);
        CHECK(rc == 0 && strstr(text, "failover peer \"cfg-fo\" {") != NULL &&
                  strstr(text, "  primary;") != NULL &&
                  strstr(text, "default-lease-time 600;") != NULL &&
                  strstr(text, "option routers 10.77.0.1;") != NULL &&
                  strstr(text, "omapi-port 7911;") != NULL &&
                  strstr(text, "c2VjcmV0") != NULL &&
                  strstr(text, "range 10.77.1.100 10.77.1.150;") != NULL,
              "rendered primary:\n%s", text != NULL ? text : "");
    }
    rc = store_query_text(c,
                          "SELECT id FROM dhcp_servers WHERE name = "
                          "'cfg2.example.'",
                          0, NULL, id, sizeof(id), &e);
    CHECK(rc == 1, "secondary's id: %s", e.msg);
    rc = store_config_load(c, strtoll(id, NULL, 10), 7911, &cfg2, &e);
    CHECK(rc == 0, "load secondary: %s", e.msg);
    if (rc == 0) {
        CHECK(cfg2->rels[0].role == RENDER_SECONDARY &&
                  cfg2->rels[0].port == 847 && cfg2->rels[0].peer_port == 647 &&
                  cfg2->model.omapi_port == 0 && !cfg2->scopes[0].enabled,
              "the secondary's side, no OMAPI without a key, disabled scope");
        rc = render_config(&cfg2->model, &text2, &len, &e);
        CHECK(rc == 0 && strstr(text2, "  secondary;") != NULL &&
                  strstr(text2, "mclt") == NULL,
              "rendered secondary: %s\n%s", e.msg, text2 ? text2 : "");
    }
    store_config_free(cfg);
    CHECK(store_config_load(c, 999999999, 7911, &cfg, &e) == ERR_NOTFOUND &&
              cfg == NULL,
          "unknown server");
    free(text);
    free(text2);
    store_config_free(cfg2);
    store_release(st, c);
}

int main(void)
{
    return storage_fixture_run("test_store_config", test_config);
}
