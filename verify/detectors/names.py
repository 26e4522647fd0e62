"""Generator names that, written in a software field, are a (weak) hint of generative AI.

Only products whose whole purpose is generating images are listed: a field naming
Photoshop or Lightroom says nothing about AI (their AI features are declared in C2PA
or IPTC, which the other rules read). Names match as whole words, case-insensitively.
"""

from __future__ import annotations

import re

#: Canonical name -> pattern (whole words, any case).
_GENERATORS: dict[str, str] = {
    "Midjourney": r"midjourney",
    "DALL-E": r"dall[-·‧ ]?e",
    "Stable Diffusion": r"stable[ _-]?diffusion",
    "NovelAI": r"novel ?ai",
    "InvokeAI": r"invoke ?ai",
    "ComfyUI": r"comfy ?ui",
    "AUTOMATIC1111": r"automatic1111",
    "Fooocus": r"fooocus",
    "Adobe Firefly": r"adobe firefly",
    "DreamStudio": r"dreamstudio",
    "Ideogram": r"ideogram",
    "Craiyon": r"craiyon",
    "Leonardo.Ai": r"leonardo\.ai",
}

_PATTERNS = [
    (name, re.compile(rf"(?<![\w]){pattern}(?![\w])", re.IGNORECASE))
    for name, pattern in _GENERATORS.items()
]


def known_generator(text: str) -> str | None:
    """The canonical name of the image generator `text` names, if any.

    >>> known_generator("NovelAI")
    'NovelAI'
    >>> known_generator("Adobe Photoshop 25.0") is None
    True
    """
    head = text[:512]
    for name, pattern in _PATTERNS:
        if pattern.search(head):
            return name
    return None
