#!/bin/sh
# Reproduces models/demo: phantoms, BPE merges, a small CLIP trained from scratch, the held-out evaluation.
# Usage: scripts/train-demo-model.sh BUILD_DIR WORK_DIR   (e.g. build/release /tmp/demo); about 35 min on 2 cores.
# The model is trained on synthetic phantoms only and is NOT for clinical use.
set -eu
build=$(cd "$1" && pwd)
work=$2
source=$(cd "$(dirname "$0")/.." && pwd)
lrclr="$build/app/lrclr"
mkdir -p "$work"
cd "$work"

"$lrclr" synth --count 2500 --seed 20261126 --out train --dicom
"$lrclr" synth --count 300 --seed 777 --out heldout --dicom
"$lrclr" train-bpe --corpus train/manifest.jsonl --merges 4000 --out merges.txt.gz

cat > arch192.json <<'JSON'
{ "embed_dim": 128, "image_resolution": 192, "vision_layers": 4, "vision_width": 128, "vision_patch_size": 16,
  "vision_heads": 4, "context_length": 64, "transformer_width": 128, "transformer_heads": 4, "transformer_layers": 3 }
JSON

"$lrclr" train --manifest train/manifest.jsonl --architecture arch192.json --merges merges.txt.gz \
  --findings "$source/models/findings.json" --attend-all-patches --label-prompts --box-weight 1 \
  --steps 900 --batch-size 32 --lr 5e-4 --warmup 50 --seed 1 --threads 2 --validate-every 300 --log-every 5 \
  --checkpoint-every 300 --name lrclr-demo-phantom \
  --description "Demo model: a small CLIP trained from scratch on synthetic chest radiograph phantoms (lrclr synth), with label prompts and the auxiliary box-grounding loss (--box-weight 1). Synthetic phantoms, not for clinical use." \
  --out demo

"$lrclr" evaluate --manifest heldout/manifest.jsonl --model demo --split all --threads 2 --out evaluation

# Calibration on a set used for nothing else: each finding's Platt scaling and threshold, and the one overlay colour
# scale of every sentence and finding (docs/MODEL.md, "Calibration" and "Shared overlay scale").
"$lrclr" synth --count 300 --seed 555 --out calibration --dicom
"$lrclr" calibrate --model demo --manifest calibration/manifest.jsonl --split all --threads 2
