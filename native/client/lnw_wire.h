/*
 * lnw_wire.h - the client's half of the `lnw daemon` protocol, shared by the thin client
 * (lnw_client.c) and the CNI plugin (lnw_cni.c). Plain C, no libnl: these programs only talk
 * to the daemon.
 *
 * Wire format (all integers big-endian u32 unless said):
 *   request:  "LNW1", netns inode, netns dev, mntns inode, mntns dev (u64 each), argc, then
 *             per argument its length and bytes;
 *   response: frames of one type byte: 'O'/'E' + length + bytes (stdout/stderr text),
 *             'X' + exit code (the last frame), or 'N' + key length + key + resolv.conf +
 *             hosts + argc + arguments: run that command inside the network namespace at key
 *             (`lnw exec`), here, with this process's stdio. The namespaces are sent because
 *             the daemon works for the namespace it was started in and refuses callers from
 *             any other.
 * The daemon's side: java/src/main/java/org/libnetwork4j/cli/DaemonCommand.java.
 */
#ifndef LNW_WIRE_H
#define LNW_WIRE_H

/*
 * Connects to the daemon at socket_path and sends the request argv[0..argc-1]. Returns the
 * connection, or -1 if no daemon took the whole request (no socket, nobody behind it, the
 * path too long): then the daemon has done nothing, and the caller may run the command
 * itself.
 */
int lnw_wire_send(const char *socket_path, int argc, char *const *argv);

/*
 * Relays the daemon's answer on fd to stdout and stderr and returns the command's exit code;
 * for `lnw exec` this process becomes the command instead (and returns only on failure).
 */
int lnw_wire_answer(int fd);

#endif
