#!/usr/bin/env python3
"""A Docker network plugin for tests, independent of libnetwork4j: standard library only.

Usage: veth_plugin.py SOCKET STATE LOG [FAULT:METHOD]
A network is a bridge (its gateway address on it); a join a veth pair whose host end goes on
the bridge and whose other end (SrcName) the caller moves into the sandbox. State is kept in
STATE (JSON), so that a restarted plugin knows its networks, as real plugins do. Every call is
appended to LOG as one JSON line. FAULT (die, hang, garbage) is done on receiving METHOD.
"""
import http.server, json, os, signal, socketserver, subprocess, sys, threading, time

SOCKET, STATE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
FAULT, FAULT_METHOD = (sys.argv[4].split(":", 1) if len(sys.argv) > 4 else (None, None))
LOCK = threading.Lock()
state = json.load(open(STATE)) if os.path.exists(STATE) else {"networks": {}, "endpoints": {}}

def ip(*args, check=True):
    r = subprocess.run(["ip"] + list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("ip %s: %s" % (" ".join(args), r.stderr.strip()))

def save():
    with open(STATE + ".tmp", "w") as f:
        json.dump(state, f)
    os.replace(STATE + ".tmp", STATE)

def create_network(b):
    nid = b["NetworkID"]
    if nid in state["networks"]:
        raise RuntimeError("network %s exists" % nid)
    br, gw = "pb" + nid[:10], b["IPv4Data"][0]["Gateway"]
    ip("link", "add", br, "type", "bridge")
    ip("addr", "add", gw, "dev", br)
    ip("link", "set", br, "up")
    state["networks"][nid] = {"bridge": br, "gateway": gw.split("/")[0]}
    return {}

def delete_network(b):
    n = state["networks"].pop(b["NetworkID"], None)
    if n:
        ip("link", "del", n["bridge"], check=False)
    return {}

def create_endpoint(b):
    if b["NetworkID"] not in state["networks"]:
        raise RuntimeError("no network %s" % b["NetworkID"])
    mac = b["Interface"].get("MacAddress") or "02:aa:" + ":".join(b["EndpointID"][i:i + 2] for i in range(0, 8, 2))
    state["endpoints"][b["EndpointID"]] = {"mac": mac}
    return {"Interface": {} if b["Interface"].get("MacAddress") else {"MacAddress": mac}}

def join(b):
    n, ep = state["networks"][b["NetworkID"]], b["EndpointID"]
    host, peer = "pv" + ep[:10], "pc" + ep[:10]
    ip("link", "add", host, "type", "veth", "peer", "name", peer)
    ip("link", "set", peer, "address", state["endpoints"][ep]["mac"])
    ip("link", "set", host, "master", n["bridge"], "up")
    return {"InterfaceName": {"SrcName": peer, "DstPrefix": "eth"}, "Gateway": n["gateway"], "StaticRoutes": []}

def leave(b):
    ip("link", "del", "pv" + b["EndpointID"][:10], check=False)  # takes its peer along, wherever it is
    return {}

def delete_endpoint(b):
    state["endpoints"].pop(b["EndpointID"], None)
    return {}

METHODS = {
    "/Plugin.Activate": lambda b: {"Implements": ["NetworkDriver"]},
    "/NetworkDriver.GetCapabilities": lambda b: {"Scope": "local", "ConnectivityScope": "local"},
    "/NetworkDriver.CreateNetwork": create_network, "/NetworkDriver.DeleteNetwork": delete_network,
    "/NetworkDriver.CreateEndpoint": create_endpoint, "/NetworkDriver.DeleteEndpoint": delete_endpoint,
    "/NetworkDriver.Join": join, "/NetworkDriver.Leave": leave,
    "/NetworkDriver.EndpointOperInfo": lambda b: {"Value": {}},
    "/NetworkDriver.ProgramExternalConnectivity": lambda b: {},
    "/NetworkDriver.RevokeExternalConnectivity": lambda b: {},
}

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null") or {}
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.path, "body": body}) + "\n")
        if self.path[1:] == FAULT_METHOD:
            if FAULT == "die":
                os.kill(os.getpid(), signal.SIGKILL)
            if FAULT == "hang":
                time.sleep(3600)
            if FAULT == "garbage":
                return self.reply(200, b"<html>this is no JSON</html>")
        fn = METHODS.get(self.path)
        if fn is None:
            return self.reply(404, json.dumps({"Err": "no method " + self.path}).encode())
        try:
            with LOCK:
                out = fn(body)
                save()
        except Exception as e:
            out = {"Err": str(e)}
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
    daemon_threads = True  # a hung call must not keep the rollback's calls waiting

if os.path.exists(SOCKET):
    os.unlink(SOCKET)  # left by a plugin that was killed
Server(SOCKET, Handler).serve_forever()
