/* micetro-emu: the gSOAP client calls of wsdl/agent.wsdl, compiled in a
 * translation unit of their own (agent_rpc_gen.c).
 *
 * The emulator links the serializers generated for its own API (prefix
 * mm); a second generated set in the same binary would define the same
 * global functions (soap_in_string, soap_getelement ...).  So the agent's
 * client code (prefix agc, from soapcpp2 -C -n -pagc) is included into
 * agent_rpc_gen.c with every serializer static; only the functions below
 * and the namespace table agc_namespaces are visible.  Strings handed
 * back live in the soap context's memory until soap_end().  Only
 * agent_rpc.c calls these.
 */
#ifndef MICETRO_AGENT_RPC_GEN_H
#define MICETRO_AGENT_RPC_GEN_H

struct soap;

/* Each returns gSOAP's status (SOAP_OK or an error code). */
int agent_rpc_gen_put(struct soap *soap, const char *endpoint,
                      const char *secret, const char *config,
                      const char *replaces, int validate_only,
                      const char **hash, const char **output);
int agent_rpc_gen_state(struct soap *soap, const char *endpoint,
                        const char *secret, const char *name, int *found,
                        const char **local, const char **partner);
int agent_rpc_gen_get(struct soap *soap, const char *endpoint,
                      const char *secret, const char *file, const char **config,
                      const char **hash);

/* The fault of the last call: its code ("SOAP-ENV:Client" ...) and text,
 * or NULL. */
void agent_rpc_gen_fault(struct soap *soap, const char **code,
                         const char **text);

#endif
