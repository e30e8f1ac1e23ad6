#!/usr/bin/python3
"""A carbon plaintext listener on 127.0.0.1 that misbehaves the way an overloaded or broken carbon does.

Python, not Node: Node cannot set SO_RCVBUF on a TCP socket, and a listener that never reads needs a small
receive buffer, or Linux keeps taking data into an autotuned buffer of many megabytes.

Modes:
  never-read         accept and hold each connection open without reading a byte
  reset-before-read  wait until data arrives, then reset the connection (SO_LINGER 0) without reading
  close-mid-send     read --read-bytes bytes, then close with the rest unread (the kernel answers with a reset)
  slow-read          read --chunk bytes every --every-ms until end of stream, then close (as carbon does)

Every event is one JSON line on stdout: listening (with the port), accepted, reset, closed (bytes read and
their sha256). Runs until SIGTERM, or until its stdin closes: a test runner that dies leaves no listener behind.
"""
import argparse
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time

lock = threading.Lock()


def emit(**event):
    with lock:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()


def handle(conn, index, args):
    digest = hashlib.sha256()
    total = 0
    try:
        if args.mode == "never-read":
            threading.Event().wait()
        elif args.mode == "reset-before-read":
            conn.recv(1, socket.MSG_PEEK)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            emit(event="reset", connection=index)
            conn.close()
            return
        elif args.mode == "close-mid-send":
            while total < args.read_bytes:
                data = conn.recv(min(65536, args.read_bytes - total))
                if not data:
                    break
                total += len(data)
                digest.update(data)
            emit(event="closing", connection=index, bytes=total)
            conn.close()
            return
        elif args.mode == "slow-read":
            while True:
                data = conn.recv(args.chunk)
                if not data:
                    break
                total += len(data)
                digest.update(data)
                time.sleep(args.every_ms / 1000)
        emit(event="closed", connection=index, bytes=total, sha256=digest.hexdigest())
        conn.close()
    except OSError as err:
        emit(event="error", connection=index, error=str(err), bytes=total)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["never-read", "reset-before-read", "close-mid-send", "slow-read"])
    parser.add_argument("--rcvbuf", type=int, default=0, help="SO_RCVBUF of the listening socket")
    parser.add_argument("--read-bytes", type=int, default=65536)
    parser.add_argument("--chunk", type=int, default=16384)
    parser.add_argument("--every-ms", type=float, default=10)
    args = parser.parse_args()
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.rcvbuf:
        # Set before listen(), so every accepted connection inherits it (and its window is small from the start).
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    emit(event="listening", port=server.getsockname()[1])
    index = 0
    while True:
        conn, _ = server.accept()
        emit(event="accepted", connection=index)
        threading.Thread(target=handle, args=(conn, index, args), daemon=True).start()
        index += 1


if __name__ == "__main__":
    main()
