#!/usr/bin/python3
"""Writes calibration and demo images for the PaddleOCR models (det, rec, cls).

    /usr/bin/python3 scripts/make_text_images.py OUT [--count N] [--seed S]

OUT/
  det/page_000.png ...   document-like pages, 640x640 or 960x640 RGB: lines of
                         text in several fonts, sizes and colours on light, varied
                         backgrounds; a few are photographs from python3-skimage
                         with text drawn over them (photo_NNN.jpg), when installed
  det/labels.txt         PaddleOCR det ground truth: "det/NAME\\t[{"transcription":
                         ..., "points": [[x,y] x4]}, ...]" (axis-aligned boxes)
  rec/line_000.png ...   single text lines, 320x48, dark text on light
                         background, left-aligned (PaddleOCR rec's input size)
  cls/line_000_0.png     text lines, 192x48, upright ...
  cls/line_000_180.png   ... and the same line rotated by 180 degrees
  labels.txt             "rec/line_000.png\\tTEXT" and "cls/line_000_0.png\\tTEXT"
                         for every rec and cls image

N images per folder (default 32; cls gets N/2 lines, each upright and rotated).
Deterministic for a given --seed and Debian package set. Needs python3-pil,
python3-numpy and fonts-dejavu-core (scripts/install-deps.sh installs them).
"""
import argparse
import json
import os
import random
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
# fonts-dejavu-core only, so every machine renders the same pixels.
FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
              "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"]
SKIMAGE_DATA = "/usr/lib/python3/dist-packages/skimage/data"
PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png"]

WORDS = ("invoice total amount date number customer order account payment balance due item "
         "quantity price tax receipt station street road avenue city north south east west "
         "open closed monday friday saturday sunday hours phone email office room floor "
         "model serial batch lot weight height width length speed limit exit entrance warning "
         "caution danger notice please thank you welcome hello world coffee market bakery "
         "pharmacy hotel restaurant parking airport terminal gate platform train bus ticket "
         "quality control report summary page chapter section table figure note version "
         "Paris Berlin London Madrid Roma Lisboa Zurich Oslo Vienna Prague Dublin").split()


def fail(msg):
    sys.stderr.write("make_text_images: " + msg + "\n")
    sys.exit(1)


def load_fonts():
    paths = [os.path.join(FONT_DIR, f) for f in FONT_FILES if os.path.exists(os.path.join(FONT_DIR, f))]
    if not paths:
        fail("no DejaVu fonts in %s (apt-get install fonts-dejavu-core)" % FONT_DIR)
    return paths


class Fonts:
    def __init__(self, paths):
        self.paths = paths
        self.cache = {}

    def get(self, path, size):
        key = (path, size)
        if key not in self.cache:
            self.cache[key] = ImageFont.truetype(path, size)
        return self.cache[key]


def random_text(rng, max_words=4):
    """A short Latin string: words, numbers, dates, prices, codes."""
    kind = rng.random()
    if kind < 0.15:
        return "%02d/%02d/%04d" % (rng.randint(1, 28), rng.randint(1, 12), rng.randint(1990, 2030))
    if kind < 0.28:
        return "%s %d.%02d" % (rng.choice(["EUR", "USD", "$", "Total", "Price:"]), rng.randint(0, 9999), rng.randint(0, 99))
    if kind < 0.38:
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return "%s%s-%04d" % (rng.choice(letters), rng.choice(letters), rng.randint(0, 9999))
    if kind < 0.45:
        return "+%d %03d %03d %04d" % (rng.randint(1, 99), rng.randint(0, 999), rng.randint(0, 999), rng.randint(0, 9999))
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, max_words))]
    style = rng.random()
    if style < 0.3:
        words[0] = words[0].capitalize()
    elif style < 0.45:
        words = [w.upper() for w in words]
    if rng.random() < 0.3:
        words.append(str(rng.randint(0, 999)))
    text = " ".join(words)
    if rng.random() < 0.2:
        text += rng.choice([".", ":", ",", "!", "?"])
    return text


def light_background(rng, nrng, w, h):
    """A light page: tinted, with a gentle gradient and paper noise."""
    base = np.array([rng.randint(215, 255) for _ in range(3)], np.float32)
    gy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    gx = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    tilt = np.array([rng.uniform(-20, 10) for _ in range(3)], np.float32)
    img = base + tilt * (gy if rng.random() < 0.5 else gx)
    img = img + nrng.normal(0, rng.uniform(0.5, 4.0), (h, w, 1)).astype(np.float32)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def dark_colour(rng):
    if rng.random() < 0.6:
        v = rng.randint(0, 60)
        return (v, v, v)
    return rng.choice([(20, 30, 120), (140, 20, 20), (10, 90, 40), (80, 40, 100), (0, 70, 110)])


def text_box(draw, xy, text, font):
    left, top, right, bottom = draw.textbbox(xy, text, font=font)
    return [left, top, right, bottom]


def make_page(rng, nrng, fonts, w, h):
    img = light_background(rng, nrng, w, h)
    draw = ImageDraw.Draw(img)
    boxes = []
    # A few rules and boxes, as forms and tables have.
    for _ in range(rng.randint(0, 3)):
        y = rng.randint(0, h - 1)
        draw.line([(rng.randint(0, w // 4), y), (rng.randint(3 * w // 4, w), y)],
                  fill=tuple(rng.randint(120, 200) for _ in range(3)), width=rng.randint(1, 2))
    y = rng.randint(10, 40)
    while True:
        size = rng.choice([14, 16, 18, 20, 24, 28, 32, 40, 48, 56])
        font = fonts.get(rng.choice(fonts.paths), size)
        if y + size * 1.3 > h - 10:
            break
        x = rng.randint(10, max(11, w // 3))
        text = random_text(rng, max_words=8 if size < 30 else 4)
        # Shorten until the line fits.
        while text and draw.textlength(text, font=font) > w - x - 10:
            text = text.rsplit(" ", 1)[0] if " " in text else text[:-1]
        if text.strip():
            if rng.random() < 0.12:  # a banner: light text on a dark band
                box = text_box(draw, (x, y), text, font)
                pad = size // 4
                draw.rectangle([box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad], fill=dark_colour(rng))
                draw.text((x, y), text, font=font, fill=(245, 245, 240))
            else:
                draw.text((x, y), text, font=font, fill=dark_colour(rng))
            boxes.append((text, text_box(draw, (x, y), text, font)))
        y += int(size * rng.uniform(1.3, 2.2))
    return img, boxes


def make_photo_page(rng, fonts, photo_path, w, h):
    img = Image.open(photo_path).convert("RGB")
    # Cover w x h, centre crop.
    s = max(w / img.width, h / img.height)
    img = img.resize((max(w, round(img.width * s)), max(h, round(img.height * s))), Image.BILINEAR)
    left, top = (img.width - w) // 2, (img.height - h) // 2
    img = img.crop((left, top, left + w, top + h))
    draw = ImageDraw.Draw(img)
    boxes = []
    for _ in range(rng.randint(2, 5)):
        size = rng.choice([24, 32, 40, 56, 64])
        font = fonts.get(rng.choice(fonts.paths), size)
        text = random_text(rng, max_words=3)
        x = rng.randint(5, max(6, w // 2))
        y = rng.randint(5, h - size - 10)
        while text and draw.textlength(text, font=font) > w - x - 5:
            text = text[:-1]
        if not text.strip():
            continue
        light = rng.random() < 0.5
        draw.text((x, y), text, font=font, fill=(250, 250, 250) if light else (10, 10, 10),
                  stroke_width=max(1, size // 16), stroke_fill=(0, 0, 0) if light else (255, 255, 255))
        boxes.append((text, text_box(draw, (x, y), text, font)))
    return img, boxes


def make_line(rng, nrng, fonts, text, w, h, max_size):
    """Dark text on a light background, left-aligned and vertically centred."""
    img = light_background(rng, nrng, w, h)
    draw = ImageDraw.Draw(img)
    path = rng.choice(fonts.paths)
    size = rng.randint(max_size * 2 // 3, max_size)
    font = fonts.get(path, size)
    margin = rng.randint(2, 8)
    while size > 10 and draw.textlength(text, font=font) > w - 2 * margin:
        size -= 1
        font = fonts.get(path, size)
    while text and draw.textlength(text, font=font) > w - 2 * margin:
        text = text[:-1]
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    y = (h - (bottom - top)) // 2 - top + rng.randint(-2, 2)
    draw.text((margin - left, y), text, font=font, fill=dark_colour(rng))
    return img, text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="output folder (created)")
    ap.add_argument("--count", type=int, default=32, help="images per folder (default 32)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args()
    if args.count < 2:
        fail("--count must be at least 2")
    rng = random.Random(args.seed)
    nrng = np.random.default_rng(args.seed)
    fonts = Fonts(load_fonts())
    for sub in ("det", "rec", "cls"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)

    photos = [os.path.join(SKIMAGE_DATA, p) for p in PHOTOS if os.path.exists(os.path.join(SKIMAGE_DATA, p))]
    n_photo = min(len(photos), max(1, args.count // 8))
    det_labels = []
    for i in range(args.count):
        w, h = (640, 640) if i % 2 == 0 else (960, 640)
        if i >= args.count - n_photo:
            img, boxes = make_photo_page(rng, fonts, photos[i - (args.count - n_photo)], w, h)
            name = "photo_%03d.jpg" % i
            img.save(os.path.join(args.out, "det", name), quality=92)
        else:
            img, boxes = make_page(rng, nrng, fonts, w, h)
            name = "page_%03d.png" % i
            img.save(os.path.join(args.out, "det", name), compress_level=1)
        gt = [{"transcription": t, "points": [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]]}
              for t, b in boxes]
        det_labels.append("det/%s\t%s" % (name, json.dumps(gt)))
    if not photos:
        sys.stderr.write("make_text_images: python3-skimage not installed; det/ has no photographs\n")
    with open(os.path.join(args.out, "det", "labels.txt"), "w") as f:
        f.write("\n".join(det_labels) + "\n")

    labels = []
    for i in range(args.count):
        img, text = make_line(rng, nrng, fonts, random_text(rng), 320, 48, 36)
        name = "rec/line_%03d.png" % i
        img.save(os.path.join(args.out, name), compress_level=1)
        labels.append("%s\t%s" % (name, text))
    for i in range(max(1, args.count // 2)):
        img, text = make_line(rng, nrng, fonts, random_text(rng, max_words=2), 192, 48, 34)
        for angle, im in ((0, img), (180, img.transpose(Image.ROTATE_180))):
            name = "cls/line_%03d_%d.png" % (i, angle)
            im.save(os.path.join(args.out, name), compress_level=1)
            labels.append("%s\t%s" % (name, text))
    with open(os.path.join(args.out, "labels.txt"), "w") as f:
        f.write("\n".join(labels) + "\n")
    print("make_text_images: wrote %d det, %d rec, %d cls images and labels.txt to %s"
          % (args.count, args.count, 2 * max(1, args.count // 2), args.out))


if __name__ == "__main__":
    main()
