"""Generated sentences for the rarest label, threat: threats of violence against the reader, and
look-alikes that use the same words without threatening anyone (gaming talk, idioms). Written
for this repo from parts in a fixed order and a seeded draw, so every run adds the same rows.

Fine-tuning and the head add them to their fit rows only: validation, calibration and every
reported figure use real rows. None of them contains one of `evaluate.THREATS` or
`evaluate.FIGURES_OF_SPEECH` (unit tests check it), so those checks stay checks of what the
model learnt, not of what it was shown.
"""

from __future__ import annotations

import random
from itertools import product

from training.data import JIGSAW_LABELS, Dataset

SEED = 7
SOURCE = "generated_threats"

PROMISES = (
    "I will", "I'm going to", "I'm gonna", "I swear I'll", "We will", "Just wait, I'll",
    "If you revert my edit again I will", "Delete my post one more time and I'll",
    "Keep talking and I'll", "One more word out of you and I will", "Tomorrow I'm going to",
    "Mark my words, I will",
)  # fmt: skip
HARMS = (
    "kill you", "end you", "smash your face in", "put you in the hospital", "slit your throat",
    "shoot you in the head", "choke you until you stop breathing", "snap your neck",
    "set your car on fire", "beat you to death", "make you bleed", "cut you into pieces",
    "bury you in your own backyard", "break every bone in your body",
    "come to your house and kill you", "drown you in the lake", "rip your head off",
    "track you down and murder you", "strangle you with my bare hands",
    "show up at your door with a knife",
)  # fmt: skip
ENDINGS = (
    "", ", you idiot", " tonight", ", I promise", " and nobody will save you", ". Count on it",
    ", loser", " before the weekend",
)  # fmt: skip
WISHES = (
    "I hope you die in a fire", "I hope someone beats you to death", "You deserve to be shot",
    "Go die in a ditch", "Someone should run you over with a truck",
    "You won't live to see next week", "Your days are numbered",
    "I hope your house burns down with you in it", "People like you should be hanged",
    "You are going to end up in a body bag",
)  # fmt: skip
WISH_ENDINGS = ("", ".", "!!!", ", scum", " and your whole family too", ", mark my words")

OPENINGS = ("", "Honestly, ", "lol ", "Ok so ", "Tbh ", "Man, ")
IDIOMS = (
    "this level is killing me", "I'd kill for a coffee right now", "that joke killed me",
    "you killed it with that speedrun", "I will find you a better build for that class",
    "I'm going to hunt down that bug tonight", "my legs hurt after the raid marathon",
    "that boss will beat you up the first few tries", "shoot me a message when you're free",
    "I'm dying to see the new map", "break a leg at your show tonight",
    "let's burn through the backlog this week", "I will fight for this feature in the vote",
    "my cat is going to murder that new toy", "the final boss destroyed my whole team",
    "we got slaughtered in ranked again", "I'm going to crush this exam",
    "that patch absolutely murdered my favourite deck", "I nearly died laughing at your clip",
    "he shot the winning goal from the halfway line",
)  # fmt: skip
IDIOM_ENDINGS = ("", " haha", "!", " :)", ", thanks everyone", " honestly")

THREAT_LABELS = {"toxicity": 1.0, "threat": 1.0}
CLEAN_LABELS = dict.fromkeys(JIGSAW_LABELS, 0.0)


def threats() -> list[str]:
    promised = [f"{p} {h}{e}" for p, h, e in product(PROMISES, HARMS, ENDINGS)]
    wished = [f"{w}{e}" for w, e in product(WISHES, WISH_ENDINGS)]
    return promised + wished


def lookalikes() -> list[str]:
    return [f"{o}{i}{e}" for o, i, e in product(OPENINGS, IDIOMS, IDIOM_ENDINGS)]


def threat_rows(count: int, seed: int = SEED) -> Dataset:
    """`count` threats and `count` look-alikes, drawn without repeats."""
    rng = random.Random(seed)
    threatening = rng.sample(threats(), count)
    harmless = rng.sample(lookalikes(), count)
    return Dataset(
        texts=threatening + harmless,
        labels=[dict(THREAT_LABELS) for _ in threatening] + [dict(CLEAN_LABELS) for _ in harmless],
        sources=[SOURCE] * (2 * count),
    )
