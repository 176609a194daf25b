# CPython 3.11 ground truth for the spinner with a napping thread: a
# threading spinner at 10 frames/s beside is_prime that calls time.sleep(0)
# every 100,000 iterations (Fluent Python 19, "power napping"), and the
# longest gap between frames. Compare with
#   spindle run spinner --models threads --param slow=nap --report r.json
# (runs[0].spinner.max_gap_ms). Usage: python3 napthread.py nap|cpu [N]
import threading, time, math, sys
def is_prime(n):
    if n < 2: return False
    if n == 2: return True
    if n % 2 == 0: return False
    root = math.isqrt(n)
    for i in range(3, root + 1, 2):
        if n % i == 0: return False
        if NAP and i % 100_000 == 1: time.sleep(0)
    return True
NAP = sys.argv[1] == 'nap'
frames = []
done = threading.Event()
def spin():
    while not done.is_set():
        frames.append(time.monotonic())
        time.sleep(0.1)
t = threading.Thread(target=spin); t.start()
t0 = time.monotonic()
is_prime(5_000_111_000_222_021 if len(sys.argv) < 3 else int(sys.argv[2]))
el = time.monotonic() - t0
done.set(); t.join()
gaps = [b - a for a, b in zip(frames, frames[1:])]
print(f"{sys.argv[1]}: slow {el:.2f}s frames {len(frames)} maxgap {max(gaps)*1000:.0f} ms")
