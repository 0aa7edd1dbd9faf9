#!/usr/bin/env python3
# The memory estimate against a real run: a layered model's peak RSS stays under the estimate
# (kBytesPerDenseParameter in core/include/cgp/training/memory_estimate.hpp, plus the process's own
# few MB) and is not far below it, so the refusal neither lets a run through that cannot fit nor
# refuses one that fits. The run is f64 (the larger dtype) on a small data set (estimated apart).
# Usage: memory_bound.py CGP_RUN BYTES_PER_PARAMETER LAYER...
import resource
import subprocess
import sys

run, bytes_per_parameter, layers = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
parameters = sum((a + 1) * b for a, b in zip(layers, layers[1:]))
estimate = parameters * bytes_per_parameter
process_base = 16 << 20  # the binary, its libraries and the plugin, before the model

done = subprocess.run([run, "--optimizer", "adam.so", "--layers", *map(str, layers), "--iterations", "2",
                       "--dtype", "f64", "--dataset-size", "64", "--quiet"], capture_output=True, text=True)
if done.returncode != 0:
    sys.exit(f"cgp-run failed ({done.returncode}): {done.stderr}")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(f"{parameters} parameters: peak RSS {peak / 2**20:.1f} MiB, estimate {estimate / 2**20:.1f} MiB "
      f"({peak / parameters:.0f} bytes per parameter measured)")
if peak > estimate + process_base:
    sys.exit(f"the run's peak RSS {peak / 2**20:.1f} MiB exceeds the estimate {estimate / 2**20:.1f} MiB: "
             "raise kBytesPerDenseParameter")
if peak * 1.6 < estimate:
    sys.exit(f"the estimate {estimate / 2**20:.1f} MiB is more than 1.6x the run's peak RSS "
             f"{peak / 2**20:.1f} MiB: lower kBytesPerDenseParameter")
