"""Watches the JSON price ticks and prints a moving average per symbol.

Connects a SUB to the demo publisher (tcp://127.0.0.1:5556, topics ticks.*).
Run: /usr/bin/python3 services/price_watcher.py
"""
import json
from collections import defaultdict, deque

import zmq

TICKS_ADDRESS = "tcp://127.0.0.1:5556"


def main() -> None:
    context = zmq.Context.instance()
    ticks = context.socket(zmq.SUB)
    ticks.connect(TICKS_ADDRESS)
    ticks.setsockopt(zmq.SUBSCRIBE, b"ticks.")
    window = defaultdict(lambda: deque(maxlen=20))
    print(f"price_watcher: listening on {TICKS_ADDRESS}", flush=True)
    try:
        while True:
            topic, payload = ticks.recv_multipart()
            tick = json.loads(payload)
            prices = window[tick["sym"]]
            prices.append(tick["price"])
            average = sum(prices) / len(prices)
            print(f"{topic.decode()}: {tick['price']:.2f} (avg {average:.2f}, seq {tick['seq']})", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        ticks.close(linger=0)


if __name__ == "__main__":
    main()
