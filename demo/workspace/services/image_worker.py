"""A pipeline worker: pulls work items from the demo dispatcher and "processes" them.

Connects a PULL to the demo PUSH (tcp://127.0.0.1:5558). Start two of them to see PUSH
share the work between its peers (and why an inspector PULL on this PUSH would steal work).
Run: /usr/bin/python3 services/image_worker.py
"""
import json
import os
import time

import zmq

WORK_ADDRESS = "tcp://127.0.0.1:5558"


def main() -> None:
    context = zmq.Context.instance()
    work = context.socket(zmq.PULL)
    work.connect(WORK_ADDRESS)
    print(f"image_worker {os.getpid()}: pulling from {WORK_ADDRESS}", flush=True)
    try:
        while True:
            item = json.loads(work.recv())
            time.sleep(0.05)
            print(f"job {item['job']}: {item['task']} {item['file']} done", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        work.close(linger=0)


if __name__ == "__main__":
    main()
