"""A Python twin of the demo publisher: JSON ticks on ticks.AAPL and ticks.MSFT, ~10 per second.

Binds a PUB on tcp://127.0.0.1:5556. Run it instead of the demo traffic generator
(npm start with DEMO_TRAFFIC=0), not beside it: both bind the same port.
Run: /usr/bin/python3 services/tick_publisher.py
"""
import json
import random
import time

import zmq

TICKS_ADDRESS = "tcp://127.0.0.1:5556"


def main() -> None:
    context = zmq.Context.instance()
    ticks = context.socket(zmq.PUB)
    ticks.bind(TICKS_ADDRESS)
    prices = {"AAPL": 190.0, "MSFT": 420.0}
    seq = 0
    print(f"tick_publisher: publishing on {TICKS_ADDRESS}", flush=True)
    try:
        while True:
            for sym in prices:
                seq += 1
                prices[sym] = round(prices[sym] * (1 + random.uniform(-0.001, 0.001)), 2)
                tick = {"sym": sym, "price": prices[sym], "seq": seq, "ts": int(time.time() * 1000)}
                ticks.send_multipart([f"ticks.{sym}".encode(), json.dumps(tick).encode()])
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        ticks.close(linger=0)


if __name__ == "__main__":
    main()
