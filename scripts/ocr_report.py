#!/usr/bin/python3
"""Reads the outputs octet-run wrote for the PaddleOCR demo and prints what the
models found: text regions (det), recognised strings (rec, CTC greedy decoding
with ppocr_keys_v1.txt) and text direction (cls), against the rendered labels.

    /usr/bin/python3 scripts/ocr_report.py RUN_DIR IMAGES_DIR KEYS_FILE
RUN_DIR/det/NAME/*.npy, RUN_DIR/rec/NAME/*.npy, RUN_DIR/cls/NAME/*.npy: one
folder of octet-run outputs per image.
"""
import os
import sys

import numpy as np


def only_npy(folder):
    files = [f for f in os.listdir(folder) if f.endswith(".npy")]
    if len(files) != 1:
        sys.exit("ocr_report: expected one output in %s" % folder)
    return np.load(os.path.join(folder, files[0]))


def regions(prob, threshold=0.3, min_pixels=16):
    """Connected components (4-neighbour) of prob > threshold: bounding boxes."""
    mask = prob > threshold
    h, w = mask.shape
    seen = np.zeros_like(mask, dtype=bool)
    boxes = []
    for y0, x0 in zip(*np.nonzero(mask)):
        if seen[y0, x0]:
            continue
        stack = [(y0, x0)]
        seen[y0, x0] = True
        ys, xs = [], []
        while stack:
            y, x = stack.pop()
            ys.append(y)
            xs.append(x)
            for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
        if len(ys) >= min_pixels:
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def ctc_decode(probs, keys):
    idx = probs.argmax(axis=-1)
    out, prev = [], 0
    for i in idx:
        if i != prev and i != 0:
            out.append(keys[i - 1] if i - 1 < len(keys) else " ")
        prev = i
    return "".join(out)


def main():
    run, images, keys_file = sys.argv[1:4]
    with open(keys_file, encoding="utf-8") as f:
        keys = [line.rstrip("\n") for line in f] + [" "]
    labels = {}
    with open(os.path.join(images, "labels.txt"), encoding="utf-8") as f:
        for line in f:
            name, _, text = line.rstrip("\n").partition("\t")
            labels[name] = text
    det_truth = {}
    det_labels = os.path.join(images, "det", "labels.txt")
    if os.path.exists(det_labels):
        import json
        with open(det_labels, encoding="utf-8") as f:
            for line in f:
                name, _, boxes = line.rstrip("\n").partition("\t")
                det_truth[os.path.splitext(os.path.basename(name))[0]] = len(json.loads(boxes))
    det = os.path.join(run, "det")
    for name in sorted(os.listdir(det)) if os.path.isdir(det) else []:
        prob = only_npy(os.path.join(det, name)).reshape(only_npy(os.path.join(det, name)).shape[-2:])
        boxes = regions(prob)
        truth = det_truth.get(name)
        print("det  %-22s %3d text regions%s, e.g. %s" % (
            name, len(boxes), " (%d lines drawn)" % truth if truth is not None else "",
            ", ".join("(%d,%d)-(%d,%d)" % b for b in boxes[:3])))
    rec = os.path.join(run, "rec")
    if os.path.isdir(rec):
        match = total = 0
        for name in sorted(os.listdir(rec)):
            text = ctc_decode(only_npy(os.path.join(rec, name))[0], keys)
            truth = labels.get("rec/" + name + ".png", "?")
            total += 1
            match += text == truth
            print("rec  %-22s %-34s %s" % (name, '"%s"' % text, "ok" if text == truth else 'expected "%s"' % truth))
        print("rec  %d of %d lines read exactly" % (match, total))
    cls = os.path.join(run, "cls")
    if os.path.isdir(cls):
        right = total = 0
        for name in sorted(os.listdir(cls)):
            p = only_npy(os.path.join(cls, name)).reshape(-1)
            said = "180" if p[1] > p[0] else "0"
            truth = name.rsplit("_", 1)[1]
            total += 1
            right += said == truth
        print("cls  %d of %d lines: direction (0 / 180 degrees) told right" % (right, total))


if __name__ == "__main__":
    main()
