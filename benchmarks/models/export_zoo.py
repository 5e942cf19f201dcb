#!/usr/bin/python3
"""Export octet's benchmark zoo (torchvision CNNs) to ONNX, with realistic activations.

    /usr/bin/python3 benchmarks/models/export_zoo.py [OUT_DIR] [--models a,b,...] [--force]
        [--bn-crops 256] [--calib 32] [--heldout 32] [--seed 0]

OUT_DIR defaults to $OCTET_WORK/zoo (OCTET_WORK defaults to ~/.cache/octet); it must be
outside git (the models are generated, never committed). Needs Debian's python3-torch,
python3-torchvision, python3-onnx, python3-numpy, python3-skimage, python3-pil:

    sudo apt-get install --no-install-recommends python3-torch python3-torchvision \
        python3-onnx python3-numpy python3-skimage python3-pil

No pretrained weights can be downloaded, so each model keeps torchvision's default
(seeded) initialisation, then its BatchNorm statistics are re-estimated on natural
images: random crops / flips of python3-skimage's photographs, resized to 224x224,
ImageNet mean/std normalisation; only the BatchNorm modules are in train mode (so
dropout / stochastic depth stay off), momentum=None (cumulative average), no grad.
After that the classifier (the last Linear / 1x1 Conv) is centred (its bias set to minus
its mean output per class over the calibration crops) and scaled so the logits' standard
deviation over the classes is about LOGIT_STD on those crops: random heads otherwise give
logits that are nearly constant (mobilenet_v3_small's std is ~0.01) or whose top-1 is the
same class on every image (squeezenet1_1), which makes top-1 agreement meaningless.

Writes into OUT_DIR:
    <model>.onnx           batch 1, 1x3x224x224, opset 13, input "input", output "logits"
    calib/NNN.png          224x224 RGB crops for octet-convert --calib (preprocess with
                           --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225)
    heldout/NNN.npy        held-out tensors (other photographs than calib / BN), NCHW float32,
                           ImageNet normalisation, shape 1x3x224x224
    heldout_bin/NNN.bin    the same tensors as raw little-endian float32 (for ort_run.js)
    manifest.json          per model: parameters, logit std before / after the head scaling,
                           std of the logits across held-out photos, top-1 classes seen
Everything is deterministic for a given --seed.
"""
import argparse
import json
import os
import sys
import time

MODELS = ["mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "resnet18", "resnet50",
          "squeezenet1_1", "shufflenet_v2_x1_0", "efficientnet_b0", "googlenet"]
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
LOGIT_STD = 3.0
# Photographs from skimage.data (all ship with python3-skimage, no download).
TRAIN_PHOTOS = ["astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "camera", "coins", "brick", "grass"]
HELDOUT_PHOTOS = ["clock", "moon", "gravel", "immunohistochemistry", "retina", "cell"]

try:
    import numpy as np
    import torch
    import torchvision
    from skimage import data as skdata
    from skimage.transform import resize
except ImportError as e:  # pragma: no cover
    sys.stderr.write(f"export_zoo: {e}\n  sudo apt-get install --no-install-recommends python3-torch "
                     "python3-torchvision python3-onnx python3-numpy python3-skimage python3-pil\n")
    sys.exit(3)


def load_photo(name):
    im = getattr(skdata, name)()
    im = np.asarray(im)
    if im.ndim == 2:
        im = np.stack([im] * 3, axis=-1)
    im = im[..., :3]
    if im.dtype != np.uint8:
        im = (np.clip(im, 0, 1) * 255).astype(np.uint8) if im.max() <= 1.0 else im.astype(np.uint8)
    return im


def random_crops(photos, n, rng):
    """n uint8 HxWx3 224x224 crops: random scale (35-100% of the short side), position, flip."""
    out = []
    for i in range(n):
        im = photos[rng.integers(len(photos))]
        h, w = im.shape[:2]
        s = int(min(h, w) * rng.uniform(0.35, 1.0))
        s = max(s, 32)
        y = rng.integers(0, h - s + 1)
        x = rng.integers(0, w - s + 1)
        c = im[y:y + s, x:x + s]
        if rng.random() < 0.5:
            c = c[:, ::-1]
        c = resize(c, (224, 224), order=1, anti_aliasing=True, preserve_range=True)
        out.append(np.clip(np.rint(c), 0, 255).astype(np.uint8))
    return out


def to_tensor(crops_u8):
    x = np.stack(crops_u8).astype(np.float32) / 255.0
    x = (x - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def head_module(model):
    last = None
    for m in model.modules():
        if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)):
            last = m
    return last


@torch.no_grad()
def prepare(name, bn_x, calib_x, held_x, seed):
    torch.manual_seed(seed)
    # GoogLeNet's auxiliary classifiers only run in training; leave them out.
    extra = {"aux_logits": False, "init_weights": True} if name == "googlenet" else {}
    model = getattr(torchvision.models, name)(weights=None, **extra)
    model.eval()
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
        m.train()
    bs = 32
    for i in range(0, len(bn_x), bs):
        model(torch.from_numpy(bn_x[i:i + bs]))
    model.eval()
    calib_t = torch.from_numpy(calib_x)
    before = model(calib_t).std(dim=1).mean().item()
    head = head_module(model)
    if head.bias is None:
        head.bias = torch.nn.Parameter(torch.zeros(head.weight.shape[0]))
    head.bias.zero_()
    seen = []
    hook = head.register_forward_hook(lambda m, i, o: seen.append(o))
    model(calib_t)
    hook.remove()
    o = seen[0]
    head.bias.copy_(-o.mean(dim=[d for d in range(o.dim()) if d != 1]))
    std0 = model(calib_t).std(dim=1).mean().item()
    if std0 > 0:
        head.weight.mul_(LOGIT_STD / std0)
        head.bias.mul_(LOGIT_STD / std0)
    after = model(calib_t).std(dim=1).mean().item()
    held = model(torch.from_numpy(held_x))
    stats = {
        "params": int(sum(p.numel() for p in model.parameters())),
        "batchnorms": len(bns),
        "bn_crops": int(len(bn_x)),
        "logit_std_over_classes_random_init": round(before, 6),
        "head_scale": round(LOGIT_STD / std0, 4) if std0 > 0 else None,
        "logit_std_over_classes": round(after, 4),
        "heldout_logit_std_over_classes": round(held.std(dim=1).mean().item(), 4),
        "heldout_logit_std_across_images": round(held.std(dim=0).mean().item(), 4),
        "heldout_top1_distinct": int(len(set(held.argmax(1).tolist()))),
        "heldout_count": int(len(held_x)),
    }
    return model, stats


def export(model, path):
    x = torch.zeros(1, 3, 224, 224)
    tmp = path + ".tmp"
    torch.onnx.export(model, x, tmp, opset_version=13, input_names=["input"], output_names=["logits"],
                      do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(tmp))
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?", default=os.path.join(
        os.environ.get("OCTET_WORK", os.path.expanduser("~/.cache/octet")), "zoo"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--force", action="store_true", help="re-export models that exist")
    ap.add_argument("--bn-crops", type=int, default=256)
    ap.add_argument("--calib", type=int, default=32)
    ap.add_argument("--heldout", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: all cores)")
    a = ap.parse_args()
    names = [m for m in a.models.split(",") if m]
    for m in names:
        if m not in MODELS:
            sys.exit(f"export_zoo: unknown model {m} (known: {', '.join(MODELS)})")
    out = os.path.abspath(os.path.expanduser(a.out))
    os.makedirs(out, exist_ok=True)
    if a.threads:
        torch.set_num_threads(a.threads)

    rng = np.random.default_rng(a.seed)
    train = [load_photo(p) for p in TRAIN_PHOTOS]
    held = [load_photo(p) for p in HELDOUT_PHOTOS]
    bn_x = to_tensor(random_crops(train, a.bn_crops, rng))
    calib_u8 = random_crops(train, a.calib, np.random.default_rng(a.seed + 1))
    calib_x = to_tensor(calib_u8)
    held_x = to_tensor(random_crops(held, a.heldout, np.random.default_rng(a.seed + 2)))

    from PIL import Image
    cdir, hdir, bdir = (os.path.join(out, d) for d in ("calib", "heldout", "heldout_bin"))
    for d in (cdir, hdir, bdir):
        os.makedirs(d, exist_ok=True)
    for i, c in enumerate(calib_u8):
        Image.fromarray(c).save(os.path.join(cdir, f"{i:03d}.png"))
    for i in range(len(held_x)):
        t = held_x[i:i + 1]
        np.save(os.path.join(hdir, f"{i:03d}.npy"), t)
        t.astype("<f4").tofile(os.path.join(bdir, f"{i:03d}.bin"))

    mpath = os.path.join(out, "manifest.json")
    manifest = json.load(open(mpath)) if os.path.exists(mpath) else {}
    manifest["_data"] = {"seed": a.seed, "train_photos": TRAIN_PHOTOS, "heldout_photos": HELDOUT_PHOTOS,
                         "bn_crops": a.bn_crops, "calib": a.calib, "heldout": a.heldout,
                         "mean": MEAN, "std": STD, "logit_std_target": LOGIT_STD,
                         "torch": torch.__version__, "torchvision": torchvision.__version__}
    for i, name in enumerate(names):
        path = os.path.join(out, name + ".onnx")
        if os.path.exists(path) and not a.force and name in manifest:
            print(f"export_zoo: {name}: {path} exists (--force to redo)")
            continue
        t0 = time.time()
        model, stats = prepare(name, bn_x, calib_x, held_x, a.seed + 1000 + MODELS.index(name))
        export(model, path)
        stats["export_s"] = round(time.time() - t0, 1)
        manifest[name] = stats
        json.dump(manifest, open(mpath + ".tmp", "w"), indent=1)
        os.replace(mpath + ".tmp", mpath)
        print(f"export_zoo: {name}: {stats['params']/1e6:.2f}M params, logit std {stats['logit_std_over_classes_random_init']:.3g}"
              f" (random init) -> {stats['heldout_logit_std_over_classes']:.3g} on held-out photos,"
              f" {stats['heldout_top1_distinct']} distinct top-1 over {stats['heldout_count']}, {stats['export_s']} s")
    print(f"export_zoo: {out}")


if __name__ == "__main__":
    main()
