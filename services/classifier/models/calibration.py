"""Texts for int8 calibration, written for this repo: no data set ships with it.

Static int8 needs activation ranges seen on inputs like the real ones: posts of 3 to ~80 words,
calm and hostile, questions and rants. The corpus is built from fragments in a fixed order, so
the same weights always give the same quantized model.
"""

from __future__ import annotations

import random

OPENINGS = (
    "Honestly,",
    "Thanks for the update.",
    "Quick question:",
    "Not going to lie,",
    "Wow.",
    "Listen to me,",
    "I have been using this app for years and",
    "Can someone explain why",
    "Great stream today!",
    "Ugh,",
    "Hey everyone,",
    "To whoever wrote this,",
)
BODIES = (
    "the new layout is really clean and easy to read",
    "the sync keeps failing every time I open the settings page",
    "you are a complete idiot and nobody wants you here",
    "shut up, your opinion is stupid and worthless",
    "I will find you and make you regret this",
    "people like you should not be allowed to post anywhere",
    "this is the worst update they have ever shipped, total garbage",
    "does anyone know when the next version is coming out",
    "what the hell is wrong with the moderators in this forum",
    "I love how friendly this community has been to newcomers",
    "my order arrived broken and support never answered my emails",
    "go back to where you came from, you do not belong here",
    "that referee was blind, the whole match was a joke",
    "the recipe worked perfectly, my kids asked for seconds",
)
CLOSINGS = (
    "",
    "Cheers.",
    "Please fix it.",
    "Just saying.",
    "Idiots.",
    "Thanks in advance!",
    "Unbelievable.",
    "See you all tomorrow.",
    "Do better.",
    "lol",
)


def calibration_texts(count: int = 160, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        body = " and ".join(rng.sample(BODIES, rng.choice((1, 1, 2, 3))))
        texts.append(" ".join(p for p in (rng.choice(OPENINGS), body, rng.choice(CLOSINGS)) if p))
    return texts
