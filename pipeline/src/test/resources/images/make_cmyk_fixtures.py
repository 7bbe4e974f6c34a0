#!/usr/bin/env python3
"""Writes the CMYK JPEG fixtures of ImageDecoderColourTest with Pillow (which stores CMYK the Adobe
way: an APP14 marker and inverted channels) and prints the RGB that Pillow's convert("RGB") gives,
the values the test expects. Run: python3 make_cmyk_fixtures.py (Pillow 9.4 made the committed files)."""
from PIL import Image

flat = Image.new("CMYK", (8, 8), (0, 200, 200, 0))
flat.save("cmyk-flat.jpg", quality=100)
ramp = Image.new("CMYK", (8, 8))
px = ramp.load()
for y in range(8):
    for x in range(8):
        px[x, y] = (x * 30, y * 30, (x + y) * 15, (x * y) % 200)
ramp.save("cmyk-ramp.jpg", quality=100)
print("flat", Image.open("cmyk-flat.jpg").convert("RGB").getpixel((3, 3)))
print("ramp row 3", [Image.open("cmyk-ramp.jpg").convert("RGB").getpixel((x, 3)) for x in range(8)])
print("ramp column 6", [Image.open("cmyk-ramp.jpg").convert("RGB").getpixel((6, y)) for y in range(8)])
