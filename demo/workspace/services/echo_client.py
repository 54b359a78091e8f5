"""Calls the demo echo service every two seconds and prints its replies.

Connects a REQ to the demo REP service (tcp://127.0.0.1:5557).
Run: /usr/bin/python3 services/echo_client.py
"""
import json
import time

import zmq

ECHO_ADDRESS = "tcp://127.0.0.1:5557"
TIMEOUT_MS = 3000


def main() -> None:
    context = zmq.Context.instance()
    number = 0
    try:
        while True:
            # A fresh REQ per call: after a timeout a REQ cannot send again (lazy pirate pattern).
            echo = context.socket(zmq.REQ)
            echo.setsockopt(zmq.LINGER, 0)
            echo.connect(ECHO_ADDRESS)
            number += 1
            echo.send_multipart([b"ping", json.dumps({"n": number}).encode()])
            if echo.poll(TIMEOUT_MS):
                print(f"reply: {json.loads(echo.recv())}", flush=True)
            else:
                print(f"no reply from {ECHO_ADDRESS} within {TIMEOUT_MS} ms", flush=True)
            echo.close()
            time.sleep(2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
