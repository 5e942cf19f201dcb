#!/usr/bin/python3
"""INT8 quality of the trained PaddleOCR models against their own FP32 outputs, on
held-out rendered images: octet-convert's recipes and ONNX Runtime's quantize_static
recipe (../shared/peers/qdq_quantize.py, ONNX Runtime doing the calibration), side
by side in one run.

    /usr/bin/python3 scripts/ocr-quality.py [--build build] [--models det,rec,cls]
        [--recipe NAME='octet-convert args' ...] [--no-ort] [--count N] [--json OUT]

Data (under $OCTET_WORK/quality, default ~/.cache/octet/quality; made once):
  calib/    scripts/make_text_images.py --seed 1 --count 32  (calibration images)
  heldout/  scripts/make_text_images.py --seed 2 --count N   (default 96; never calibrated on):
            the det pages
  lines/    scripts/make_text_images.py --seed 3 --count L   (default 384): the rec and cls
            lines (L rec lines, L/2 cls lines each upright and rotated)
Both runtimes see the same preprocessed tensors (octet-preprocess, PaddleOCR's
mean/std, BGR); FP32 reference outputs come from ONNX Runtime on the FP32 model.

Metrics, per model, mean over held-out images:
  det  cosine of the probability map, IoU of the text masks (probability > 0.3)
  rec  greedy CTC strings equal to FP32's (fraction of lines)
  cls  argmax equal to FP32's (fraction of images)
Also printed: the share of each model's conv/matmul MACs kept in float (octet recipes).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(os.path.dirname(ROOT), "shared", "peers")
WORK = os.environ.get("OCTET_WORK", os.path.expanduser("~/.cache/octet"))
Q = os.path.join(WORK, "quality")

MODELS = {
    "det": dict(onnx="ch_PP-OCRv4_det_infer.onnx", shape=(1, 3, 640, 640), size="640x640",
                pre="--mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --bgr", conv="--calib-limit 16"),
    "rec": dict(onnx="ch_PP-OCRv4_rec_infer.onnx", shape=(1, 3, 48, 320), size="320x48",
                pre="--mean 0.5,0.5,0.5 --std 0.5,0.5,0.5 --bgr --resize fit-height", conv=""),
    "cls": dict(onnx="ch_ppocr_mobile_v2.0_cls_infer.onnx", shape=(1, 3, 48, 192), size="192x48",
                pre="--mean 0.5,0.5,0.5 --std 0.5,0.5,0.5 --bgr --resize fit-height", conv=""),
}


def log(msg):
    sys.stderr.write("ocr-quality: %s\n" % msg)
    sys.stderr.flush()


def run(cmd, quiet=True):
    r = subprocess.run(cmd, stdout=subprocess.PIPE if quiet else None, stderr=subprocess.PIPE if quiet else None)
    if r.returncode != 0:
        sys.stderr.write((r.stderr or b"").decode(errors="replace")[-4000:])
        sys.exit("ocr-quality: failed (%d): %s" % (r.returncode, " ".join(shlex.quote(c) for c in cmd)))
    return r


def heldout(kind):
    return "heldout" if kind == "det" else "lines"


def images(sub, kind):
    d = os.path.join(Q, sub, kind)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith((".png", ".jpg")))


CALIB = "calib"


def prepare(build, count, line_count, calib_count):
    for sub, seed, n in ((CALIB, 1, calib_count), ("heldout", 2, count), ("lines", 3, line_count)):
        if not os.path.exists(os.path.join(Q, sub, "labels.txt")):
            run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "make_text_images.py"), os.path.join(Q, sub),
                 "--count", str(n), "--seed", str(seed)])
        for kind, m in MODELS.items():
            if sub != CALIB and heldout(kind) != sub:
                continue
            out = os.path.join(Q, "bin", sub, kind)
            if os.path.isdir(out) and len(os.listdir(out)) == len(images(sub, kind)):
                continue
            os.makedirs(out, exist_ok=True)
            for img in images(sub, kind):
                stem = os.path.splitext(os.path.basename(img))[0]
                npy = os.path.join(out, stem + ".npy")
                run([os.path.join(build, "converter", "octet-preprocess"), img, "-o", npy, "--size", m["size"]]
                    + m["pre"].split())
                np.load(npy).astype("<f4").tofile(os.path.join(out, stem + ".bin"))
                os.remove(npy)


def onnx_path(kind):
    p = os.path.join(WORK, "ocr-models", "package", "assets", MODELS[kind]["onnx"])
    if not os.path.exists(p):
        sys.exit("ocr-quality: %s missing (run scripts/ppocr-models.sh first)" % p)
    return p


def ort_outputs(model, kind, out):
    """ONNX Runtime over the held-out inputs -> {stem: array}."""
    if not os.path.exists(os.path.join(out, "meta.json")):
        shape = "x".join(str(d) for d in MODELS[kind]["shape"])
        run(["node", os.path.join(PEERS, "ort_run.js"), model, "--inputs", os.path.join(Q, "bin", heldout(kind), kind),
             "--shape", shape, "--dump-dir", out, "--threads", "2"])
    res = {}
    for f in sorted(os.listdir(out)):
        if f.endswith(".bin"):
            res[f[:-4]] = np.fromfile(os.path.join(out, f), dtype="<f4")
    return res


def octet_outputs(build, model, kind, out):
    res = {}
    d = os.path.join(Q, "bin", heldout(kind), kind)
    for f in sorted(os.listdir(d)):
        stem = f[:-4]
        o = os.path.join(out, stem)
        if not os.path.isdir(o):
            run([os.path.join(build, "benchmarks", "octet-run"), model, "--input", "x=" + os.path.join(d, f),
                 "--output-dir", o, "--threads", "2"])
        npys = [x for x in os.listdir(o) if x.endswith(".npy")]
        res[stem] = np.load(os.path.join(o, npys[0])).ravel()
    return res


def keys():
    with open(os.path.join(WORK, "ocr-models", "package", "assets", "ppocr_keys_v1.txt"), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f] + [" "]


def ctc(probs, k):
    idx = probs.reshape(-1, len(k) + 1).argmax(axis=-1)
    out, prev = [], 0
    for i in idx:
        if i != prev and i != 0:
            out.append(k[i - 1])
        prev = i
    return "".join(out)


def metrics(kind, ref, got, k):
    stems = sorted(ref)
    if sorted(got) != stems:
        sys.exit("ocr-quality: %s outputs do not match the held-out inputs" % kind)
    if kind == "det":
        cos, iou = [], []
        for s in stems:
            a, b = ref[s].astype(np.float64), got[s].astype(np.float64)
            cos.append(float(a @ b / max(np.sqrt((a @ a) * (b @ b)), 1e-30)))
            ma, mb = a > 0.3, b > 0.3
            u = np.logical_or(ma, mb).sum()
            iou.append(float(np.logical_and(ma, mb).sum() / u) if u else 1.0)
        return {"cosine": float(np.mean(cos)), "cosine_min": float(np.min(cos)), "iou": float(np.mean(iou)),
                "iou_min": float(np.min(iou)), "images": len(stems)}
    if kind == "rec":
        same = [ctc(ref[s], k) == ctc(got[s], k) for s in stems]
        return {"strings_equal": float(np.mean(same)), "lines": len(stems)}
    same = [int(np.argmax(ref[s])) == int(np.argmax(got[s])) for s in stems]
    return {"agreement": float(np.mean(same)), "images": len(stems)}


def summary(kind, m):
    if kind == "det":
        return "cosine %.4f (min %.3f)  IoU %.4f (min %.3f)" % (m["cosine"], m["cosine_min"], m["iou"], m["iou_min"])
    if kind == "rec":
        return "strings equal %.1f%% of %d" % (100 * m["strings_equal"], m["lines"])
    return "agreement %.1f%% of %d" % (100 * m["agreement"], m["images"])


def float_mac_share(report):
    try:
        with open(report) as f:
            r = json.load(f)
        return r.get("float_mac_fraction")
    except (OSError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="det,rec,cls")
    ap.add_argument("--recipe", action="append", default=[],
                    help="NAME='octet-convert args' (repeatable; default: minmax and the default)")
    ap.add_argument("--no-ort", action="store_true", help="leave out ONNX Runtime's own recipes")
    ap.add_argument("--no-octet", action="store_true", help="only ONNX Runtime's own recipes")
    ap.add_argument("--qdq", action="store_true", help="also run each octet recipe's --emit-qdq model in ORT")
    ap.add_argument("--count", type=int, default=96, help="held-out det pages (default 96)")
    ap.add_argument("--line-count", type=int, default=384, help="held-out rec lines and cls images (default 384)")
    ap.add_argument("--calib-count", type=int, default=32, help="calibration images per model (default 32)")
    ap.add_argument("--fresh", action="store_true", help="convert and run the octet recipes again")
    ap.add_argument("--json", help="write all figures as JSON")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    recipes = []
    for r in a.recipe or ["octet-minmax=--calib-method minmax", "octet-default="]:
        name, _, args = r.partition("=")
        recipes.append((name, shlex.split(args)))
    global CALIB
    if a.calib_count != 32:
        CALIB = "calib%d" % a.calib_count
    prepare(build, a.count, a.line_count, a.calib_count)
    k = keys()
    results = {}
    for kind in a.models.split(","):
        m = MODELS[kind]
        fp32 = onnx_path(kind)
        ref = ort_outputs(fp32, kind, os.path.join(Q, "out", "fp32", kind))
        rows = []
        if not a.no_ort:
            for method in ("minmax", "percentile"):
                name = "ort-" + method + ("" if CALIB == "calib" else "-" + CALIB)
                qdq = os.path.join(Q, "models", "%s.%s.onnx" % (kind, name))
                if not os.path.exists(qdq):
                    os.makedirs(os.path.dirname(qdq), exist_ok=True)
                    log("%s: ONNX Runtime quantize_static (%s)" % (kind, method))
                    run([os.path.join(PEERS, "py.sh"), os.path.join(PEERS, "qdq_quantize.py"), fp32, qdq, "--calib",
                         os.path.join(Q, "bin", CALIB, kind), "--shape", "x".join(map(str, m["shape"])),
                         "--calibrate", method])
                got = ort_outputs(qdq, kind, os.path.join(Q, "out", name, kind))
                rows.append((name, metrics(kind, ref, got, k), None, None))
        for name, args in [] if a.no_octet else recipes:
            name = name if CALIB == "calib" else "%s-%s" % (name, CALIB)
            model = os.path.join(Q, "models", "%s.%s.octet" % (kind, name))
            report = model + ".report.json"
            out = os.path.join(Q, "out", name, kind)
            qdq = os.path.join(Q, "models", "%s.%s.qdq.onnx" % (kind, name))
            if a.fresh or not os.path.exists(model):
                os.makedirs(os.path.dirname(model), exist_ok=True)
                subprocess.run(["rm", "-rf", out, os.path.join(Q, "out", name + "-qdq", kind)])
                t = time.time()
                cmd = [os.path.join(build, "converter", "octet-convert"), fp32, "-o", model, "--input-shape",
                       "x=" + ",".join(map(str, m["shape"])), "--calib", os.path.join(Q, CALIB, kind),
                       "--report-json", report, "--report-samples", "2"] + m["pre"].split() + m["conv"].split() + args
                if a.qdq:
                    cmd += ["--emit-qdq", qdq]
                log("%s: %s" % (kind, " ".join(shlex.quote(c) for c in cmd)))
                run(cmd, quiet=not os.environ.get("OCR_QUALITY_VERBOSE"))
                log("%s: converted in %.0f s" % (kind, time.time() - t))
            got = octet_outputs(build, model, kind, out)
            rows.append((name, metrics(kind, ref, got, k), float_mac_share(report), " ".join(args)))
            if a.qdq and os.path.exists(qdq):
                got = ort_outputs(qdq, kind, os.path.join(Q, "out", name + "-qdq", kind))
                rows.append((name + " (QDQ in ORT)", metrics(kind, ref, got, k), None, None))
        results[kind] = [{"recipe": r[0], "metrics": r[1], "float_mac_fraction": r[2], "args": r[3]} for r in rows]
        for name, met, share, _ in rows:
            extra = "" if share is None else "  float MACs %.2f%%" % (100 * share)
            print("%-3s %-34s %s%s" % (kind, name, summary(kind, met), extra))
        sys.stdout.flush()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
