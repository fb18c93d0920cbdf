#!/usr/bin/env python3
"""Whole-process benchmark of the model commands (issue 14): what a user waits for when they start `lrclr`, against
a plain PyTorch peer (Debian's python3-torch) doing the same job with the same weights, in the same run.

lrclr uses one thread per core (`encode` has no thread option); set --threads to the core count. Rows (each side run alternately, `--runs` times; the median wall time and the largest peak resident memory count):
  load alone         `lrclr encode --model DIR --text a`      vs  `torch.load(weights)` in a fresh python3
  encode 16 images   `lrclr encode --model DIR --tensor x.npy` vs  torch.load + OpenAI's CLIP + encode_image(16)

The model is a random ViT-B/32 in CheXzero's layout (605 MB fp32, both towers), made by scripts/model_benchmark.py's
vit_b32() (OpenAI's architecture) and imported with `lrclr import-clip`. Usage:

    scripts/whole-process-benchmark.py --lrclr build/release/app/lrclr --merges ../shared/reference/clip/bpe_simple_vocab_16e6.txt.gz

Goals printed beside the ratios are issue 14's.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

PEER_ENCODE = r"""
import sys, torch
sys.path.insert(0, sys.argv[1])
import model_benchmark as mb
import numpy as np
torch.set_num_threads(int(sys.argv[4]))
state = torch.load(sys.argv[2])
model = mb.vit_b32()
model.load_state_dict(state)
with torch.inference_mode():
    images = torch.from_numpy(np.load(sys.argv[3]))
    embeddings = torch.cat([model.encode_image(images[i:i + 8]) for i in range(0, images.shape[0], 8)])
print(embeddings.shape[0], float(embeddings.norm()))
"""


def run(command, env):
    """Wall seconds and peak resident KiB of one process (its own rusage, from wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    errors = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: " + " ".join(command) + "\n" + errors)
    return seconds, usage.ru_maxrss


def compare(name, ours, peer, runs, env, goal, weights_mib):
    our_times, peer_times, our_memory, peer_memory = [], [], 0, 0
    for _ in range(runs):
        seconds, memory = run(ours, env)
        our_times.append(seconds)
        our_memory = max(our_memory, memory)
        seconds, memory = run(peer, env)
        peer_times.append(seconds)
        peer_memory = max(peer_memory, memory)
    ours_s, peer_s = statistics.median(our_times), statistics.median(peer_times)
    print(f"{name:<20}{peer_s:>10.2f}{ours_s:>10.2f}{ours_s / peer_s:>9.2f}x  {goal:<9}"
          f"{peer_memory / 1024:>10.0f}{our_memory / 1024:>10.0f}{our_memory / 1024 - weights_mib:>+10.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lrclr", required=True, help="the lrclr executable")
    parser.add_argument("--merges", required=True, help="CLIP's bpe_simple_vocab_16e6.txt.gz")
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scripts = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, scripts)
    import torch
    import model_benchmark as mb

    work = tempfile.mkdtemp(prefix="lrclr-whole-process-")
    try:
        torch.manual_seed(0)
        model = mb.vit_b32()
        weights = os.path.join(work, "vitb32.pt")
        torch.save(model.state_dict(), weights)
        del model
        directory = os.path.join(work, "model")
        subprocess.run([args.lrclr, "import-clip", weights, "--merges", args.merges, "--out", directory],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        images = os.path.join(work, "x16.npy")
        np.save(images, np.random.default_rng(0).standard_normal((16, 3, 224, 224), dtype=np.float32))
        weights_mib = os.path.getsize(weights) / 2**20

        env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
        threads = str(args.threads)
        print(f"whole processes, {args.threads} thread(s), median of {args.runs} alternating runs; "
              f"weights {weights_mib:.0f} MiB; load average {os.getloadavg()[0]:.2f}")
        print(f"{'job':<20}{'peer s':>10}{'lrclr s':>10}{'ratio':>10}  {'goal':<9}{'peer MiB':>10}{'lrclr MiB':>10}"
              f"{'- weights':>10}")
        compare("load alone", [args.lrclr, "encode", "--model", directory, "--text", "a", "--device", "cpu"],
                [args.python, "-c", f"import torch; torch.set_num_threads({threads}); torch.load({weights!r})"],
                args.runs, env, "<=1.00", weights_mib)
        compare("encode 16 images",
                [args.lrclr, "encode", "--model", directory, "--tensor", images, "--device", "cpu"],
                [args.python, "-c", PEER_ENCODE, scripts, weights, images, threads],
                args.runs, env, "<=0.60", weights_mib)
        print("goal for memory: lrclr's peak <= weights + 400 MiB (last column)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
