#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One loopback TCP connection that sends 4 MiB, for docs/attach.md's struct_ops example: it prints the
connection's congestion control (TCP_CONGESTION: the namespace's default, which the example sets to the
session's gew_test_ca) and how many bytes arrived."""
import socket
import threading

SIZE = 4 * 1024 * 1024

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
got = []


def receive():
    conn, _ = srv.accept()
    n = 0
    while True:
        b = conn.recv(65536)
        if not b:
            break
        n += len(b)
    got.append(n)
    conn.close()


t = threading.Thread(target=receive)
t.start()
c = socket.create_connection(srv.getsockname())
cc = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode()
print("congestion control:", cc)
c.sendall(b"\0" * SIZE)
c.close()
t.join()
print("received", got[0], "bytes")
