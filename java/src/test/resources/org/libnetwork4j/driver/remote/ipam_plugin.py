#!/usr/bin/env python3
"""A Docker IPAM plugin for tests, independent of libnetwork4j: standard library only.

Usage: ipam_plugin.py SOCKET STATE LOG
Hands out one pool per RequestPool: the subnet asked for, else IPAM option "pool", else
10.96.0.0/24; addresses from its lowest host address up (a gateway request too), and an
"Error" answer when none is left. State is kept in STATE (JSON), as real plugins keep theirs
across a caller's restart. Every call is appended to LOG as one JSON line.
"""
import http.server, ipaddress, json, os, socketserver, sys, threading

SOCKET, STATE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
LOCK = threading.Lock()
state = json.load(open(STATE)) if os.path.exists(STATE) else {"pools": {}, "next": 1}

def save():
    with open(STATE + ".tmp", "w") as f:
        json.dump(state, f)
    os.replace(STATE + ".tmp", STATE)

def request_pool(b):
    if b.get("V6"):
        raise RuntimeError("no IPv6 pools here")
    subnet = b.get("Pool") or (b.get("Options") or {}).get("pool") or "10.96.0.0/24"
    net = ipaddress.ip_network(subnet)
    for p in state["pools"].values():
        if ipaddress.ip_network(p["subnet"]).overlaps(net):
            raise RuntimeError("pool %s overlaps %s" % (subnet, p["subnet"]))
    pid = "pypool-%d" % state["next"]
    state["next"] += 1
    state["pools"][pid] = {"subnet": str(net), "used": [], "options": b.get("Options") or {}}
    return {"PoolID": pid, "Pool": str(net), "Data": {}}

def release_pool(b):
    state["pools"].pop(b["PoolID"], None)
    return {}

def request_address(b):
    p = state["pools"].get(b["PoolID"])
    if p is None:
        raise RuntimeError("no pool %s" % b["PoolID"])
    net = ipaddress.ip_network(p["subnet"])
    want = b.get("Address")
    if want:
        if want in p["used"]:
            raise RuntimeError("address %s in use" % want)
        got = want
    else:
        got = next((str(h) for h in net.hosts() if str(h) not in p["used"]), None)
        if got is None:
            raise RuntimeError("no address available in pool %s" % p["subnet"])
    p["used"].append(got)
    return {"Address": "%s/%d" % (got, net.prefixlen), "Data": {}}

def release_address(b):
    p = state["pools"].get(b["PoolID"])
    if p and b["Address"] in p["used"]:
        p["used"].remove(b["Address"])
    return {}

METHODS = {
    "/Plugin.Activate": lambda b: {"Implements": ["IpamDriver"]},
    "/IpamDriver.GetCapabilities": lambda b: {"RequiresMACAddress": False},
    "/IpamDriver.GetDefaultAddressSpaces": lambda b: {"LocalDefaultAddressSpace": "pylocal",
                                                      "GlobalDefaultAddressSpace": "pyglobal"},
    "/IpamDriver.RequestPool": request_pool, "/IpamDriver.ReleasePool": release_pool,
    "/IpamDriver.RequestAddress": request_address, "/IpamDriver.ReleaseAddress": release_address,
}

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null") or {}
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.path, "body": body}) + "\n")
        fn = METHODS.get(self.path)
        if fn is None:
            return self.reply(404, json.dumps({"Error": "no method " + self.path}).encode())
        try:
            with LOCK:
                out = fn(body)
                save()
        except Exception as e:
            out = {"Error": str(e)}  # IPAM's error field, answered with 200 as plugins do
        self.reply(200, json.dumps(out).encode())

    def reply(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.docker.plugins.v1+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def address_string(self):  # a unix socket's peer has no address
        return "unix"

    def log_message(self, fmt, *args):
        pass

class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

if os.path.exists(SOCKET):
    os.unlink(SOCKET)  # left by a plugin that was killed
Server(SOCKET, Handler).serve_forever()
