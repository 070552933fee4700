/*
 * The client ceiling of run-dns.sh: a UDP responder that costs almost nothing per query, so
 * that what dnsperf reaches against it is what the client (and the namespace path between
 * them) can show at all, with the same arrangement as the resolvers (a fake host, a container
 * on its bridge asking the gateway's address).
 *
 *   ceiling ADDRESS PORT ANSWER_IPV4
 *
 * One thread, one socket: up to 64 queries per recvmmsg, answered with one sendmmsg. Each
 * answer is the query turned round (QR, RA set, RCODE 0), its question kept, one A record
 * ANSWER_IPV4 added (name compressed to the question's), authority and additional sections
 * dropped (so an EDNS OPT is not echoed). It checks nothing beyond what is needed not to
 * read past the datagram: this is a calibration tool, never a resolver. Runs until killed.
 *
 * Built by harness.py with the system gcc: cc -O2 -o ceiling ceiling.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define BUF 1500
#define ANSWER_LEN 16 /* c0 0c, type, class, ttl, rdlength, 4 bytes */

/* The length of the header and the question of q (n bytes), or -1 if it does not fit. */
static int question_end(const uint8_t *q, int n)
{
    int i = 12;
    if (n < 12 || ((q[4] << 8) | q[5]) != 1)
        return -1;
    while (i < n && q[i] != 0) {
        if ((q[i] & 0xC0) != 0)
            return -1; /* a query's question is not compressed */
        i += 1 + q[i];
    }
    i += 1 + 4; /* the root label, type, class */
    return i <= n ? i : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s ADDRESS PORT ANSWER_IPV4\n", argv[0]);
        return 2;
    }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
    struct in_addr answer;
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 || inet_pton(AF_INET, argv[3], &answer) != 1) {
        fprintf(stderr, "%s: not IPv4 addresses: %s %s\n", argv[0], argv[1], argv[3]);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("socket/bind");
        return 1;
    }

    static uint8_t in[BATCH][BUF], out[BATCH][BUF + ANSWER_LEN];
    static struct sockaddr_in from[BATCH];
    static struct iovec iin[BATCH], iout[BATCH];
    static struct mmsghdr rmsg[BATCH], smsg[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iin[i] = (struct iovec){ in[i], BUF };
        rmsg[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_iov = &iin[i], .msg_iovlen = 1 };
    }
    for (;;) {
        for (int i = 0; i < BATCH; i++)
            rmsg[i].msg_hdr.msg_namelen = sizeof from[i];
        int got = recvmmsg(fd, rmsg, BATCH, MSG_WAITFORONE, NULL);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            perror("recvmmsg");
            return 1;
        }
        int k = 0;
        for (int i = 0; i < got; i++) {
            int n = (int)rmsg[i].msg_len;
            int end = question_end(in[i], n);
            if (end < 0 || (in[i][2] & 0x80))
                continue; /* not a one-question query: no answer */
            uint8_t *o = out[k];
            memcpy(o, in[i], end);
            o[2] = (o[2] & 0x01) | 0x80 | 0x04; /* QR, AA, RD as asked; opcode QUERY */
            o[3] = 0x80;                        /* RA, RCODE 0 */
            o[6] = 0, o[7] = 1;                 /* one answer */
            memset(o + 8, 0, 4);                /* no authority, no additional */
            uint8_t rr[ANSWER_LEN] = { 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0x02, 0x58, 0, 4 };
            memcpy(rr + 12, &answer, 4);
            memcpy(o + end, rr, ANSWER_LEN);
            iout[k] = (struct iovec){ o, (size_t)end + ANSWER_LEN };
            smsg[k].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_namelen = rmsg[i].msg_hdr.msg_namelen,
                                               .msg_iov = &iout[k], .msg_iovlen = 1 };
            k++;
        }
        for (int sent = 0; sent < k;) {
            int r = sendmmsg(fd, smsg + sent, (unsigned)(k - sent), 0);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                break; /* a full buffer, say: these answers are lost, as a real server's would be */
            }
            sent += r;
        }
    }
}
