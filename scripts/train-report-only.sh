#!/bin/sh
# The report-only LRCLR recipe (issue 10): a base CLIP and its LRCLR fine-tuning from reports alone, no boxes and no
# labels in any loss. NOT the shipped models/demo (scripts/train-demo-model.sh, box-supervised): at this budget the
# report-only models do not ground yet (docs/MODEL.md, "Report-only recipe"). The paper's two stages:
#   (a) a base CLIP trained on domain-randomised phantom images + paraphrased reports with CLIP's global loss;
#   (b) LRCLR fine-tuning from (a): the report-only local objective (pooled text.patch contrast, within-report
#       region competition, location-swapped negatives) plus the cross-modal layer's own loss.
# Then calibration on the training style's validation split, and the evaluation of both models on the held-out
# training style and on the external style (another anatomy drawing and another report vocabulary, never trained
# on), base vs LRCLR with paired bootstrap intervals.
# Usage: scripts/train-report-only.sh BUILD_DIR WORK_DIR   (e.g. build/release /tmp/report-only); about 100 min on 2
# cores (docs/MODEL.md has the measured times).
# The models are trained on synthetic phantoms only and are NOT for clinical use.
set -eu
build=$(cd "$1" && pwd)
work=$2
source=$(cd "$(dirname "$0")/.." && pwd)
lrclr="$build/app/lrclr"
steps_base=${LRCLR_BASE_STEPS:-1000}
steps_lrclr=${LRCLR_FINETUNE_STEPS:-500}
mkdir -p "$work"
cd "$work"
started=$(date +%s)
stamp() { echo "[$(( $(date +%s) - started )) s] $*" >&2; }

stamp "phantoms"
# 16,000 studies (12,806 for training): with 3,000 the base memorised them (validation loss rose) before it learned
# the findings. 384 px is enough for the 192 px model input and halves the generation time.
[ -f train/manifest.jsonl ] || "$lrclr" synth --count 16000 --seed 20261203 --randomize --size 384 --out train --dicom
[ -f heldout/manifest.jsonl ] || "$lrclr" synth --count 300 --seed 777 --randomize --out heldout --dicom
[ -f external/manifest.jsonl ] || "$lrclr" synth --style external --count 300 --seed 4242 --out external --dicom
[ -f merges.txt.gz ] || "$lrclr" train-bpe --corpus train/manifest.jsonl --merges 4000 --out merges.txt.gz

cat > arch192.json <<'JSON'
{ "embed_dim": 128, "image_resolution": 192, "vision_layers": 4, "vision_width": 128, "vision_patch_size": 16,
  "vision_heads": 4, "context_length": 64, "transformer_width": 128, "transformer_heads": 4, "transformer_layers": 3 }
JSON

common="--manifest train/manifest.jsonl --seed 1 --threads 2 --log-every 10"

stamp "stage (a): base CLIP, global loss only"
[ -f base/manifest.json ] || "$lrclr" train $common --architecture arch192.json --merges merges.txt.gz \
  --findings "$source/models/findings-ensemble.json" --attend-all-patches --local-weight 0 \
  --batch-size 64 --steps "$steps_base" --lr 5e-4 --warmup 100 --validate-every 250 --checkpoint-every 250 \
  --name lrclr-report-only-base \
  --description "Report-only base CLIP: trained from scratch on 12,806 domain-randomised synthetic chest radiograph phantoms with paraphrased reports (lrclr synth --randomize), CLIP's global loss only, from reports alone. Synthetic phantoms, not for clinical use." \
  --out base

stamp "stage (b): LRCLR fine-tuning from the base, reports only"
[ -f lrclr/manifest.json ] || "$lrclr" train $common --init base \
  --local-weight 0.5 --pooled-weight 1 --intra-image-weight 0.5 --location-weight 0.5 --gate-init 0.5 \
  --backbone-lr-scale 0.5 --batch-size 32 --steps "$steps_lrclr" --lr 2e-4 --warmup 30 --validate-every 250 \
  --checkpoint-every 250 \
  --name lrclr-report-only \
  --description "Report-only LRCLR fine-tuned from lrclr-report-only-base on domain-randomised synthetic chest radiograph phantoms, from reports alone (no box loss, no label prompts). Synthetic phantoms, not for clinical use." \
  --out lrclr

stamp "stage (b) with the local patch head (--local-head 2): 200 steps x 32, the measured pilot of 2026-12-08"
[ -f localhead/manifest.json ] || "$lrclr" train $common --init base --local-head 2 \
  --local-weight 0.5 --pooled-weight 1 --intra-image-weight 0.5 --location-weight 0.5 --gate-init 0.5 \
  --backbone-lr-scale 0.5 --batch-size 32 --steps 200 --lr 5e-4 --warmup 20 --validate-every 200 \
  --name lrclr-report-only-local-head \
  --description "Report-only LRCLR with the local patch head, fine-tuned from lrclr-report-only-base on domain-randomised synthetic chest radiograph phantoms, from reports alone. Synthetic phantoms, not for clinical use." \
  --out localhead

stamp "control: the base continued for LRCLR's budget with the global loss only"
[ -f control/manifest.json ] || "$lrclr" train $common --init base --local-weight 0 --batch-size 32 \
  --steps "$steps_lrclr" --lr 2e-4 --warmup 30 --validate-every "$steps_lrclr" \
  --name lrclr-report-only-base-continued \
  --description "Control: the report-only base continued for LRCLR's budget with the global loss only." \
  --out control

stamp "calibration on the training style's validation split"
for model in base lrclr control; do
  "$lrclr" calibrate --model "$model" --manifest train/manifest.jsonl --split validate --threads 2 --quiet
done

stamp "evaluation"
for set in heldout external; do
  "$lrclr" evaluate --manifest "$set/manifest.jsonl" --model lrclr --compare base --name lrclr --name base \
    --split all --threads 2 --quiet --out "evaluation-$set"
  "$lrclr" evaluate --manifest "$set/manifest.jsonl" --model localhead --compare base --name lrclr-local-head \
    --name base --split all --threads 2 --quiet --out "evaluation-localhead-$set"
  "$lrclr" evaluate --manifest "$set/manifest.jsonl" --model lrclr --compare control --name lrclr --name control \
    --split all --threads 2 --quiet --out "evaluation-control-$set"
done
stamp "done"
