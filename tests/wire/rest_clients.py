# SPDX-License-Identifier: GPL-2.0-or-later
"""The REST requests Micetro's REST clients really send, byte for byte
where it matters, and how each reads the answer.  test_rest.py replays
them.  Placeholders in braces are filled by the test ({scope} a ref the
server answered, {name} ...).

- Ansible collection (menandmice.ansible_micetro, module_utils/micetro.py
  doapi): urllib open_url, force_basic_auth, "Content-Type:
  application/json", and the body json.dumps(databody) on every method,
  so GET and DELETE carry "{}".  The path is "%s/mmws/api/%s" % (url,
  relative), the relative part unescaped as the module built it: a ref
  taken from an answer ("DHCPScopes/12"), filters with "=", "%20AND%20",
  and sometimes "?&filter=".  200 answers are json.loads(body)
  ["result"]; 201 may carry {"result":{"ref"}}; 204 none; an error is
  read as body["error"]["message"] and body["error"]["code"].
- Terraform provider (terraform-provider-menandmice, client.go): go-resty
  with SetBasicAuth, "Content-Type: application/json", host URL
  "<endpoint>/mmws/api", a probe GET "" of that URL at start, query
  parameters encoded by resty (filter values joined by "&" in older
  versions, by " " in newer ones), the ref an answer gave used as the id
  after the collection ("Ranges/" + "Ranges/12"), DELETE with
  {"saveComment","forceRemoval","objType"}, PUT with {"ref","objType",
  "saveComment","deleteUnspecified","properties": {...}}; errors read as
  {"error":{"code","message"}}, 16544 meaning "gone".
  The provider's UpdateRange PUTs to "DNSZones/" + ref, a slip of its
  own; range_update below is the request it means.  A range here is a
  subnet ("subnet": true), as the emulator serves only subnets.
- micetro-exporter (Prometheus): go-resty, Basic auth, GET
  <api>/DHCPScopes, /DHCPServers, /Ranges without a body; reads
  result.dhcpScopes[] (ref, name, rangeRef, dhcpServerRef, available,
  enabled), result.dhcpServers[] (ref, name, address, type, state,
  enabled), result.ranges[] (ref, name, from, to, dhcpScopes).
"""

JSON = {"Content-Type": "application/json"}
GO_UA = {"User-Agent": "go-resty/2.7.0 (https://github.com/go-resty/resty)"}
PY_UA = {"User-Agent": "Python-urllib/3.11"}

# (method, path, headers, body): body a str as sent, or None for none
ANSIBLE = {
    "scope_lookup": ("GET",
                     "/mmws/api/DHCPScopes?filter=name={name}%20AND%20rangeRef={range}"
                     "%20AND%20dhcpServerRef={server}", dict(JSON, **PY_UA), "{}"),
    "scope_lookup_amp": ("GET", "/mmws/api/DHCPScopes?&filter=name={name}",
                         dict(JSON, **PY_UA), "{}"),
    "scope_lookup_quoted": ("GET", "/mmws/api/DHCPScopes?filter=name%3D%22{name}%22",
                            dict(JSON, **PY_UA), "{}"),
    "scope_create": ("POST", "/mmws/api/DHCPScopes", dict(JSON, **PY_UA),
                     '{{"dhcpScope": {{"name": "{name}", "rangeRef": "{range}", '
                     '"dhcpServerRef": "{server}", "description": "Managed via Ansible", '
                     '"enabled": true}}, "saveComment": "Ansible API"}}'),
    "get_one": ("GET", "/mmws/api/{ref}", dict(JSON, **PY_UA), "{}"),
    "getrefs": ("GET", "/mmws/api/{objtype}", dict(JSON, **PY_UA), "{}"),
    "ranges_by_address": ("GET", "/mmws/api/Ranges?filter={address}",
                          dict(JSON, **PY_UA), "{}"),
    "props_object": ("PUT", "/mmws/api/{ref}", dict(JSON, **PY_UA),
                     '{{"ref": "{ref}", "saveComment": "Ansible API", '
                     '"deleteUnspecified": false, "properties": {{"description": "{value}"}}}}'),
    "props_list": ("PUT", "/mmws/api/{ref}", dict(JSON, **PY_UA),
                   '{{"ref": "{ref}", "saveComment": "Ansible API", '
                   '"properties": [{{"name": "superscope", "value": "{value}"}}]}}'),
    "delete": ("DELETE", "/mmws/api/{ref}", dict(JSON, **PY_UA), "{}"),
}

TERRAFORM = {
    "probe": ("GET", "/mmws/api", dict(JSON, **GO_UA), None),
    "range_create": ("POST", "/mmws/api/Ranges", dict(JSON, **GO_UA),
                     '{{"range":{{"name":"{cidr}","childRanges":null,"dhcpScopes":null,'
                     '"subnet":true,"hasSchedule":false,"hasMonitor":false,'
                     '"isContainer":false,"inheritAccess":false,"locked":false,'
                     '"autoAssign":false}},"saveComment":"created by terraform",'
                     '"discovery":{{"enabled":false}}}}'),
    "range_read": ("GET", "/mmws/api/Ranges/{ref}", dict(JSON, **GO_UA), None),
    "range_update": ("PUT", "/mmws/api/Ranges/{ref}", dict(JSON, **GO_UA),
                     '{{"ref":"{ref}","objType":"Range","saveComment":"updated by terraform",'
                     '"deleteUnspecified":true,"properties":{{"locked":true,"autoAssign":false}}}}'),
    "range_delete": ("DELETE", "/mmws/api/Ranges/{ref}", dict(JSON, **GO_UA),
                     '{{"saveComment":"deleted by terraform","forceRemoval":true,'
                     '"objType":"Range"}}'),
    # FindDHCPScope: "DHCPScopes/" and the filter map joined by "&"
    # (older) or " " (newer), encoded by resty
    "scope_find_amp": ("GET", "/mmws/api/DHCPScopes/?filter=name%3D{name}%26rangeRef%3D{range}",
                       dict(JSON, **GO_UA), None),
    "scope_find_space": ("GET", "/mmws/api/DHCPScopes/?filter=name%3D{name}+rangeRef%3D{range}",
                         dict(JSON, **GO_UA), None),
}

EXPORTER = {
    "scopes": ("GET", "/mmws/api/DHCPScopes", GO_UA, None),
    "servers": ("GET", "/mmws/api/DHCPServers", GO_UA, None),
    "ranges": ("GET", "/mmws/api/Ranges", GO_UA, None),
}

# the members each client reads from the list answers
EXPORTER_SCOPE = ("ref", "name", "rangeRef", "dhcpServerRef", "enabled")
EXPORTER_SERVER = ("ref", "name", "address", "type", "state", "enabled")
EXPORTER_RANGE = ("ref", "name", "from", "to")
